import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataInputError } from '../src/data/errors.ts';
import { countStatements, type StatementCount } from '../src/data/query-count.ts';
import { createTypeormLayer } from '../src/data/typeorm/layer.ts';
import type {
  ColumnShape,
  ColumnType,
  DataLayer,
  LoadStrategy,
  LockStrategy,
  NewBulkItem,
  PageUser,
} from '../src/data/types.ts';
import { useLab } from '../src/infra/vitest.ts';

/**
 * The TypeORM data layer against direct SQL oracles (node-postgres, no ORM): same rows and
 * shapes, the statement counts the N+1 and bulk strategies promise (pg_stat_statements), and
 * no lost updates for the locking strategies of scenario 13. No timing assertions.
 */
const SCALE = 0.1; // 10,000 users, 1,000 rows per column table, 100 authors × 8 posts

const lab = useLab({ fixtures: ['users', 'columns', 'blog', 'bulk', 'inventory'], scale: SCALE });
let layer: DataLayer;
let oracle: pg.Pool;

beforeAll(async () => {
  layer = await createTypeormLayer({ databaseUrl: lab.pg.url });
  oracle = new pg.Pool({ connectionString: lab.pg.url, max: 2 });
  oracle.on('error', () => {});
});

afterAll(async () => {
  await layer?.close();
  await oracle?.end();
});

const sql = async <T extends Record<string, unknown>>(text: string, values: unknown[] = []) =>
  (await oracle.query<T>(text, values)).rows;

interface UserRow extends Record<string, unknown> {
  id: string;
  name: string;
  email: string;
  created_at: Date;
}
const toPageUser = (row: UserRow): PageUser => ({
  id: Number(row.id),
  name: row.name,
  email: row.email,
  createdAt: row.created_at.toISOString(),
});
const cursorOf = (user: PageUser) =>
  Buffer.from(JSON.stringify([user.createdAt, user.id])).toString('base64url');

/** Counts the statements `work` sends and prints them (the report quotes these). */
async function counted(label: string, work: () => Promise<unknown>): Promise<StatementCount> {
  const count = await countStatements(lab.pg.url, work);
  console.log(
    `[typeorm statements] ${label}: ${count.total}\n${count.byQuery
      .map((q) => `  ${q.calls} × ${q.query.replace(/\s+/g, ' ').slice(0, 160)}`)
      .join('\n')}`,
  );
  return count;
}

async function expectInputError(promise: Promise<unknown>, code: DataInputError['code']) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataInputError);
  expect((error as DataInputError).code).toBe(code);
}

