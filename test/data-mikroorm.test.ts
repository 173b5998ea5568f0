import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataInputError } from '../src/data/errors.ts';
import { createMikroormLayer } from '../src/data/mikroorm/layer.ts';
import { countStatements, type StatementCount } from '../src/data/query-count.ts';
import type {
  ColumnShape,
  ColumnType,
  DataLayer,
  NewBulkItem,
  PageUser,
} from '../src/data/types.ts';
import { useLab } from '../src/infra/vitest.ts';

/**
 * The MikroORM layer against direct SQL oracles on the seeded fixtures: same rows, same shapes,
 * the statement counts the N+1 and bulk strategies promise (counted by the server through
 * pg_stat_statements), and the lost-update behaviour of the locking strategies.
 */
const lab = useLab({ fixtures: ['users', 'columns', 'blog', 'bulk', 'inventory'] });

let layer: DataLayer;
let db: pg.Client;

// Oracle client: bigint → number, date → 'YYYY-MM-DD' (as the layers return them).
const oracleTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === 20) return (value: string) => Number(value);
    if (oid === 1082) return (value: string) => value;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

async function connect() {
  db = new pg.Client({ connectionString: lab.pg.url, types: oracleTypes });
  await db.connect();
  layer = await createMikroormLayer({ databaseUrl: lab.pg.url });
}

async function disconnect() {
  await layer?.close();
  await db?.end();
}

/** lab.reset() terminates every session of the database: reconnect around it. */
async function reset() {
  await disconnect();
  await lab.reset();
  await connect();
}

beforeAll(connect);
afterAll(disconnect);

const normalise = (row: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key,
      value instanceof Date ? value.toISOString() : value,
    ]),
  );

const toPageUser = (row: Record<string, unknown>): PageUser => ({
  id: row.id as number,
  name: row.name as string,
  email: row.email as string,
  createdAt: (row.created_at as Date).toISOString(),
});

const encode = (createdAt: string, id: number) =>
  Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

async function count(work: () => Promise<unknown>): Promise<StatementCount> {
  const counted = await countStatements(lab.pg.url, work);
  return counted;
}

it('reports its name, settings and strategies', () => {
  expect(layer.name).toBe('mikroorm');
  expect(layer.settings).toMatchObject({ poolSize: 10, logging: false, preparedStatements: false });
});

describe('09 pagination', () => {
  it('offset and keyset pages equal the SQL oracle and each other', async () => {
    for (const [skip, size] of [
      [0, 10],
      [500, 50],
      [99_950, 100],
    ] as const) {
      const { rows } = await db.query(
        'SELECT id, name, email, created_at FROM users ORDER BY id LIMIT $1 OFFSET $2',
        [size, skip],
      );
      const expected = rows.map(toPageUser);
      expect(await layer.offsetPage(skip, size)).toEqual(expected);
      // ids are dense from 1: the page after id `skip` is the page at offset `skip`
      expect(await layer.keysetPage(skip, size)).toEqual(expected);
    }
    expect(await layer.offsetPage(100_000, 10)).toEqual([]);
  });

  it('cursor pages follow (created_at, id) and walk without gaps or repeats', async () => {
    const size = 100;
    const pages = 12;
    const { rows } = await db.query(
      'SELECT id, name, email, created_at FROM users ORDER BY created_at, id LIMIT $1',
      [size * pages],
    );
    const expected = rows.map(toPageUser);
    const seen: PageUser[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < pages; i++) {
      const page = await layer.cursorPage(cursor, size);
      expect(page.items).toHaveLength(size);
      const last = page.items.at(-1) as PageUser;
      expect(page.next).toBe(encode(last.createdAt, last.id));
      seen.push(...page.items);
      cursor = page.next;
    }
    expect(seen).toEqual(expected);

    // the same rows as the oracle's row-value keyset query from an arbitrary position
    const from = expected[777] as PageUser;
    const { rows: after } = await db.query(
      `SELECT id, name, email, created_at FROM users
        WHERE (created_at, id) > ($1::timestamptz, $2) ORDER BY created_at, id LIMIT 37`,
      [from.createdAt, from.id],
    );
    expect((await layer.cursorPage(encode(from.createdAt, from.id), 37)).items).toEqual(
      after.map(toPageUser),
    );
  });

  it('the last page has next = null', async () => {
    const { rows } = await db.query(
      'SELECT id, name, email, created_at FROM users ORDER BY created_at DESC, id DESC LIMIT 6',
    );
    const tail = rows.map(toPageUser).reverse(); // the last 6 rows in (created_at, id) order
    const before = tail[0] as PageUser;
    const partial = await layer.cursorPage(encode(before.createdAt, before.id), 10);
    expect(partial).toEqual({ items: tail.slice(1), next: null });
    // exactly full last page: findByCursor fetches size + 1 rows, so it knows there is no more
    const full = await layer.cursorPage(encode(before.createdAt, before.id), 5);
    expect(full).toEqual({ items: tail.slice(1), next: null });
  });

  it('rejects invalid cursors and sizes with DataInputError', async () => {
    const invalid = [
      'not a cursor',
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('["yesterday",1]').toString('base64url'),
      Buffer.from('garbage').toString('base64url'),
    ];
    for (const cursor of invalid) {
      await expect(layer.cursorPage(cursor, 10)).rejects.toMatchObject({
        name: 'DataInputError',
        code: 'invalid_cursor',
      });
    }
    for (const size of [0, 101, 1.5]) {
      await expect(layer.cursorPage(null, size)).rejects.toBeInstanceOf(DataInputError);
      await expect(layer.offsetPage(0, size)).rejects.toMatchObject({ code: 'out_of_range' });
      await expect(layer.keysetPage(0, size)).rejects.toMatchObject({ code: 'out_of_range' });
    }
  });
});

