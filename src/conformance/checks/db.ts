import { randomUUID } from 'node:crypto';
import type { HttpMethod } from '../../contract/index.ts';
import { encodeCursor } from '../../data/errors.ts';
import type { StatementCount } from '../../data/query-count.ts';
import { CheckFailed, type ErrorCode, expectEqual, expectJson, expectThat } from '../expect.ts';
import type { HttpResponse } from '../http.ts';
import { preview } from '../schemas.ts';
import { type Check, type CheckContext, type DbCheckState, JSON_HEADERS, send } from './context.ts';
import { expectStatements, type RequestInit, sendCounted, sqlRows } from './oracle.ts';

/**
 * Scenarios 09–13: the `/db/*` endpoints of targets with a scenario data layer. Enabled by
 * `verifyTarget(url, { db: { databaseUrl } })`; the checks read the database directly (the
 * oracle for what the endpoints return) and count the statements each request sends through
 * `pg_stat_statements`, so "lazy = 1 + N, eager = 1" is checked on the server. Run them with the
 * database to yourself: concurrent sessions are counted too. Writes are not undone: inserts use
 * skus unique to the run, decrements take small quantities from product 10 only.
 */

interface PageUser {
  id: number;
  name: string;
  email: string;
  createdAt: string;
}

interface AuthorWithPosts {
  id: number;
  name: string;
  posts: Array<{ id: number; title: string; viewCount: number }>;
}

export function dbState(databaseUrl: string): DbCheckState {
  return {
    databaseUrl,
    runId: `${Date.now().toString(36)}${randomUUID().slice(0, 6)}`,
  };
}

const INSERT_STRATEGIES = ['individual', 'orm-batch', 'multi-values', 'unnest', 'copy'] as const;
type InsertStrategy = (typeof INSERT_STRATEGIES)[number];
/**
 * Bulk insert strategies per data layer (`GET /meta`'s `dataLayer`): the Node layers of src/data
 * (`bulkInsertStrategies`), Go's pgx (src/targets/go-shared) and the Python targets' ORMs.
 * `unnest` and `copy` are raw SQL.
 */
export const LAYER_INSERT_STRATEGIES: Readonly<Record<string, readonly InsertStrategy[]>> = {
  pg: INSERT_STRATEGIES,
  typeorm: ['individual', 'orm-batch', 'multi-values'],
  mikroorm: ['individual', 'orm-batch', 'multi-values'],
  pgx: INSERT_STRATEGIES,
  sqlalchemy: ['individual', 'orm-batch', 'multi-values'],
  'django-orm': ['individual', 'orm-batch', 'multi-values'],
};
const DATA_LAYERS = Object.keys(LAYER_INSERT_STRATEGIES);
const SHAPES = ['narrow', 'wide', 'extra_wide', 'wide_projected'] as const;
const SHAPE_TABLE: Record<(typeof SHAPES)[number], string> = {
  narrow: 'users_narrow',
  wide: 'users_wide',
  extra_wide: 'users_extra_wide',
  wide_projected: 'users_wide',
};
const PROJECTED_COLUMNS = ['id', 'name', 'email', 'age', 'created_at'];
const TYPES = ['int', 'varchar', 'text', 'jsonb', 'timestamp', 'uuid'] as const;
const LOAD_STRATEGIES = ['lazy', 'eager', 'select-in'] as const;
const LOCK_STRATEGIES = ['none', 'pessimistic', 'optimistic', 'serializable'] as const;
/** The product the decrement checks take stock from (the inventory fixture has 1..10). */
const PRODUCT = 10;
const BULK_ROWS = 20;

function state(ctx: CheckContext): DbCheckState {
  if (!ctx.db)
    throw new Error('db checks run only with verifyTarget(url, { db: { databaseUrl } })');
  return ctx.db;
}

const sql = <T>(ctx: CheckContext, text: string, values: unknown[] = []): Promise<T[]> =>
  sqlRows<T>(state(ctx).databaseUrl, text, values);

const USER_SQL = `SELECT id::int AS id, name, email,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
  FROM users`;

/** Sends the request while counting the statements the target sends for it. */
const counted = (
  ctx: CheckContext,
  method: Uppercase<HttpMethod>,
  path: string,
  init: RequestInit = {},
): Promise<{ res: HttpResponse; statements: StatementCount }> =>
  sendCounted(ctx, state(ctx).databaseUrl, method, path, init);