describe('09 pagination', () => {
  it('offset and keyset pages return the oracle rows, and the same rows as each other', async () => {
    for (const [skip, size] of [
      [0, 1],
      [0, 100],
      [4_321, 37],
      [9_990, 100], // the last 10 rows
    ] as const) {
      const expected = (
        await sql<UserRow>(
          'SELECT id, name, email, created_at FROM users ORDER BY id LIMIT $1 OFFSET $2',
          [size, skip],
        )
      ).map(toPageUser);
      const offset = await layer.offsetPage(skip, size);
      const keyset = await layer.keysetPage(skip, size); // ids are dense from 1
      expect(offset).toEqual(expected);
      expect(keyset).toEqual(expected);
    }
    expect(await layer.offsetPage(10_000, 10)).toEqual([]);
  });

  it('the opaque cursor walks (created_at, id) order without gaps or repeats', async () => {
    const expected = (
      await sql<UserRow>(
        'SELECT id, name, email, created_at FROM users ORDER BY created_at, id LIMIT 450',
      )
    ).map(toPageUser);
    const walked: PageUser[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const result = await layer.cursorPage(cursor, 90);
      expect(result.items).toHaveLength(90);
      walked.push(...result.items);
      expect(result.next).toBe(cursorOf(result.items.at(-1) as PageUser));
      cursor = result.next;
    }
    expect(walked).toEqual(expected);
  });

  it('the last cursor page has next = null', async () => {
    const tail = (
      await sql<UserRow>(
        'SELECT id, name, email, created_at FROM users ORDER BY created_at DESC, id DESC LIMIT 4',
      )
    )
      .map(toPageUser)
      .reverse();
    const page = await layer.cursorPage(cursorOf(tail[0] as PageUser), 3);
    expect(page.items).toEqual(tail.slice(1));
    expect(page.next).toBeNull();
    const exact = await layer.cursorPage(cursorOf(tail[0] as PageUser), 10);
    expect(exact.items).toEqual(tail.slice(1));
    expect(exact.next).toBeNull();
  });

  it('rejects invalid cursors and out-of-range sizes', async () => {
    const b64 = (value: string) => Buffer.from(value).toString('base64url');
    for (const bad of [
      'not a cursor!',
      '',
      b64('{"a":1}'),
      b64('[1, 2]'),
      b64('["yesterday", 1]'),
      b64('["2024-01-01T00:00:00.000Z", "1"]'),
      b64('["2024-01-01T00:00:00.000Z"]'),
      b64('not json'),
    ]) {
      await expectInputError(layer.cursorPage(bad, 10), 'invalid_cursor');
    }
    for (const size of [0, 101, -1, 1.5]) {
      await expectInputError(layer.offsetPage(0, size), 'out_of_range');
      await expectInputError(layer.keysetPage(0, size), 'out_of_range');
      await expectInputError(layer.cursorPage(null, size), 'out_of_range');
    }
    await expectInputError(layer.offsetPage(-1, 10), 'out_of_range');
  });

  it('sends one statement per page', async () => {
    const first = await layer.cursorPage(null, 10);
    expect((await counted('offsetPage', () => layer.offsetPage(100, 10))).total).toBe(1);
    expect((await counted('keysetPage', () => layer.keysetPage(100, 10))).total).toBe(1);
    expect((await counted('cursorPage', () => layer.cursorPage(first.next, 10))).total).toBe(1);
  });
});