describe('10 column overhead', () => {
  const tables: Record<Exclude<ColumnShape, 'wide_projected'>, string> = {
    narrow: 'users_narrow',
    wide: 'users_wide',
    extra_wide: 'users_extra_wide',
  };

  it.each(Object.entries(tables))('%s rows equal SELECT * of %s', async (shape, table) => {
    const { rows, fields } = await db.query(
      `SELECT * FROM ${table} ORDER BY id LIMIT 20 OFFSET 100`,
    );
    const got = await layer.readColumns(shape as ColumnShape, 100, 20);
    expect(got).toEqual(rows.map(normalise));
    expect(Object.keys(got[0] ?? {}).sort()).toEqual(fields.map((f) => f.name).sort());
  });

  it('wide_projected returns the 5 narrow columns of users_wide', async () => {
    const { rows } = await db.query(
      'SELECT id, name, email, age, created_at FROM users_wide ORDER BY id LIMIT 20 OFFSET 40',
    );
    const got = await layer.readColumns('wide_projected', 40, 20);
    expect(got).toEqual(rows.map(normalise));
    expect(Object.keys(got[0] ?? {}).sort()).toEqual(['age', 'created_at', 'email', 'id', 'name']);
  });

  it.each(['int', 'varchar', 'text', 'jsonb', 'timestamp', 'uuid'] as const)(
    'users_type_%s rows equal the oracle',
    async (type: ColumnType) => {
      const { rows } = await db.query(
        `SELECT * FROM users_type_${type} ORDER BY id LIMIT 25 OFFSET 9990`,
      );
      const got = await layer.readType(type, 9990, 25);
      expect(got).toHaveLength(10);
      expect(got).toEqual(rows.map(normalise));
    },
  );
});

describe('11 N+1', () => {
  const skip = 10;
  const size = 20;

  async function oracle() {
    const { rows: authors } = await db.query(
      'SELECT id, name FROM authors ORDER BY id LIMIT $1 OFFSET $2',
      [size, skip],
    );
    const { rows: posts } = await db.query(
      `SELECT id, author_id, title, view_count FROM posts
        WHERE author_id = ANY($1::bigint[]) ORDER BY id`,
      [authors.map((a) => a.id)],
    );
    return authors.map((author) => ({
      id: author.id,
      name: author.name,
      posts: posts
        .filter((post) => post.author_id === author.id)
        .map((post) => ({ id: post.id, title: post.title, viewCount: post.view_count })),
    }));
  }

  it.each([
    ['lazy', 1 + size],
    ['eager', 1],
    ['select-in', 2],
  ] as const)('%s returns the oracle data in %i statements', async (strategy, statements) => {
    const expected = await oracle();
    expect(expected.every((author) => author.posts.length === 8)).toBe(true);
    let result: unknown;
    const counted = await count(async () => {
      result = await layer.authorsWithPosts(strategy, skip, size);
    });
    expect(result).toEqual(expected);
    console.log(`11 ${strategy}:`, JSON.stringify(counted));
    expect(counted.total).toBe(statements);
  });
});