async function getOk<T>(
  ctx: CheckContext,
  path: string,
  operation: string,
  statements: number | ((body: T) => number),
): Promise<T> {
  const { res, statements: count } = await counted(ctx, 'GET', path);
  const body = expectJson(ctx.validators, res, {
    status: 200,
    operation: ['get', operation],
  }) as T;
  expectStatements(
    `GET ${path}`,
    count,
    typeof statements === 'number' ? statements : statements(body),
  );
  return body;
}

function expectOrderedIds(rows: ReadonlyArray<{ id?: unknown }>): void {
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [Number(rows[i - 1]?.id), Number(rows[i]?.id)];
    expectThat(a < b, `expected rows ordered by id, received id ${a} before id ${b}`);
  }
}

async function columnNames(ctx: CheckContext, table: string): Promise<string[]> {
  const rows = await sql<{ column_name: string }>(
    ctx,
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((row) => row.column_name);
}

async function tableIds(ctx: CheckContext, table: string, skip: number, size: number) {
  const rows = await sql<{ id: number }>(
    ctx,
    `SELECT id::float8 AS id FROM ${table} ORDER BY id LIMIT $1 OFFSET $2`,
    [size, skip],
  );
  return rows.map((row) => row.id);
}

async function authorsOracle(
  ctx: CheckContext,
  skip: number,
  size: number,
): Promise<AuthorWithPosts[]> {
  const authors = await sql<{ id: number; name: string }>(
    ctx,
    'SELECT id::float8 AS id, name FROM authors ORDER BY id LIMIT $1 OFFSET $2',
    [size, skip],
  );
  const posts = await sql<{ id: number; author_id: number; title: string; view_count: number }>(
    ctx,
    `SELECT id::float8 AS id, author_id::float8 AS author_id, title, view_count
       FROM posts WHERE author_id = ANY($1::bigint[]) ORDER BY id`,
    [authors.map((author) => author.id)],
  );
  return authors.map((author) => ({
    id: author.id,
    name: author.name,
    posts: posts
      .filter((post) => post.author_id === author.id)
      .map((post) => ({ id: post.id, title: post.title, viewCount: post.view_count })),
  }));
}

async function stockOf(ctx: CheckContext, id: number): Promise<number> {
  const [row] = await sql<{ stock: number }>(ctx, 'SELECT stock FROM products WHERE id = $1', [id]);
  if (!row) throw new CheckFailed(`expected product ${id} in the seeded products table`);
  return row.stock;
}

function bulkItems(ctx: CheckContext, tag: string, n: number) {
  return Array.from({ length: n }, (_, i) => ({
    sku: `conf-${state(ctx).runId}-${tag}-${String(i).padStart(4, '0')}`,
    name: `Conformance item ${i}`,
    quantity: i,
    price: `${i + 1}.50`,
  }));
}

async function bulkRows(ctx: CheckContext, prefix: string) {
  return sql<{ sku: string; name: string; quantity: number; price: string }>(
    ctx,
    `SELECT sku, name, quantity, price::text AS price FROM bulk_items
      WHERE sku LIKE $1 ORDER BY sku`,
    [`${prefix}%`],
  );
}

/** The data layer `GET /meta` names: from db.meta.data-layer, else read leniently. */
async function dataLayer(ctx: CheckContext): Promise<string | undefined> {
  const db = state(ctx);
  if (db.dataLayer) return db.dataLayer;
  try {
    const res = await send(ctx, 'GET', '/meta');
    const layer = (JSON.parse(res.body.toString('utf8')) as { dataLayer?: unknown }).dataLayer;
    if (typeof layer === 'string') db.dataLayer = layer;
  } catch {
    // unknown: the strategy checks then accept either answer
  }
  return db.dataLayer;
}

export const dbHappyPath: Check[] = [
  {
    id: 'db.meta.data-layer',
    description: `GET /meta names the data layer behind /db: ${DATA_LAYERS.join(', ')}`,
    async run(ctx) {
      const res = await send(ctx, 'GET', '/meta');
      const meta = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['get', '/meta'],
      }) as { dataLayer: string };
      expectThat(
        DATA_LAYERS.includes(meta.dataLayer),
        `expected dataLayer to be one of ${DATA_LAYERS.join(', ')}, received ${preview(meta.dataLayer)}`,
      );
      state(ctx).dataLayer = meta.dataLayer;
    },
  },
  {
    id: 'db.offset.default',
    description: 'GET /db/users/offset answers the first 20 users by id in 1 statement',
    async run(ctx) {
      const body = await getOk<{ items: PageUser[] }>(
        ctx,
        '/db/users/offset',
        '/db/users/offset',
        1,
      );
      const want = await sql<PageUser>(ctx, `${USER_SQL} ORDER BY id LIMIT 20`);
      expectEqual('the page', want, body.items);
    },
  },
  {
    id: 'db.offset.page',
    description:
      'GET /db/users/offset?skip=3&size=5 answers rows 4–8 of users by id in 1 statement',
    async run(ctx) {
      const body = await getOk<{ items: PageUser[] }>(
        ctx,
        '/db/users/offset?skip=3&size=5',
        '/db/users/offset',
        1,
      );
      const want = await sql<PageUser>(ctx, `${USER_SQL} ORDER BY id LIMIT 5 OFFSET 3`);
      expectEqual('the page', want, body.items);
    },
  },
  {
    id: 'db.offset.past-end',
    description: 'GET /db/users/offset with skip past the last row answers an empty page',
    async run(ctx) {
      const body = await getOk<{ items: PageUser[] }>(
        ctx,
        '/db/users/offset?skip=100000000&size=5',
        '/db/users/offset',
        1,
      );
      expectEqual('the page', [], body.items);
    },
  },
  {
    id: 'db.keyset.page',
    description:
      'GET /db/users/keyset?after=<3rd id>&size=5 answers the next 5 users in 1 statement',
    async run(ctx) {
      const [third] = await sql<{ id: number }>(
        ctx,
        'SELECT id::float8 AS id FROM users ORDER BY id LIMIT 1 OFFSET 2',
      );
      if (!third) throw new CheckFailed('expected at least 3 users in the seeded table');
      const body = await getOk<{ items: PageUser[] }>(
        ctx,
        `/db/users/keyset?after=${third.id}&size=5`,
        '/db/users/keyset',
        1,
      );
      const want = await sql<PageUser>(ctx, `${USER_SQL} WHERE id > $1 ORDER BY id LIMIT 5`, [
        third.id,
      ]);
      expectEqual('the page', want, body.items);
    },
  },
  {
    id: 'db.keyset.default',
    description: 'GET /db/users/keyset answers the same first 20 users as the offset page',
    async run(ctx) {
      const body = await getOk<{ items: PageUser[] }>(
        ctx,
        '/db/users/keyset',
        '/db/users/keyset',
        1,
      );
      const want = await sql<PageUser>(ctx, `${USER_SQL} ORDER BY id LIMIT 20`);
      expectEqual('the page', want, body.items);
    },
  },
  {
    id: 'db.cursor.walk',
    description:
      'GET /db/users/cursor?size=5 then its next cursor answer rows 1–10 by (created_at, id), 1 statement each',
    async run(ctx) {
      const want = await sql<PageUser>(ctx, `${USER_SQL} ORDER BY created_at, id LIMIT 10`);
      const first = await getOk<{ items: PageUser[]; next: string | null }>(
        ctx,
        '/db/users/cursor?size=5',
        '/db/users/cursor',
        1,
      );
      expectEqual('the first page', want.slice(0, 5), first.items);
      expectThat(
        typeof first.next === 'string',
        `expected a next cursor, received ${preview(first.next)}`,
      );
      const second = await getOk<{ items: PageUser[]; next: string | null }>(
        ctx,
        `/db/users/cursor?size=5&cursor=${encodeURIComponent(first.next as string)}`,
        '/db/users/cursor',
        1,
      );
      expectEqual('the second page', want.slice(5, 10), second.items);
    },
  },
  {
    id: 'db.cursor.last-page',
    description: 'GET /db/users/cursor after the next-to-last row answers the rest and next null',
    async run(ctx) {
      const [beforeLast] = await sql<PageUser>(
        ctx,
        `${USER_SQL} ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET 1`,
      );
      if (!beforeLast) throw new CheckFailed('expected at least 2 users in the seeded table');
      // Cursors carry milliseconds: the oracle pages after the same (truncated) position.
      const want = await sql<PageUser>(
        ctx,
        `${USER_SQL} WHERE (created_at, id) > ($1::timestamptz, $2) ORDER BY created_at, id LIMIT 5`,
        [beforeLast.createdAt, beforeLast.id],
      );
      const cursor = encodeCursor(beforeLast.createdAt, beforeLast.id);
      const body = await getOk<{ items: PageUser[]; next: string | null }>(
        ctx,
        `/db/users/cursor?size=5&cursor=${cursor}`,
        '/db/users/cursor',
        1,
      );
      expectEqual('the last page', { items: want, next: null }, body);
    },
  },
  ...SHAPES.map(
    (shape): Check => ({
      id: `db.columns.${shape.replace('_', '-')}`,
      description: `GET /db/columns/${shape}?skip=2&size=5 answers 5 rows with the table's columns in 1 statement`,
      async run(ctx) {
        const table = SHAPE_TABLE[shape];
        const body = await getOk<{ items: Array<Record<string, unknown>> }>(
          ctx,
          `/db/columns/${shape}?skip=2&size=5`,
          '/db/columns/{shape}',
          1,
        );
        const columns =
          shape === 'wide_projected' ? PROJECTED_COLUMNS : await columnNames(ctx, table);
        expectEqual(
          'the row ids',
          await tableIds(ctx, table, 2, 5),
          body.items.map((row) => row.id),
        );
        for (const row of body.items) {
          expectEqual(`the columns of ${table}`, [...columns].sort(), Object.keys(row).sort());
        }
      },
    }),
  ),
  ...TYPES.map(
    (type): Check => ({
      id: `db.types.${type}`,
      description: `GET /db/types/${type}?size=5 answers 5 rows of users_type_${type} in 1 statement`,
      async run(ctx) {
        const table = `users_type_${type}`;
        const body = await getOk<{ items: Array<Record<string, unknown>> }>(
          ctx,
          `/db/types/${type}?size=5`,
          '/db/types/{type}',
          1,
        );
        expectEqual(
          'the row ids',
          await tableIds(ctx, table, 0, 5),
          body.items.map((row) => row.id),
        );
        const columns = (await columnNames(ctx, table)).sort();
        for (const row of body.items) {
          expectEqual(`the columns of ${table}`, columns, Object.keys(row).sort());
        }
      },
    }),
  ),
  ...LOAD_STRATEGIES.map(
    (strategy): Check => ({
      id: `db.authors.${strategy}`,
      description: `GET /db/authors?strategy=${strategy}&skip=1&size=5 answers authors 2–6 with their posts in ${strategy === 'lazy' ? '1 + N statements' : strategy === 'eager' ? '1 statement' : '2 statements'}`,
      async run(ctx) {
        const body = await getOk<{ items: AuthorWithPosts[] }>(
          ctx,
          `/db/authors?strategy=${strategy}&skip=1&size=5`,
          '/db/authors',
          (page) => (strategy === 'lazy' ? 1 + page.items.length : strategy === 'eager' ? 1 : 2),
        );
        expectEqual('the authors', await authorsOracle(ctx, 1, 5), body.items);
      },
    }),
  ),
  {
    id: 'db.authors.default-size',
    description: 'GET /db/authors?strategy=eager answers up to 20 authors ordered by id',
    async run(ctx) {
      const body = await getOk<{ items: AuthorWithPosts[] }>(
        ctx,
        '/db/authors?strategy=eager',
        '/db/authors',
        1,
      );
      expectThat(body.items.length <= 20, `expected ≤ 20 authors, received ${body.items.length}`);
      expectOrderedIds(body.items);
      expectEqual('the authors', await authorsOracle(ctx, 0, 20), body.items);
    },
  },
  ...INSERT_STRATEGIES.map(
    (strategy): Check => ({
      id: `db.bulk.insert.${strategy}`,
      description: `POST /db/bulk/insert?strategy=${strategy} writes ${BULK_ROWS} items (or answers 400 naming a layer without it)`,
      async run(ctx) {
        const layer = await dataLayer(ctx);
        const supported = layer ? LAYER_INSERT_STRATEGIES[layer]?.includes(strategy) : undefined;
        const items = bulkItems(ctx, `ins-${strategy}`, BULK_ROWS);
        const { res, statements } = await counted(
          ctx,
          'POST',
          `/db/bulk/insert?strategy=${strategy}`,
          { headers: JSON_HEADERS, body: JSON.stringify({ items }) },
        );
        if (supported === false || (supported === undefined && res.status === 400)) {
          const body = expectJson(ctx.validators, res, {
            status: 400,
            operation: ['post', '/db/bulk/insert'],
            code: 'validation_failed',
          }) as { error: { message: string } };
          if (layer) {
            expectThat(
              body.error.message.includes(layer),
              `expected the message to name the data layer "${layer}", received ${preview(body.error.message)}`,
            );
          }
          expectEqual(
            'rows written',
            [],
            await bulkRows(ctx, `conf-${state(ctx).runId}-ins-${strategy}-`),
          );
          return;
        }
        const body = expectJson(ctx.validators, res, {
          status: 201,
          operation: ['post', '/db/bulk/insert'],
        });
        expectEqual('the result', { written: BULK_ROWS }, body);
        const expected =
          strategy === 'individual'
            ? BULK_ROWS
            : strategy === 'orm-batch'
              ? { min: 1, max: BULK_ROWS }
              : 1;
        expectStatements(`POST /db/bulk/insert?strategy=${strategy}`, statements, expected);
        expectEqual(
          'the rows in bulk_items',
          items,
          await bulkRows(ctx, `conf-${state(ctx).runId}-ins-${strategy}-`),
        );
      },
    }),
  ),
  {
    id: 'db.bulk.insert.duplicate-sku-409',
    description:
      'POST /db/bulk/insert with a sku that exists answers 409 conflict, with every strategy the layer has',
    async run(ctx) {
      const layer = await dataLayer(ctx);
      const strategies = (layer && LAYER_INSERT_STRATEGIES[layer]) || ['individual'];
      const [existing] = bulkItems(ctx, 'dup-existing', 1) as [ReturnType<typeof bulkItems>[0]];
      await sql(
        ctx,
        'INSERT INTO bulk_items (sku, name, quantity, price) VALUES ($1, $2, $3, $4)',
        [existing.sku, existing.name, existing.quantity, existing.price],
      );
      for (const strategy of strategies) {
        const res = await send(ctx, 'POST', `/db/bulk/insert?strategy=${strategy}`, {
          headers: JSON_HEADERS,
          body: JSON.stringify({ items: [existing] }),
        });
        try {
          expectJson(ctx.validators, res, {
            status: 409,
            operation: ['post', '/db/bulk/insert'],
            code: 'conflict',
          });
        } catch (error) {
          (error as Error).message = `strategy ${strategy}: ${(error as Error).message}`;
          throw error;
        }
      }
    },
  },
  ...(['individual', 'bulk'] as const).map(
    (strategy): Check => ({
      id: `db.bulk.update.${strategy}`,
      description: `POST /db/bulk/update?strategy=${strategy} sets the quantity of 5 skus (and ignores an unknown one) in ${strategy === 'bulk' ? '1 statement' : '1 statement per entry'}`,
      async run(ctx) {
        const prefix = `conf-${state(ctx).runId}-upd-${strategy}-`;
        const items = bulkItems(ctx, `upd-${strategy}`, 5);
        await sql(
          ctx,
          `INSERT INTO bulk_items (sku, name, quantity, price)
           SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::int[], $4::numeric[])`,
          [
            items.map((item) => item.sku),
            items.map((item) => item.name),
            items.map((item) => item.quantity),
            items.map((item) => item.price),
          ],
        );
        const updates = [
          ...items.map((item) => ({ sku: item.sku, quantity: item.quantity + 100 })),
          { sku: `${prefix}unknown`, quantity: 1 },
        ];
        const { res, statements } = await counted(
          ctx,
          'POST',
          `/db/bulk/update?strategy=${strategy}`,
          { headers: JSON_HEADERS, body: JSON.stringify({ updates }) },
        );
        const body = expectJson(ctx.validators, res, {
          status: 200,
          operation: ['post', '/db/bulk/update'],
        });
        expectEqual('the result', { updated: items.length }, body);
        expectStatements(
          `POST /db/bulk/update?strategy=${strategy}`,
          statements,
          strategy === 'bulk' ? 1 : updates.length,
        );
        expectEqual(
          'the rows in bulk_items',
          items.map((item) => ({ ...item, quantity: item.quantity + 100 })),
          await bulkRows(ctx, prefix),
        );
      },
    }),
  ),
  ...LOCK_STRATEGIES.map(
    (strategy): Check => ({
      id: `db.decrement.${strategy}`,
      description: `POST /db/products/${PRODUCT}/decrement?strategy=${strategy} with quantity 1 answers ok, takes 1 from stock in 2 statements`,
      async run(ctx) {
        const before = await stockOf(ctx, PRODUCT);
        expectThat(before >= 1, `expected product ${PRODUCT} to have stock left, it has ${before}`);
        const { res, statements } = await counted(
          ctx,
          'POST',
          `/db/products/${PRODUCT}/decrement?strategy=${strategy}`,
          { headers: JSON_HEADERS, body: JSON.stringify({ quantity: 1 }) },
        );
        const body = expectJson(ctx.validators, res, {
          status: 200,
          operation: ['post', '/db/products/{id}/decrement'],
        });
        expectEqual('the outcome', { ok: true, retries: 0 }, body);
        expectStatements(`a decrement (${strategy})`, statements, 2);
        expectEqual(`the stock of product ${PRODUCT}`, before - 1, await stockOf(ctx, PRODUCT));
      },
    }),
  ),
  {
    id: 'db.decrement.insufficient-409',
    description:
      'POST /db/products/10/decrement beyond the stock answers 409 conflict, stock unchanged',
    async run(ctx) {
      const before = await stockOf(ctx, PRODUCT);
      const res = await send(
        ctx,
        'POST',
        `/db/products/${PRODUCT}/decrement?strategy=pessimistic`,
        {
          headers: JSON_HEADERS,
          body: JSON.stringify({ quantity: 2_147_483_647 }),
        },
      );
      expectJson(ctx.validators, res, {
        status: 409,
        operation: ['post', '/db/products/{id}/decrement'],
        code: 'conflict',
      });
      expectEqual(`the stock of product ${PRODUCT}`, before, await stockOf(ctx, PRODUCT));
    },
  },
];

