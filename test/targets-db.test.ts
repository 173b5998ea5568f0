import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTarget } from '../src/conformance/index.ts';
import type { BulkInsertStrategy, DataLayerName } from '../src/data/types.ts';
import { useLab } from '../src/infra/vitest.ts';
import { type RunningTarget, startTarget } from '../src/launcher/launch.ts';
import { getTarget, missingBuildOutputs } from '../src/launcher/registry.ts';

/**
 * The `/db/…` routes (scenarios 09–13) of framework × data layer targets, as processes: every
 * endpoint's status and body shape, the same rows through every layer for the reads of 09, 10
 * and 11, the writes of 12 and 13 checked against the database, bad input answered with the
 * documented 4xx in the contract's error shape, and the target still healthy afterwards.
 */

const TARGET_NAMES = ['express', 'fastify+typeorm', 'fastify+mikroorm', 'nestjs-fastify+mikroorm'];
/** Raw pg answers are the reference the ORM targets are compared with. */
const REFERENCE = 'express';

const INSERT_STRATEGIES: Record<DataLayerName, BulkInsertStrategy[]> = {
  pg: ['individual', 'orm-batch', 'multi-values', 'unnest', 'copy'],
  typeorm: ['individual', 'orm-batch', 'multi-values'],
  mikroorm: ['individual', 'orm-batch', 'multi-values'],
};
const ALL_INSERT_STRATEGIES = INSERT_STRATEGIES.pg;
const SHAPES = ['narrow', 'wide', 'extra_wide', 'wide_projected'];
const TYPES = ['int', 'varchar', 'text', 'jsonb', 'timestamp', 'uuid'];
const LOCKS = ['none', 'pessimistic', 'optimistic', 'serializable'];

const lab = useLab({ fixtures: ['users', 'columns', 'blog', 'bulk', 'inventory'], scale: 0.01 });
const targets = new Map<string, RunningTarget>();
let oracle: pg.Pool;

beforeAll(async () => {
  const missing = missingBuildOutputs(getTarget('nestjs-fastify+mikroorm'));
  if (missing.length > 0) throw new Error(`${missing.join(', ')} missing: run pnpm build:targets`);
  oracle = new pg.Pool({ connectionString: lab.pg.url, max: 2 });
  oracle.on('error', () => {});
  // One at a time: ORM start-up is CPU-bound, and the machine has two cores.
  for (const name of TARGET_NAMES) {
    targets.set(
      name,
      await startTarget(
        name,
        { DATABASE_URL: lab.pg.url, UPSTREAM_URL: 'http://127.0.0.1:9', LAB_DB_POOL: '4' },
        { timeoutMs: 60_000 },
      ),
    );
  }
}, 240_000);

afterAll(async () => {
  const stopped = await Promise.all([...targets.values()].map((target) => target.stop()));
  await oracle?.end();
  for (const result of stopped) expect(result).toEqual({ graceful: true, exit: 0, exited: true });
});

interface Answer {
  status: number;
  body: unknown;
}