describe('12 bulk', () => {
  afterEach(reset);

  const items = (n: number, prefix = 'SKU'): NewBulkItem[] =>
    Array.from({ length: n }, (_, i) => ({
      sku: `${prefix}-${String(i).padStart(6, '0')}`,
      name: `Item ${i}`,
      quantity: i % 50,
      price: `${(i % 1000) + 1}.${String(i % 100).padStart(2, '0')}`,
    }));

  async function stored() {
    const { rows } = await db.query(
      'SELECT sku, name, quantity, price::text AS price FROM bulk_items ORDER BY sku',
    );
    return rows;
  }

  it('implements the ORM strategies only; raw-SQL ones throw', async () => {
    expect([...layer.bulkInsertStrategies]).toEqual(['individual', 'orm-batch', 'multi-values']);
    await expect(layer.bulkInsert('unnest', items(2))).rejects.toThrow(/pg layer only/);
    await expect(layer.bulkInsert('copy', items(2))).rejects.toThrow(/pg layer only/);
  });

  it.each([
    ['individual', 1000],
    ['orm-batch', 4], // MikroORM batchSize 300: 300 + 300 + 300 + 100
    ['multi-values', 1],
  ] as const)('insert %s writes every row in %i statements', async (strategy, statements) => {
    const batch = items(1000);
    let written = 0;
    const counted = await count(async () => {
      written = await layer.bulkInsert(strategy, batch);
    });
    expect(written).toBe(1000);
    expect(await stored()).toEqual(batch);
    console.log(
      `12 insert ${strategy}: total ${counted.total}`,
      JSON.stringify(counted.byQuery.map((q) => [q.calls, q.query.slice(0, 60)])),
    );
    expect(counted.total).toBe(statements);
  });

  it.each([
    ['individual', 300],
    ['bulk', 1],
  ] as const)('update %s writes every row in %i statements', async (strategy, statements) => {
    const batch = items(300, 'UPD');
    await layer.bulkInsert('multi-values', batch);
    const updates = batch.map((item, i) => ({ sku: item.sku, quantity: 1000 + i }));
    let written = 0;
    const counted = await count(async () => {
      written = await layer.bulkUpdate(strategy, updates);
    });
    expect(written).toBe(300);
    expect(await stored()).toEqual(batch.map((item, i) => ({ ...item, quantity: 1000 + i })));
    console.log(`12 update ${strategy}: total ${counted.total}`);
    expect(counted.total).toBe(statements);
  });
});

describe('13 transactions on a hot row', () => {
  afterEach(reset);

  const INITIAL = 1000;
  const stock = async (id: number) =>
    (await db.query('SELECT stock FROM products WHERE id = $1', [id])).rows[0].stock as number;

  async function race(strategy: 'none' | 'pessimistic' | 'optimistic' | 'serializable', n: number) {
    const outcomes = await Promise.all(
      Array.from({ length: n }, () => layer.decrementStock(strategy, 1, 1, 10_000)),
    );
    const applied = outcomes.filter((o) => o.ok).length;
    const retries = outcomes.reduce((sum, o) => sum + o.retries, 0);
    return { applied, retries, stock: await stock(1) };
  }

  it.each(['pessimistic', 'optimistic', 'serializable'] as const)(
    '%s loses no update under 150 concurrent decrements',
    async (strategy) => {
      const { applied, retries, stock: left } = await race(strategy, 150);
      console.log(`13 ${strategy}: applied ${applied}, retries ${retries}, stock ${left}`);
      expect(applied).toBe(150);
      expect(left).toBe(INITIAL - applied);
      if (strategy === 'pessimistic') expect(retries).toBe(0);
    },
  );

  it('optimistic and serializable that give up after maxRetries still lose nothing', async () => {
    for (const [strategy, id] of [
      ['optimistic', 3],
      ['serializable', 4],
    ] as const) {
      const outcomes = await Promise.all(
        Array.from({ length: 60 }, () => layer.decrementStock(strategy, id, 1, 1)),
      );
      const applied = outcomes.filter((o) => o.ok).length;
      expect(applied).toBeGreaterThan(0);
      expect(outcomes.every((o) => o.retries <= 1)).toBe(true);
      expect(await stock(id)).toBe(INITIAL - applied);
    }
  });

  it('pessimistic never oversells: 120 × 10 from 1,000 applies exactly 100', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 120 }, () => layer.decrementStock('pessimistic', 2, 10)),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(100);
    expect(await stock(2)).toBe(0);
  });

  it('none loses updates under contention (read-modify-write without a lock)', async () => {
    // Every decrement reads the stock, then writes `stock - 1`: two that read the same value
    // write the same value, so the stock falls by less than the number applied. Whether a
    // given round interleaves is up to the scheduler, so the round is repeated until it does
    // (at 200 concurrent calls on a 10-connection pool it does in the first round in practice);
    // what must hold in every round is that the stock never falls by MORE than was applied.
    let lost = 0;
    for (let round = 0; round < 5 && lost === 0; round++) {
      const { applied, stock: left } = await race('none', 200);
      expect(applied).toBe(200); // every call "succeeds"
      const decremented = INITIAL - left;
      expect(decremented).toBeGreaterThan(0);
      expect(decremented).toBeLessThanOrEqual(applied);
      lost = applied - decremented;
      console.log(`13 none round ${round}: applied ${applied}, stock ${left}, lost ${lost}`);
      await reset();
    }
    expect(lost).toBeGreaterThan(0);
  });

  it('rejects unknown products and non-positive quantities', async () => {
    await expect(layer.decrementStock('none', 999, 1)).rejects.toMatchObject({ code: 'not_found' });
    await expect(layer.decrementStock('pessimistic', 1, 0)).rejects.toMatchObject({
      code: 'out_of_range',
    });
  });
});