describe('10 column overhead', () => {
  /** The oracle's rows normalised the way every layer returns them. */
  async function expectedRows(table: string, columns: string, skip: number, size: number) {
    const result = await oracle.query(
      `SELECT ${columns} FROM ${table} ORDER BY id LIMIT $1 OFFSET $2`,
      [size, skip],
    );
    const dateColumns = new Set(
      result.fields.filter((f) => f.dataTypeID === 1082).map((f) => f.name),
    );
    return result.rows.map((row: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => {
          if (key === 'id') return [key, Number(value)];
          // date: node-postgres gives local midnight; TypeORM gives 'YYYY-MM-DD'.
          if (dateColumns.has(key) && value instanceof Date) {
            const d = value;
            const iso = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
            return [key, iso];
          }
          if (value instanceof Date) return [key, value.toISOString()];
          return [key, value];
        }),
      ),
    );
  }

  const SHAPES: ReadonlyArray<[ColumnShape, string, string, number]> = [
    ['narrow', 'users_narrow', '*', 5],
    ['wide', 'users_wide', '*', 20],
    ['extra_wide', 'users_extra_wide', '*', 50],
    ['wide_projected', 'users_wide', 'id, name, email, age, created_at', 5],
  ];

  it.each(SHAPES)(
    'readColumns(%s) equals the oracle (%s, %s)',
    async (shape, table, columns, n) => {
      const rows = await layer.readColumns(shape, 123, 40);
      expect(rows).toHaveLength(40);
      expect(rows).toEqual(await expectedRows(table, columns, 123, 40));
      expect(Object.keys(rows[0] as object)).toHaveLength(n);
      if (shape === 'wide_projected') {
        expect(Object.keys(rows[0] as object).sort()).toEqual(
          Object.keys((await layer.readColumns('narrow', 0, 1))[0] as object).sort(),
        );
      }
      const row = rows[0] as Record<string, unknown>;
      expect(typeof row.id).toBe('number');
      expect(typeof row.created_at).toBe('string');
      if (shape === 'wide') expect(typeof row.balance).toBe('string'); // numeric stays exact
    },
  );

  const TYPES: readonly ColumnType[] = ['int', 'varchar', 'text', 'jsonb', 'timestamp', 'uuid'];
  it.each(TYPES)('readType(%s) equals the oracle', async (type) => {
    const rows = await layer.readType(type, 500, 25);
    expect(rows).toEqual(await expectedRows(`users_type_${type}`, '*', 500, 25));
    const row = rows[0] as Record<string, unknown>;
    expect(Object.keys(row)).toHaveLength(11);
    const v = row.v01;
    if (type === 'int') expect(typeof v).toBe('number');
    if (type === 'jsonb') expect(v).toMatchObject({ id: expect.any(Number) });
    if (type === 'timestamp') expect(v).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    if (type === 'uuid') expect(v).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('one statement per read; bad input is rejected', async () => {
    expect(
      (await counted('readColumns(extra_wide)', () => layer.readColumns('extra_wide', 0, 10)))
        .total,
    ).toBe(1);
    expect((await counted('readType(jsonb)', () => layer.readType('jsonb', 0, 10))).total).toBe(1);
    await expectInputError(layer.readColumns('narrow', 0, 101), 'out_of_range');
    await expectInputError(layer.readColumns('huge' as ColumnShape, 0, 10), 'not_found');
    await expectInputError(layer.readType('money' as ColumnType, 0, 10), 'not_found');
    await expectInputError(layer.readType('constructor' as ColumnType, 0, 10), 'not_found');
  });
});

describe('11 N+1', () => {
  async function expected(skip: number, size: number) {
    const authors = await sql<{ id: string; name: string }>(
      'SELECT id, name FROM authors ORDER BY id LIMIT $1 OFFSET $2',
      [size, skip],
    );
    const posts = await sql<{ id: string; author_id: string; title: string; view_count: number }>(
      'SELECT id, author_id, title, view_count FROM posts WHERE author_id = ANY($1) ORDER BY id',
      [authors.map((a) => a.id)],
    );
    return authors.map((a) => ({
      id: Number(a.id),
      name: a.name,
      posts: posts
        .filter((p) => p.author_id === a.id)
        .map((p) => ({ id: Number(p.id), title: p.title, viewCount: p.view_count })),
    }));
  }

  const STRATEGIES: ReadonlyArray<[LoadStrategy, number]> = [
    ['lazy', 1 + 20],
    ['eager', 1],
    ['select-in', 2],
  ];

  it.each(STRATEGIES)('%s returns the oracle data in %i statements', async (strategy, n) => {
    const want = await expected(10, 20);
    expect(want.every((a) => a.posts.length === 8)).toBe(true);
    let got: unknown;
    const count = await counted(`authorsWithPosts(${strategy}, 10, 20)`, async () => {
      got = await layer.authorsWithPosts(strategy, 10, 20);
    });
    expect(got).toEqual(want);
    expect(count.total).toBe(n);
  });

  it('pages past the end and at the edge', async () => {
    for (const strategy of ['lazy', 'eager', 'select-in'] as const) {
      expect(await layer.authorsWithPosts(strategy, 100, 10)).toEqual([]);
      expect(await layer.authorsWithPosts(strategy, 95, 10)).toEqual(await expected(95, 10));
    }
  });
});

describe('12 bulk', () => {
  const items = (n: number, prefix = 'SKU'): NewBulkItem[] =>
    Array.from({ length: n }, (_, i) => ({
      sku: `${prefix}-${String(i).padStart(6, '0')}`,
      name: `Item ${i}`,
      quantity: i % 7,
      price: `${(i % 1000) + 1}.${String(i % 100).padStart(2, '0')}`,
    }));

  async function tableRows() {
    return sql<{ sku: string; name: string; quantity: number; price: string }>(
      'SELECT sku, name, quantity, price::text AS price FROM bulk_items ORDER BY sku',
    );
  }

  it('reports its settings', () => {
    expect(layer.name).toBe('typeorm');
    expect(layer.settings).toMatchObject({ poolSize: 10, logging: false, orm: 'typeorm' });
    expect(String(layer.settings.ormVersion)).toMatch(/^1\./);
  });

  it('implements individual, orm-batch and multi-values; unnest and copy are pg-only', async () => {
    expect([...layer.bulkInsertStrategies]).toEqual(['individual', 'orm-batch', 'multi-values']);
    await expect(layer.bulkInsert('unnest', items(1))).rejects.toThrow(/pg layer/);
    await expect(layer.bulkInsert('copy', items(1))).rejects.toThrow(/pg layer/);
  });

  const INSERTS: ReadonlyArray<['individual' | 'orm-batch' | 'multi-values', number, number]> = [
    ['individual', 50, 50],
    ['orm-batch', 500, 1],
    ['multi-values', 500, 1],
  ];

  it.each(INSERTS)(
    'bulkInsert(%s) of %i rows writes them in %i statement(s)',
    async (strategy, n, statements) => {
      try {
        const batch = items(n);
        let written = 0;
        const count = await counted(`bulkInsert(${strategy}, ${n})`, async () => {
          written = await layer.bulkInsert(strategy, batch);
        });
        expect(written).toBe(n);
        expect(await tableRows()).toEqual(batch);
        expect(count.total).toBe(statements);
      } finally {
        await lab.reset();
      }
    },
  );

  it.each(['orm-batch', 'multi-values'] as const)(
    '%s splits at the bind-parameter limit (65,535 / 4 per row)',
    async (strategy) => {
      try {
        const batch = items(20_000);
        let written = 0;
        const count = await counted(`bulkInsert(${strategy}, 20000)`, async () => {
          written = await layer.bulkInsert(strategy, batch);
        });
        expect(written).toBe(20_000);
        expect(count.total).toBe(2); // 16,383 + 3,617 rows
        expect(await tableRows()).toEqual(batch);
      } finally {
        await lab.reset();
      }
    },
  );

  it('empty batches write nothing', async () => {
    for (const strategy of ['individual', 'orm-batch', 'multi-values'] as const) {
      expect(await layer.bulkInsert(strategy, [])).toBe(0);
    }
    expect(await layer.bulkUpdate('individual', [])).toBe(0);
    expect(await layer.bulkUpdate('bulk', [])).toBe(0);
  });

  it.each([
    ['individual', 41], // one UPDATE per sku, the unknown one included
    ['bulk', 1],
  ] as const)(
    'bulkUpdate(%s) updates quantities in %i statement(s)',
    async (strategy, statements) => {
      try {
        const batch = items(60);
        await layer.bulkInsert('multi-values', batch);
        const updates = batch
          .slice(10, 50)
          .map((item, i) => ({ sku: item.sku, quantity: 1_000 + i }));
        // An unknown sku updates nothing.
        const withUnknown = [...updates, { sku: 'NOPE', quantity: 1 }];
        let written = 0;
        const count = await counted(`bulkUpdate(${strategy}, 41)`, async () => {
          written = await layer.bulkUpdate(strategy, withUnknown);
        });
        expect(written).toBe(40);
        const want = batch.map((item, i) => ({
          ...item,
          quantity: i >= 10 && i < 50 ? 1_000 + (i - 10) : item.quantity,
        }));
        expect(await tableRows()).toEqual(want);
        expect(count.total).toBe(statements);
      } finally {
        await lab.reset();
      }
    },
  );
});

describe('13 hot-row decrements', () => {
  async function stockOf(id: number): Promise<number> {
    const [row] = await sql<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [id]);
    return row?.stock as number;
  }

  async function hammer(strategy: LockStrategy, id: number, n: number, maxRetries = 10_000) {
    const quantities = Array.from({ length: n }, (_, i) => (i % 3) + 1);
    const outcomes = await Promise.all(
      quantities.map((q) => layer.decrementStock(strategy, id, q, maxRetries)),
    );
    const applied = quantities.reduce((sum, q, i) => sum + (outcomes[i]?.ok ? q : 0), 0);
    const retries = outcomes.reduce((sum, o) => sum + o.retries, 0);
    const stock = await stockOf(id);
    return { outcomes, applied, retries, stock };
  }

  const LOSSLESS: ReadonlyArray<[LockStrategy, number, number]> = [
    ['pessimistic', 1, 200],
    ['optimistic', 2, 150],
    ['serializable', 3, 100],
  ];

  it.each(LOSSLESS)('%s loses no update (product %i, %i concurrent)', async (strategy, id, n) => {
    const { outcomes, applied, retries, stock } = await hammer(strategy, id, n);
    console.log(
      `[typeorm 13] ${strategy}: ${n} decrements, applied ${applied}, retries ${retries}, stock ${stock}`,
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(stock).toBe(1_000 - applied);
    if (strategy === 'pessimistic') expect(retries).toBe(0);
  });

  it.each(['pessimistic', 'optimistic', 'serializable'] as const)(
    '%s never oversells',
    async (strategy) => {
      try {
        await oracle.query('UPDATE products SET stock = 30 WHERE id = 4');
        const { outcomes, applied, stock } = await hammer(strategy, 4, 60);
        // Quantities cycle 1, 2, 3: whatever wins, stock never drops below zero and matches.
        expect(stock).toBeGreaterThanOrEqual(0);
        expect(stock).toBe(30 - applied);
        expect(outcomes.some((o) => !o.ok)).toBe(true);
      } finally {
        await lab.reset();
      }
    },
  );

  it('none loses updates under concurrency', async () => {
    // Read-compute-write with no lock: with 200 calls on a pool of 10, the SELECTs of queued
    // calls run before the UPDATEs of earlier ones, so many calls write a stock computed from a
    // stale read. The stock therefore ends higher than 1,000 minus what was reported applied
    // (never lower: every write is some read minus its own quantity). That some update is lost
    // depends on scheduling, so the test allows up to 5 rounds to observe it; in practice the
    // first round loses most of them.
    let lost = 0;
    for (let round = 0; round < 5 && lost === 0; round++) {
      try {
        const { applied, stock, outcomes } = await hammer('none', 5, 200);
        expect(outcomes.every((o) => o.ok && o.retries === 0)).toBe(true);
        expect(stock).toBeGreaterThanOrEqual(1_000 - applied);
        lost = stock - (1_000 - applied);
        console.log(
          `[typeorm 13] none: round ${round}, applied ${applied}, stock ${stock}, lost ${lost}`,
        );
      } finally {
        await lab.reset();
      }
    }
    expect(lost).toBeGreaterThan(0);
  });

  it.each(['none', 'pessimistic', 'optimistic', 'serializable'] as const)(
    '%s sends a read and a write for one uncontended decrement',
    async (strategy) => {
      try {
        const count = await counted(`decrementStock(${strategy})`, () =>
          layer.decrementStock(strategy, 6, 1),
        );
        expect(count.total).toBe(2);
        expect(await stockOf(6)).toBe(999);
      } finally {
        await lab.reset();
      }
    },
  );

  it('rejects unknown products and non-positive quantities', async () => {
    await expectInputError(layer.decrementStock('pessimistic', 999, 1), 'not_found');
    await expectInputError(layer.decrementStock('none', 0, 1), 'not_found');
    await expectInputError(layer.decrementStock('none', 1, 0), 'out_of_range');
    await expectInputError(layer.decrementStock('optimistic', 1, 1, -1), 'out_of_range');
  });
});