async function call(
  name: string,
  path: string,
  init: { method?: string; body?: unknown; raw?: string; contentType?: string | null } = {},
): Promise<Answer> {
  const target = targets.get(name) as RunningTarget;
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (init.raw !== undefined || init.body !== undefined) {
    body = init.raw ?? JSON.stringify(init.body);
    if (init.contentType !== null) headers['content-type'] = init.contentType ?? 'application/json';
  }
  const response = await fetch(`${target.url}${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body === undefined ? {} : { body }),
  });
  expect(response.headers.get('content-type'), `${name} ${path}`).toMatch(/^application\/json/);
  return { status: response.status, body: await response.json() };
}

async function ok<T>(name: string, path: string, status = 200): Promise<T> {
  const answer = await call(name, path);
  expect(answer, `${name} GET ${path}`).toMatchObject({ status });
  return answer.body as T;
}

function expectError(answer: Answer, status: number, code: string, what: string): void {
  expect({ status: answer.status, body: answer.body }, what).toMatchObject({
    status,
    body: { error: { code } },
  });
  const { error } = answer.body as { error: Record<string, unknown> };
  expect(Object.keys(answer.body as object), what).toEqual(['error']);
  expect(Object.keys(error).sort(), what).toEqual(['code', 'message']);
  expect(error.message, what).toEqual(expect.any(String));
  expect((error.message as string).length, what).toBeGreaterThan(0);
}

interface PageUser {
  id: number;
  name: string;
  email: string;
  createdAt: string;
}

function expectPageUsers(items: unknown, size: number): asserts items is PageUser[] {
  expect(Array.isArray(items)).toBe(true);
  expect((items as unknown[]).length).toBe(size);
  for (const user of items as PageUser[]) {
    expect(Object.keys(user).sort()).toEqual(['createdAt', 'email', 'id', 'name']);
    expect(user.id).toEqual(expect.any(Number));
    expect(new Date(user.createdAt).toISOString()).toBe(user.createdAt);
  }
}

describe('framework × data layer targets', () => {
  it('report their name and data layer on /meta', async () => {
    for (const name of TARGET_NAMES) {
      const meta = await ok<Record<string, unknown>>(name, '/meta');
      expect(meta).toMatchObject({ target: name, dataLayer: getTarget(name).dataLayer });
    }
  });

  it('still serve the contract routes on raw pg (/users)', async () => {
    for (const name of TARGET_NAMES) {
      const page = await ok<{ items: unknown[] }>(name, '/users?limit=3');
      expect(page.items).toHaveLength(3);
    }
  });
});

describe('09 pagination', () => {
  it('offset and keyset pages hold the rows of the users table, equal on every layer', async () => {
    const expected = (
      await oracle.query<{ id: string }>('SELECT id FROM users ORDER BY id OFFSET 10 LIMIT 5')
    ).rows.map((row) => Number(row.id));
    const afterId = (
      await oracle.query<{ id: string }>('SELECT id FROM users ORDER BY id OFFSET 9 LIMIT 1')
    ).rows.map((row) => Number(row.id))[0];
    const reference = await ok<{ items: PageUser[] }>(REFERENCE, '/db/users/offset?skip=10&size=5');
    for (const name of TARGET_NAMES) {
      const offset = await ok<{ items: PageUser[] }>(name, '/db/users/offset?skip=10&size=5');
      expect(Object.keys(offset)).toEqual(['items']);
      expectPageUsers(offset.items, 5);
      expect(offset.items.map((user) => user.id)).toEqual(expected);
      expect(offset, name).toEqual(reference);
      const keyset = await ok<{ items: PageUser[] }>(
        name,
        `/db/users/keyset?after=${afterId}&size=5`,
      );
      expect(keyset, name).toEqual(reference);
      // Defaults: skip/after 0, size 20.
      const first = await ok<{ items: PageUser[] }>(name, '/db/users/offset');
      expectPageUsers(first.items, 20);
      expect(await ok(name, '/db/users/keyset')).toEqual(first);
    }
  });

  it('cursor pages walk the whole table in (created_at, id) order, equal on every layer', async () => {
    const expected = (
      await oracle.query<{ id: string }>('SELECT id FROM users ORDER BY created_at, id')
    ).rows.map((row) => Number(row.id));
    const walks = new Map<string, Array<{ items: PageUser[]; next: string | null }>>();
    for (const name of TARGET_NAMES) {
      const pages: Array<{ items: PageUser[]; next: string | null }> = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `size=100&cursor=${cursor}` : 'size=100';
        const page = await ok<{ items: PageUser[]; next: string | null }>(
          name,
          `/db/users/cursor?${query}`,
        );
        expect(Object.keys(page).sort()).toEqual(['items', 'next']);
        pages.push(page);
        cursor = page.next;
        expect(pages.length).toBeLessThanOrEqual(expected.length / 100 + 2);
      } while (cursor);
      expect(pages.flatMap((page) => page.items.map((user) => user.id))).toEqual(expected);
      walks.set(name, pages);
    }
    for (const name of TARGET_NAMES) expect(walks.get(name), name).toEqual(walks.get(REFERENCE));
    // Without size: 20 rows and a next cursor.
    const first = await ok<{ items: PageUser[]; next: string }>(
      TARGET_NAMES[1] as string,
      '/db/users/cursor',
    );
    expectPageUsers(first.items, 20);
    expect(first.next).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('10 column overhead', () => {
  it('every shape and type answers the same rows on every layer', async () => {
    const paths = [
      ...SHAPES.map((shape) => `/db/columns/${shape}?skip=3&size=4`),
      ...TYPES.map((type) => `/db/types/${type}?size=3`),
    ];
    for (const path of paths) {
      const reference = await ok<{ items: Array<Record<string, unknown>> }>(REFERENCE, path);
      expect(Object.keys(reference)).toEqual(['items']);
      expect(reference.items.length, path).toBe(path.includes('size=4') ? 4 : 3);
      for (const row of reference.items) expect(row.id, path).toEqual(expect.any(Number));
      for (const name of TARGET_NAMES)
        expect(await ok(name, path), `${name} ${path}`).toEqual(reference);
    }
    const narrow = await ok<{ items: Array<Record<string, unknown>> }>(
      REFERENCE,
      '/db/columns/narrow?skip=3&size=4',
    );
    expect(Object.keys(narrow.items[0] ?? {})).toHaveLength(5);
  });
});

describe('11 N+1', () => {
  it('lazy, eager and select-in return the same authors with their posts on every layer', async () => {
    const reference = await ok<{ items: Array<{ id: number; posts: unknown[] }> }>(
      REFERENCE,
      '/db/authors?strategy=eager&skip=1&size=3',
    );
    expect(reference.items).toHaveLength(3);
    for (const author of reference.items) {
      expect(Object.keys(author).sort()).toEqual(['id', 'name', 'posts']);
      expect(author.posts.length).toBeGreaterThan(0);
      for (const post of author.posts) {
        expect(Object.keys(post as object).sort()).toEqual(['id', 'title', 'viewCount']);
      }
    }
    for (const name of TARGET_NAMES) {
      for (const strategy of ['lazy', 'eager', 'select-in']) {
        expect(
          await ok(name, `/db/authors?strategy=${strategy}&skip=1&size=3`),
          `${name} ${strategy}`,
        ).toEqual(reference);
      }
    }
  });
});

describe('12 bulk', () => {
  const item = (sku: string, quantity = 5) => ({
    sku,
    name: `Item ${sku}`,
    quantity,
    price: '12.50',
  });

  it('inserts with every strategy the layer has, refuses the others naming the layer', async () => {
    for (const [index, name] of TARGET_NAMES.entries()) {
      const layer = getTarget(name).dataLayer as DataLayerName;
      for (const strategy of ALL_INSERT_STRATEGIES) {
        const skus = [1, 2, 3].map((n) => `t${index}-${strategy}-${n}`);
        const answer = await call(name, `/db/bulk/insert?strategy=${strategy}`, {
          body: { items: skus.map((sku) => item(sku)) },
        });
        if (INSERT_STRATEGIES[layer].includes(strategy)) {
          expect(answer, `${name} ${strategy}`).toEqual({ status: 201, body: { written: 3 } });
          const rows = await oracle.query('SELECT sku FROM bulk_items WHERE sku = ANY($1)', [skus]);
          expect(rows.rowCount, `${name} ${strategy}`).toBe(3);
        } else {
          expectError(answer, 400, 'validation_failed', `${name} ${strategy}`);
          expect((answer.body as { error: { message: string } }).error.message).toContain(layer);
        }
      }
      // A sku that exists already: the unique index says no, answered as a conflict (not a 500).
      const duplicate = await call(name, '/db/bulk/insert?strategy=individual', {
        body: { items: [item(`t${index}-individual-1`)] },
      });
      expectError(duplicate, 409, 'conflict', `${name} duplicate sku`);
    }
  });

  it('updates individually and in bulk; unknown skus are not counted', async () => {
    for (const [index, name] of TARGET_NAMES.entries()) {
      for (const strategy of ['individual', 'bulk']) {
        const updates = [
          { sku: `t${index}-individual-1`, quantity: 40 },
          { sku: `t${index}-individual-2`, quantity: 41 },
          { sku: `t${index}-no-such-sku`, quantity: 1 },
        ];
        const answer = await call(name, `/db/bulk/update?strategy=${strategy}`, {
          body: { updates },
        });
        expect(answer, `${name} ${strategy}`).toEqual({ status: 200, body: { updated: 2 } });
      }
      const rows = await oracle.query<{ quantity: number }>(
        'SELECT quantity FROM bulk_items WHERE sku = $1',
        [`t${index}-individual-2`],
      );
      expect(rows.rows[0]?.quantity).toBe(41);
    }
  });
});

describe('13 transactions', () => {
  it('decrements with every strategy, 409 when the stock is short, 404 for an unknown product', async () => {
    for (const [index, name] of TARGET_NAMES.entries()) {
      const product = index + 1;
      const stock = async () =>
        (
          await oracle.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [
            product,
          ])
        ).rows[0]?.stock;
      const before = await stock();
      for (const strategy of LOCKS) {
        const answer = await call(name, `/db/products/${product}/decrement?strategy=${strategy}`, {
          body: { quantity: 2 },
        });
        expect(answer, `${name} ${strategy}`).toEqual({
          status: 200,
          body: { ok: true, retries: 0 },
        });
      }
      expect(await stock()).toBe((before as number) - 2 * LOCKS.length);
      const short = await call(name, `/db/products/${product}/decrement?strategy=pessimistic`, {
        body: { quantity: 1_000_000 },
      });
      expectError(short, 409, 'conflict', `${name} insufficient stock`);
      expect(await stock()).toBe((before as number) - 2 * LOCKS.length);
      const unknown = await call(name, '/db/products/999999/decrement?strategy=none', {
        body: { quantity: 1 },
      });
      expectError(unknown, 404, 'not_found', `${name} unknown product`);
    }
  });
});

describe('bad input', () => {
  const validItem = { sku: 'bad-input', name: 'x', quantity: 1, price: '1.00' };
  const cases: Array<{
    what: string;
    path: string;
    init?: Parameters<typeof call>[2];
    status: number;
    code: string;
  }> = [
    ...[
      'size=0',
      'size=101',
      'size=1.5',
      'size=',
      'size=abc',
      'skip=-1',
      'skip=1e3x',
      'skip=99999999999999999',
    ].map((query) => ({
      what: query,
      path: `/db/users/offset?${query}`,
      status: 400,
      code: 'validation_failed',
    })),
    { what: 'after=-1', path: '/db/users/keyset?after=-1', status: 400, code: 'validation_failed' },
    {
      what: 'keyset size=0',
      path: '/db/users/keyset?size=0',
      status: 400,
      code: 'validation_failed',
    },
    {
      what: 'cursor size',
      path: '/db/users/cursor?size=500',
      status: 400,
      code: 'validation_failed',
    },
    {
      what: 'cursor garbage',
      path: '/db/users/cursor?cursor=not-a-cursor',
      status: 400,
      code: 'invalid_cursor',
    },
    {
      // Not base64url: not a Cursor at all (the contract's pattern), so validation fails first.
      what: 'cursor symbols',
      path: '/db/users/cursor?cursor=%21%21',
      status: 400,
      code: 'validation_failed',
    },
    {
      what: 'cursor with a negative id',
      path: `/db/users/cursor?cursor=${Buffer.from('["2024-01-01T00:00:00.000Z",-1]').toString('base64url')}`,
      status: 400,
      code: 'invalid_cursor',
    },
    {
      what: 'cursor of other JSON',
      path: `/db/users/cursor?cursor=${Buffer.from('{"a":1}').toString('base64url')}`,
      status: 400,
      code: 'invalid_cursor',
    },
    { what: 'unknown shape', path: '/db/columns/tall?size=1', status: 404, code: 'not_found' },
    { what: 'unknown type', path: '/db/types/money', status: 404, code: 'not_found' },
    {
      what: 'columns bad size',
      path: '/db/columns/narrow?size=0',
      status: 400,
      code: 'validation_failed',
    },
    { what: 'authors no strategy', path: '/db/authors', status: 400, code: 'validation_failed' },
    {
      what: 'authors bad strategy',
      path: '/db/authors?strategy=joined',
      status: 400,
      code: 'validation_failed',
    },
    {
      what: 'authors bad skip',
      path: '/db/authors?strategy=lazy&skip=-2',
      status: 400,
      code: 'validation_failed',
    },
    ...(
      [
        ['insert no strategy', '', { items: [validItem] }],
        ['insert bad strategy', 'strategy=fast', { items: [validItem] }],
        ['insert no items', 'strategy=individual', { items: [] }],
        ['insert not an array', 'strategy=individual', { items: validItem }],
        ['insert extra property', 'strategy=individual', { items: [validItem], more: 1 }],
        ['insert bad price', 'strategy=individual', { items: [{ ...validItem, price: '1.234' }] }],
        ['insert price number', 'strategy=individual', { items: [{ ...validItem, price: 1 }] }],
        [
          'insert negative quantity',
          'strategy=individual',
          { items: [{ ...validItem, quantity: -1 }] },
        ],
        [
          'insert fractional quantity',
          'strategy=individual',
          { items: [{ ...validItem, quantity: 1.5 }] },
        ],
        ['insert empty sku', 'strategy=individual', { items: [{ ...validItem, sku: '' }] }],
        [
          'insert long sku',
          'strategy=individual',
          { items: [{ ...validItem, sku: 'x'.repeat(65) }] },
        ],
        [
          'insert long name',
          'strategy=individual',
          { items: [{ ...validItem, name: 'x'.repeat(201) }] },
        ],
        ['insert item extra', 'strategy=individual', { items: [{ ...validItem, id: 1 }] }],
        [
          'insert item missing',
          'strategy=individual',
          { items: [{ sku: 'a', name: 'b', quantity: 1 }] },
        ],
        [
          'insert too many',
          'strategy=individual',
          { items: Array.from({ length: 5001 }, (_, i) => ({ ...validItem, sku: `m${i}` })) },
        ],
      ] as const
    ).map(([what, query, body]) => ({
      what,
      path: `/db/bulk/insert?${query}`,
      init: { body },
      status: 400,
      code: 'validation_failed',
    })),
    {
      what: 'insert not JSON',
      path: '/db/bulk/insert?strategy=individual',
      init: { raw: '{"items": [' },
      status: 400,
      code: 'invalid_json',
    },
    {
      what: 'insert text/plain',
      path: '/db/bulk/insert?strategy=individual',
      init: { raw: 'hello', contentType: 'text/plain' },
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      what: 'update bad strategy',
      path: '/db/bulk/update?strategy=merge',
      init: { body: { updates: [{ sku: 'a', quantity: 1 }] } },
      status: 400,
      code: 'validation_failed',
    },
    {
      what: 'update bad quantity',
      path: '/db/bulk/update?strategy=bulk',
      init: { body: { updates: [{ sku: 'a', quantity: '1' }] } },
      status: 400,
      code: 'validation_failed',
    },
    {
      what: 'update not a list',
      path: '/db/bulk/update?strategy=bulk',
      init: { body: { updates: {} } },
      status: 400,
      code: 'validation_failed',
    },
    ...(
      [
        ['decrement no strategy', '/db/products/1/decrement', { quantity: 1 }],
        ['decrement bad strategy', '/db/products/1/decrement?strategy=greedy', { quantity: 1 }],
        ['decrement zero', '/db/products/1/decrement?strategy=none', { quantity: 0 }],
        ['decrement string', '/db/products/1/decrement?strategy=none', { quantity: '1' }],
        ['decrement extra', '/db/products/1/decrement?strategy=none', { quantity: 1, force: true }],
        ['decrement empty', '/db/products/1/decrement?strategy=none', {}],
        ['decrement id 0', '/db/products/0/decrement?strategy=none', { quantity: 1 }],
        ['decrement id abc', '/db/products/abc/decrement?strategy=none', { quantity: 1 }],
        ['decrement id huge', '/db/products/2147483648/decrement?strategy=none', { quantity: 1 }],
      ] as const
    ).map(([what, path, body]) => ({
      what,
      path,
      init: { body },
      status: 400,
      code: 'validation_failed',
    })),
    {
      what: 'decrement without body',
      path: '/db/products/1/decrement?strategy=none',
      init: { method: 'POST' },
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      what: 'GET on a POST route',
      path: '/db/bulk/insert',
      status: 405,
      code: 'method_not_allowed',
    },
  ];

  it('answers the documented 4xx in the error shape, and the target stays healthy', async () => {
    for (const name of TARGET_NAMES) {
      for (const { what, path, init, status, code } of cases) {
        expectError(await call(name, path, init), status, code, `${name}: ${what} (${path})`);
      }
      const health = await call(name, '/health');
      expect(health).toEqual({ status: 200, body: { status: 'ok' } });
    }
    // Nothing of the refused writes reached the table.
    const rows = await oracle.query(
      "SELECT 1 FROM bulk_items WHERE sku = 'bad-input' OR sku LIKE 'm%'",
    );
    expect(rows.rowCount).toBe(0);
  });
});

describe('conformance: the verifier db checks (status, schema, bad input, same work)', () => {
  // Last in the file: the checks write rows and take stock from product 10. One target at a time,
  // because statement counting reads pg_stat_statements of the whole database.
  it('every framework × layer target passes every db check, statement counts included', async () => {
    for (const [name, target] of targets) {
      const report = await verifyTarget(target.url, {
        db: { databaseUrl: lab.pg.url, only: true },
      });
      expect(
        report.failed.map((f) => `${name}: ${f.id}: ${f.detail}`),
        `${name}: ${report.failed.length} failed db checks`,
      ).toEqual([]);
      expect(report.passed.length).toBeGreaterThan(90);
    }
  }, 240_000);
});