interface BadRequest {
  path: string;
  operation: string;
  method?: 'GET' | 'POST';
  status?: number;
  code?: ErrorCode;
  body?: string;
  contentType?: string;
}

function badInput(id: string, description: string, request: BadRequest): Check {
  return {
    id,
    description,
    async run(ctx) {
      const method = request.method ?? 'GET';
      const res = await send(ctx, method, request.path, {
        ...(request.body !== undefined
          ? {
              headers: { 'content-type': request.contentType ?? 'application/json' },
              body: request.body,
            }
          : {}),
      });
      expectJson(ctx.validators, res, {
        status: request.status ?? 400,
        operation: [method.toLowerCase() as HttpMethod, request.operation],
        code: request.code ?? 'validation_failed',
      });
    },
  };
}

const PAGE_PARAMS: Array<[string, string]> = [
  ['skip-negative', 'skip=-1'],
  ['skip-non-numeric', 'skip=abc'],
  ['skip-fractional', 'skip=1.5'],
  ['skip-huge', 'skip=99999999999999999999'],
  ['skip-empty', 'skip='],
  ['size-zero', 'size=0'],
  ['size-too-large', 'size=101'],
  ['size-huge', 'size=99999999999999999999'],
  ['size-non-numeric', 'size=ten'],
  ['size-fractional', 'size=2.5'],
  ['size-empty', 'size='],
];

