import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DataInputError } from '../src/data/errors.ts';
import { createPgLayer, MULTI_VALUES_CHUNK_ROWS } from '../src/data/pg/layer.ts';
import {
  cursorPage as legacyCursorPage,
  offsetPage as legacyOffsetPage,
} from '../src/data/pg/pagination.ts';
import { countStatements } from '../src/data/query-count.ts';
import type {
  AuthorWithPosts,
  BulkInsertStrategy,
  ColumnShape,
  ColumnType,
  DataLayer,
  LockStrategy,
  NewBulkItem,
  PageUser,
} from '../src/data/types.ts';
import { useLab } from '../src/infra/vitest.ts';

/**
 * The raw node-postgres data layer (scenarios 09–13) against SQL oracles. Oracles read through a
 * separate client that gets every value as PostgreSQL's text (session in UTC) and converts it
 * here, independently of the layer's type parsers. lab.reset() terminates sessions, so every
 * step opens its own layer (and pool) and closes it before a reset.
 */
const FIXTURES = ['users', 'columns', 'blog', 'bulk', 'inventory'] as const;
const SCALE = 0.01; // users 1,000; users_* 100; authors 10 / posts 80; products 10
const USERS = 1_000;

const RAW_TEXT: pg.CustomTypesConfig = {
  getTypeParser: (() => (value: string) =>
    value) as unknown as pg.CustomTypesConfig['getTypeParser'],
};