const decrementPath = (id: string, strategy = 'pessimistic') =>
  `/db/products/${id}/decrement?strategy=${strategy}`;
const validItem = { sku: 'conf-never-written', name: 'x', quantity: 1, price: '1.00' };

export const dbBadInput: Check[] = [
  ...PAGE_PARAMS.map(([name, query]) =>
    badInput(`db.offset.${name}`, `GET /db/users/offset?${query} answers 400`, {
      path: `/db/users/offset?${query}`,
      operation: '/db/users/offset',
    }),
  ),
  ...PAGE_PARAMS.map(([name, query]): [string, string] => [
    name.replace('skip', 'after'),
    query.replace('skip', 'after'),
  ]).map(([name, query]) =>
    badInput(`db.keyset.${name}`, `GET /db/users/keyset?${query} answers 400`, {
      path: `/db/users/keyset?${query}`,
      operation: '/db/users/keyset',
    }),
  ),
  ...PAGE_PARAMS.filter(([name]) => name.startsWith('size')).map(([name, query]) =>
    badInput(`db.cursor.${name}`, `GET /db/users/cursor?${query} answers 400`, {
      path: `/db/users/cursor?${query}`,
      operation: '/db/users/cursor',
    }),
  ),
  ...(
    [
      ['not-base64url', '!!!!!!!!!!'],
      ['too-short', 'abc'],
      ['too-long', 'A'.repeat(129)],
    ] as const
  ).map(([name, cursor]) =>
    badInput(
      `db.cursor.malformed-${name}`,
      `GET /db/users/cursor?cursor=${cursor.slice(0, 12)} (not a Cursor) answers 400 validation_failed`,
      {
        path: `/db/users/cursor?cursor=${encodeURIComponent(cursor)}`,
        operation: '/db/users/cursor',
      },
    ),
  ),
  ...(
    [
      ['base64url-junk', 'AAAAAAAAAAAA'],
      ['wrong-shape', Buffer.from(JSON.stringify(['yesterday', 1])).toString('base64url')],
      [
        'negative-id',
        Buffer.from(JSON.stringify(['2024-01-01T00:00:00.000Z', -1])).toString('base64url'),
      ],
    ] as const
  ).map(([name, cursor]) =>
    badInput(
      `db.cursor.invalid-${name}`,
      `GET /db/users/cursor?cursor=${cursor} answers 400 invalid_cursor`,
      {
        path: `/db/users/cursor?cursor=${encodeURIComponent(cursor)}`,
        operation: '/db/users/cursor',
        code: 'invalid_cursor',
      },
    ),
  ),
  badInput('db.columns.unknown-shape', 'GET /db/columns/tall answers 404 not_found', {
    path: '/db/columns/tall',
    operation: '/db/columns/{shape}',
    status: 404,
    code: 'not_found',
  }),
  badInput('db.columns.size-too-large', 'GET /db/columns/narrow?size=101 answers 400', {
    path: '/db/columns/narrow?size=101',
    operation: '/db/columns/{shape}',
  }),
  badInput('db.columns.skip-negative', 'GET /db/columns/wide?skip=-1 answers 400', {
    path: '/db/columns/wide?skip=-1',
    operation: '/db/columns/{shape}',
  }),
  badInput('db.types.unknown-type', 'GET /db/types/bigint answers 404 not_found', {
    path: '/db/types/bigint',
    operation: '/db/types/{type}',
    status: 404,
    code: 'not_found',
  }),
  badInput('db.types.size-zero', 'GET /db/types/int?size=0 answers 400', {
    path: '/db/types/int?size=0',
    operation: '/db/types/{type}',
  }),
  badInput('db.authors.missing-strategy', 'GET /db/authors without strategy answers 400', {
    path: '/db/authors',
    operation: '/db/authors',
  }),
  badInput('db.authors.unknown-strategy', 'GET /db/authors?strategy=joined answers 400', {
    path: '/db/authors?strategy=joined',
    operation: '/db/authors',
  }),
  badInput('db.authors.size-too-large', 'GET /db/authors?strategy=eager&size=101 answers 400', {
    path: '/db/authors?strategy=eager&size=101',
    operation: '/db/authors',
  }),
  ...(
    [
      ['unknown-strategy', 'strategy=fastest', JSON.stringify({ items: [validItem] })],
      ['missing-strategy', '', JSON.stringify({ items: [validItem] })],
      ['not-an-object', 'strategy=individual', JSON.stringify([validItem])],
      ['no-items', 'strategy=individual', JSON.stringify({ items: [] })],
      [
        'too-many-items',
        'strategy=multi-values',
        JSON.stringify({
          items: Array.from({ length: 5001 }, (_, i) => ({ ...validItem, sku: `conf-never-${i}` })),
        }),
      ],
      [
        'item-missing-sku',
        'strategy=individual',
        JSON.stringify({ items: [{ name: 'x', quantity: 1, price: '1.00' }] }),
      ],
      [
        'item-quantity-string',
        'strategy=individual',
        JSON.stringify({ items: [{ ...validItem, quantity: '1' }] }),
      ],
      [
        'item-bad-price',
        'strategy=individual',
        JSON.stringify({ items: [{ ...validItem, price: 'cheap' }] }),
      ],
      [
        'extra-property',
        'strategy=individual',
        JSON.stringify({ items: [validItem], dryRun: true }),
      ],
    ] as const
  ).map(([name, query, body]) =>
    badInput(`db.bulk.insert.${name}`, `POST /db/bulk/insert (${name}) answers 400`, {
      method: 'POST',
      path: `/db/bulk/insert${query ? `?${query}` : ''}`,
      operation: '/db/bulk/insert',
      body,
    }),
  ),
  badInput(
    'db.bulk.insert.malformed-json',
    'POST /db/bulk/insert with malformed JSON answers 400 invalid_json',
    {
      method: 'POST',
      path: '/db/bulk/insert?strategy=individual',
      operation: '/db/bulk/insert',
      code: 'invalid_json',
      body: '{"items": [',
    },
  ),
  badInput('db.bulk.insert.not-json', 'POST /db/bulk/insert as text/plain answers 415', {
    method: 'POST',
    path: '/db/bulk/insert?strategy=individual',
    operation: '/db/bulk/insert',
    status: 415,
    code: 'unsupported_media_type',
    body: JSON.stringify({ items: [validItem] }),
    contentType: 'text/plain',
  }),
  ...(
    [
      [
        'unknown-strategy',
        'strategy=merge',
        JSON.stringify({ updates: [{ sku: 'x', quantity: 1 }] }),
      ],
      ['no-updates', 'strategy=bulk', JSON.stringify({ updates: [] })],
      ['update-missing-quantity', 'strategy=bulk', JSON.stringify({ updates: [{ sku: 'x' }] })],
      [
        'update-negative-quantity',
        'strategy=individual',
        JSON.stringify({ updates: [{ sku: 'x', quantity: -1 }] }),
      ],
    ] as const
  ).map(([name, query, body]) =>
    badInput(`db.bulk.update.${name}`, `POST /db/bulk/update (${name}) answers 400`, {
      method: 'POST',
      path: `/db/bulk/update?${query}`,
      operation: '/db/bulk/update',
      body,
    }),
  ),
  badInput(
    'db.bulk.update.malformed-json',
    'POST /db/bulk/update with malformed JSON answers 400 invalid_json',
    {
      method: 'POST',
      path: '/db/bulk/update?strategy=bulk',
      operation: '/db/bulk/update',
      code: 'invalid_json',
      body: '{"updates"',
    },
  ),
  ...(
    [
      ['unknown-strategy', decrementPath(String(PRODUCT), 'yolo'), JSON.stringify({ quantity: 1 })],
      ['missing-strategy', `/db/products/${PRODUCT}/decrement`, JSON.stringify({ quantity: 1 })],
      ['quantity-zero', decrementPath(String(PRODUCT)), JSON.stringify({ quantity: 0 })],
      ['quantity-string', decrementPath(String(PRODUCT)), JSON.stringify({ quantity: '1' })],
      ['quantity-fractional', decrementPath(String(PRODUCT)), JSON.stringify({ quantity: 1.5 })],
      ['missing-quantity', decrementPath(String(PRODUCT)), JSON.stringify({})],
      ['id-non-numeric', decrementPath('abc'), JSON.stringify({ quantity: 1 })],
      ['id-zero', decrementPath('0'), JSON.stringify({ quantity: 1 })],
    ] as const
  ).map(([name, path, body]) =>
    badInput(`db.decrement.${name}`, `POST ${path} (${name}) answers 400`, {
      method: 'POST',
      path,
      operation: '/db/products/{id}/decrement',
      body,
    }),
  ),
  badInput(
    'db.decrement.malformed-json',
    'POST /db/products/10/decrement with malformed JSON answers 400 invalid_json',
    {
      method: 'POST',
      path: decrementPath(String(PRODUCT)),
      operation: '/db/products/{id}/decrement',
      code: 'invalid_json',
      body: '{"quantity":',
    },
  ),
  badInput('db.decrement.unknown-product', 'POST /db/products/2147483647/decrement answers 404', {
    method: 'POST',
    path: decrementPath('2147483647'),
    operation: '/db/products/{id}/decrement',
    status: 404,
    code: 'not_found',
    body: JSON.stringify({ quantity: 1 }),
  }),
  {
    id: 'db.robustness.health-after',
    description: 'GET /health still answers 200 after the db checks',
    async run(ctx) {
      const res = await send(ctx, 'GET', '/health');
      expectJson(ctx.validators, res, { status: 200, operation: ['get', '/health'] });
    },
  },
];

/** The db group, in the order it runs: happy paths (with their oracles), then bad input. */
export const DB_CHECKS: readonly Check[] = [...dbHappyPath, ...dbBadInput];