describe('raw pg data layer', () => {
  const lab = useLab({ fixtures: [...FIXTURES], scale: SCALE });

  async function withLayer<T>(work: (layer: DataLayer) => Promise<T>, poolSize = 10): Promise<T> {
    const layer = createPgLayer({ databaseUrl: lab.pg.url, poolSize });
    try {
      return await work(layer);
    } finally {
      await layer.close();
    }
  }

  /** Rows as PostgreSQL prints them (every value a string). */
  async function sql(text: string, values: unknown[] = []): Promise<Array<Record<string, string>>> {
    const client = new pg.Client({
      connectionString: lab.pg.url,
      types: RAW_TEXT,
      options: '-c TimeZone=UTC -c DateStyle=ISO',
    });
    await client.connect();
    try {
      return (await client.query(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** '2023-05-01 12:00:00+00' (UTC session, ISO DateStyle) → '2023-05-01T12:00:00.000Z'. */
  const isoFromText = (text: string) =>
    new Date(`${text.replace(' ', 'T').replace(/\+00$/, '')}Z`).toISOString();

  async function columnTypes(table: string): Promise<Array<[string, string]>> {
    const rows = await sql(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    return rows.map((row) => [row.column_name as string, row.data_type as string]);
  }

  /** The normalisation documented in src/data/pg/layer.ts, written independently. */
  function normalise(dataType: string, text: string): unknown {
    switch (dataType) {
      case 'bigint':
      case 'integer':
        return Number(text);
      case 'boolean':
        return text === 't';
      case 'timestamp with time zone':
        return isoFromText(text);
      case 'jsonb':
        return JSON.parse(text);
      default: // numeric, text, character varying, uuid, date: as printed
        return text;
    }
  }

  async function oracleRows(
    table: string,
    columns: ReadonlyArray<[string, string]>,
    skip: number,
    size: number,
  ): Promise<Array<Record<string, unknown>>> {
    const rows = await sql(
      `SELECT ${columns.map(([name]) => name).join(', ')} FROM ${table} ORDER BY id LIMIT $1 OFFSET $2`,
      [size, skip],
    );
    return rows.map((row) =>
      Object.fromEntries(
        columns.map(([name, type]) => [name, normalise(type, row[name] as string)]),
      ),
    );
  }

  const oracleUsers = async (orderBy: string, skip: number, size: number): Promise<PageUser[]> =>
    (
      await sql(
        `SELECT id, name, email, created_at FROM users ORDER BY ${orderBy} LIMIT $1 OFFSET $2`,
        [size, skip],
      )
    ).map((row) => ({
      id: Number(row.id),
      name: row.name as string,
      email: row.email as string,
      createdAt: isoFromText(row.created_at as string),
    }));

  async function expectInputError(promise: Promise<unknown>, code: DataInputError['code']) {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DataInputError);
    expect((error as DataInputError).code).toBe(code);
  }

  describe('09 pagination', () => {
    it('offset, keyset and the legacy pagination functions return the oracle page', async () => {
      await withLayer(async (layer) => {
        const legacy = new pg.Pool({ connectionString: lab.pg.url, max: 2 });
        try {
          for (const [skip, size] of [
            [0, 10],
            [537, 100],
            [950, 100], // the last 50 rows
            [USERS, 5], // past the end
          ] as const) {
            const expected = await oracleUsers('id', skip, size);
            expect(expected.length).toBe(Math.max(0, Math.min(size, USERS - skip)));
            expect(await layer.offsetPage(skip, size)).toEqual(expected);
            // ids are dense 1..1000, so "after id = skip" is the same page
            expect(await layer.keysetPage(skip, size)).toEqual(expected);
            expect(await legacyOffsetPage(legacy, skip, size)).toEqual(expected);
            expect(await legacyCursorPage(legacy, skip, size)).toEqual(expected);
          }
        } finally {
          await legacy.end();
        }
      });
    });

    it('the cursor walks the whole table in (created_at, id) order and ends with next = null', async () => {
      const all = await oracleUsers('created_at, id', 0, USERS);
      expect(all).toHaveLength(USERS);
      await withLayer(async (layer) => {
        for (const size of [100, 37]) {
          const seen: PageUser[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const page = await layer.cursorPage(cursor, size);
            // every page is the oracle's page at the same position
            expect(page.items).toEqual(all.slice(pages * size, (pages + 1) * size));
            seen.push(...page.items);
            cursor = page.next;
            pages++;
            if (cursor !== null) {
              expect(page.items).toHaveLength(size);
              expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
            }
          } while (cursor !== null && pages < 100);
          expect(pages).toBe(Math.ceil(USERS / size));
          expect(seen).toEqual(all);
        }
      });
    });

    it('rejects invalid cursors and page sizes outside 1–100 with DataInputError', async () => {
      const b64 = (value: string) => Buffer.from(value).toString('base64url');
      await withLayer(async (layer) => {
        for (const cursor of [
          '',
          'not a cursor!',
          b64('{"a":1}'),
          b64('["yesterday", 1]'),
          b64('["2024-01-01T00:00:00.000Z", -1]'),
          b64('["2024-01-01T00:00:00.000Z", 1.5]'),
          b64('["2024-01-01T00:00:00Z", 1]'), // not the layer's own ISO form
          b64('["2024-01-01T00:00:00.000Z", 1, 2]'),
        ]) {
          await expectInputError(layer.cursorPage(cursor, 10), 'invalid_cursor');
        }
        for (const size of [0, 101, 1.5, -1]) {
          await expectInputError(layer.offsetPage(0, size), 'out_of_range');
          await expectInputError(layer.keysetPage(0, size), 'out_of_range');
          await expectInputError(layer.cursorPage(null, size), 'out_of_range');
          await expectInputError(layer.readColumns('narrow', 0, size), 'out_of_range');
          await expectInputError(layer.readType('int', 0, size), 'out_of_range');
          await expectInputError(layer.authorsWithPosts('eager', 0, size), 'out_of_range');
        }
        await expectInputError(layer.offsetPage(-1, 10), 'out_of_range');
        await expectInputError(layer.keysetPage(-1, 10), 'out_of_range');
        // sizes at the limits work
        expect(await layer.offsetPage(0, 1)).toHaveLength(1);
        expect((await layer.cursorPage(null, 100)).items).toHaveLength(100);
      });
    });
  });

  describe('10 column overhead', () => {
    it('each shape returns its column set with normalised values', async () => {
      const narrow = await columnTypes('users_narrow');
      expect(narrow.map(([name]) => name)).toEqual(['id', 'name', 'email', 'age', 'created_at']);
      const shapes: Array<[ColumnShape, string, Array<[string, string]>, number]> = [
        ['narrow', 'users_narrow', narrow, 5],
        ['wide', 'users_wide', await columnTypes('users_wide'), 20],
        ['extra_wide', 'users_extra_wide', await columnTypes('users_extra_wide'), 50],
        ['wide_projected', 'users_wide', narrow, 5],
      ];
      await withLayer(async (layer) => {
        for (const [shape, table, columns, count] of shapes) {
          expect(columns).toHaveLength(count);
          const rows = await layer.readColumns(shape, 17, 25);
          expect(rows).toHaveLength(25);
          for (const row of rows) expect(Object.keys(row)).toEqual(columns.map(([name]) => name));
          expect(rows).toEqual(await oracleRows(table, columns, 17, 25));
        }
        const extra = (await layer.readColumns('extra_wide', 0, 1))[0] as Record<string, unknown>;
        expect(typeof extra.id).toBe('number');
        expect(extra.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(extra.birth_date).toMatch(/^\d{4}-\d\d-\d\d$/);
        expect(extra.balance).toMatch(/^\d+\.\d\d$/);
        expect(typeof extra.is_verified).toBe('boolean');
        await expectInputError(
          layer.readColumns('users; DROP TABLE users' as ColumnShape, 0, 10),
          'not_found',
        );
      });
    });

    it('each type table returns id + v01..v10 with normalised values', async () => {
      const names = [
        'id',
        ...Array.from({ length: 10 }, (_, i) => `v${String(i + 1).padStart(2, '0')}`),
      ];
      const jsType: Record<ColumnType, string> = {
        int: 'number',
        varchar: 'string',
        text: 'string',
        jsonb: 'object',
        timestamp: 'string',
        uuid: 'string',
      };
      await withLayer(async (layer) => {
        for (const type of Object.keys(jsType) as ColumnType[]) {
          const columns = await columnTypes(`users_type_${type}`);
          const rows = await layer.readType(type, 40, 30);
          expect(rows).toHaveLength(30);
          for (const row of rows) {
            expect(Object.keys(row)).toEqual(names);
            expect(typeof row.v01).toBe(jsType[type]);
          }
          expect(rows).toEqual(await oracleRows(`users_type_${type}`, columns, 40, 30));
        }
        await expectInputError(layer.readType('money' as ColumnType, 0, 10), 'not_found');
      });
    });
  });

  describe('11 N+1', () => {
    const oracleAuthors = async (skip: number, size: number): Promise<AuthorWithPosts[]> =>
      (
        await sql(
          `SELECT a.id, a.name,
                  json_agg(json_build_object('id', p.id, 'title', p.title, 'viewCount', p.view_count)
                           ORDER BY p.id) AS posts
             FROM (SELECT id, name FROM authors ORDER BY id LIMIT $1 OFFSET $2) AS a
             JOIN posts AS p ON p.author_id = a.id
            GROUP BY a.id, a.name ORDER BY a.id`,
          [size, skip],
        )
      ).map((row) => ({
        id: Number(row.id),
        name: row.name as string,
        posts: JSON.parse(row.posts as string),
      }));

    it('lazy, eager and select-in return the same authors with their posts', async () => {
      const expected = await oracleAuthors(3, 5);
      expect(expected.map((author) => author.id)).toEqual([4, 5, 6, 7, 8]);
      for (const author of expected) expect(author.posts).toHaveLength(8);
      await withLayer(async (layer) => {
        for (const strategy of ['lazy', 'eager', 'select-in'] as const) {
          expect(await layer.authorsWithPosts(strategy, 3, 5)).toEqual(expected);
          expect(await layer.authorsWithPosts(strategy, 1_000, 5)).toEqual([]);
        }
      });
    });

    it('sends lazy = 1 + N, eager = 1 and select-in = 2 statements', async () => {
      await withLayer(async (layer) => {
        const counts: Record<string, number> = {};
        for (const strategy of ['lazy', 'eager', 'select-in'] as const) {
          const count = await countStatements(lab.pg.url, () =>
            layer.authorsWithPosts(strategy, 2, 7),
          );
          counts[strategy] = count.total;
        }
        expect(counts).toEqual({ lazy: 1 + 7, eager: 1, 'select-in': 2 });
      });
    });
  });

  describe('12 bulk', () => {
    const N = 200;
    /** Names carry what COPY text format and array literals must escape. */
    const makeItems = (count: number, prefix = 'SKU'): NewBulkItem[] =>
      Array.from({ length: count }, (_, i) => ({
        sku: `${prefix}-${String(i).padStart(6, '0')}`,
        name:
          i % 5 === 0
            ? `tab\there, "quotes", {braces}, back\\slash\\N, new\nline\r, ü ${i}`
            : i % 5 === 1
              ? 'NULL'
              : `Item ${i}`,
        quantity: i % 100,
        price: `${i}.${String(i % 100).padStart(2, '0')}`,
      }));

    const tableContents = async () =>
      (await sql('SELECT sku, name, quantity, price FROM bulk_items ORDER BY sku')).map((row) => ({
        sku: row.sku,
        name: row.name,
        quantity: Number(row.quantity),
        price: row.price,
      }));

    const expectedStatements: Record<BulkInsertStrategy, number> = {
      individual: N,
      'orm-batch': N,
      'multi-values': 1,
      unnest: 1,
      copy: 1,
    };

    for (const strategy of Object.keys(expectedStatements) as BulkInsertStrategy[]) {
      it(`bulkInsert ${strategy} writes every row in ${expectedStatements[strategy]} statement(s)`, async () => {
        const items = makeItems(N);
        try {
          await withLayer(async (layer) => {
            expect(layer.bulkInsertStrategies).toContain(strategy);
            let written = 0;
            const count = await countStatements(lab.pg.url, async () => {
              written = await layer.bulkInsert(strategy, items);
            });
            expect(written).toBe(N);
            expect(count.total).toBe(expectedStatements[strategy]);
          });
          expect(await tableContents()).toEqual(items);
        } finally {
          await lab.reset();
        }
      });
    }

    it('multi-values splits into statements under the 65,535-parameter limit', async () => {
      const items = makeItems(MULTI_VALUES_CHUNK_ROWS + 5, 'BIG');
      expect(MULTI_VALUES_CHUNK_ROWS * 4).toBeLessThanOrEqual(65_535);
      try {
        await withLayer(async (layer) => {
          let written = 0;
          const count = await countStatements(lab.pg.url, async () => {
            written = await layer.bulkInsert('multi-values', items);
          });
          expect(written).toBe(items.length);
          expect(count.total).toBe(2);
        });
        expect((await sql('SELECT count(*)::int AS n FROM bulk_items'))[0]?.n).toBe(
          String(items.length),
        );
      } finally {
        await lab.reset();
      }
    });

    it('bulkUpdate individual sends N statements, bulk sends 1', async () => {
      const items = makeItems(N);
      try {
        await withLayer(async (layer) => {
          expect(await layer.bulkInsert('unnest', items)).toBe(N);
          for (const [strategy, statements, delta] of [
            ['individual', N, 1000],
            ['bulk', 1, 2000],
          ] as const) {
            const updates = items.map((item) => ({
              sku: item.sku,
              quantity: item.quantity + delta,
            }));
            let written = 0;
            const count = await countStatements(lab.pg.url, async () => {
              written = await layer.bulkUpdate(strategy, updates);
            });
            expect(written).toBe(N);
            expect(count.total).toBe(statements);
            expect(await tableContents()).toEqual(
              items.map((item) => ({ ...item, quantity: item.quantity + delta })),
            );
          }
          // unknown skus update nothing
          expect(await layer.bulkUpdate('bulk', [{ sku: 'missing', quantity: 1 }])).toBe(0);
          expect(await layer.bulkUpdate('individual', [{ sku: 'missing', quantity: 1 }])).toBe(0);
        });
      } finally {
        await lab.reset();
      }
    });
  });

  describe('13 transactions on a hot row', () => {
    const ATTEMPTS = 200;
    const stockOf = async (productId: number) => {
      const row = (await sql('SELECT stock, version FROM products WHERE id = $1', [productId]))[0];
      return { stock: Number(row?.stock), version: Number(row?.version) };
    };

    /** ATTEMPTS concurrent decrements of 1 on one product through a pool of 10. */
    const hammer = (strategy: LockStrategy, productId: number) =>
      withLayer(async (layer) => {
        const outcomes = await Promise.all(
          Array.from({ length: ATTEMPTS }, () => layer.decrementStock(strategy, productId, 1)),
        );
        const successes = outcomes.filter((outcome) => outcome.ok).length;
        const retries = outcomes.reduce((sum, outcome) => sum + outcome.retries, 0);
        const { stock, version } = await stockOf(productId);
        return { successes, retries, stock, version };
      }, 10);

    it('insufficient stock, unknown products and bad quantities', async () => {
      await withLayer(async (layer) => {
        for (const strategy of ['none', 'pessimistic', 'optimistic', 'serializable'] as const) {
          expect(await layer.decrementStock(strategy, 9, 1_001)).toEqual({ ok: false, retries: 0 });
          await expectInputError(layer.decrementStock(strategy, 999, 1), 'not_found');
          await expectInputError(layer.decrementStock(strategy, 9, 0), 'out_of_range');
        }
        expect(await stockOf(9)).toEqual({ stock: 1_000, version: 0 });
        expect(await layer.decrementStock('pessimistic', 9, 1_000)).toEqual({
          ok: true,
          retries: 0,
        });
        expect(await layer.decrementStock('optimistic', 9, 1)).toEqual({ ok: false, retries: 0 });
        expect(await stockOf(9)).toEqual({ stock: 0, version: 0 });
      });
    });

    it('pessimistic never loses an update', async () => {
      const result = await hammer('pessimistic', 2);
      expect(result.successes).toBe(ATTEMPTS);
      expect(result.stock).toBe(1_000 - result.successes);
    });

    it('optimistic never loses an update and reports its retries', async () => {
      const result = await hammer('optimistic', 3);
      expect(result.successes).toBeGreaterThan(0);
      expect(result.stock).toBe(1_000 - result.successes);
      expect(result.version).toBe(result.successes);
      // All 200 reads are queued on the pool before any write: conflicts are certain.
      expect(result.retries).toBeGreaterThan(0);
    });

    it('serializable never loses an update and reports its retries', async () => {
      const result = await hammer('serializable', 4);
      expect(result.successes).toBeGreaterThan(0);
      expect(result.stock).toBe(1_000 - result.successes);
      expect(result.retries).toBeGreaterThan(0);
    });

    it('none loses updates', async () => {
      const result = await hammer('none', 1);
      expect(result.successes).toBe(ATTEMPTS);
      expect(result.stock).toBeGreaterThan(1_000 - result.successes);
    });
  });
});
