import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectedRowCounts,
  FIXTURE_NAMES,
  type FixtureName,
  type FixtureOptions,
  fixtureOptionsFromEnv,
  resolveFixtureNames,
  rowCounts,
  type SeededTable,
  seedFixtures,
  tableChecksums,
  tablesOf,
} from '../src/fixtures/index.ts';
import { keywordOf, SELECTIVE_KEYWORD } from '../src/fixtures/sets/documents.ts';
import { useLab } from '../src/infra/vitest.ts';
import { LAB_PASSWORD, verifyPassword } from '../src/targets/shared/password.ts';

describe('resolveFixtureNames', () => {
  it('expands undefined and "all" to every set in seeding order', () => {
    expect(resolveFixtureNames(undefined)).toEqual([...FIXTURE_NAMES]);
    expect(resolveFixtureNames('all')).toEqual([...FIXTURE_NAMES]);
  });

  it('dedupes and returns seeding order', () => {
    expect(resolveFixtureNames(['blog', 'users', 'blog'])).toEqual(['users', 'blog']);
    expect(resolveFixtureNames([])).toEqual([]);
  });

  it('rejects unknown names, naming them and the valid ones', () => {
    const attempt = () => resolveFixtureNames(['users', 'user', 'blgo', 'user']);
    expect(attempt).toThrow(/Unknown fixture sets "user", "blgo"\./);
    expect(attempt).toThrow(FIXTURE_NAMES.join(', '));
  });
});

describe('fixtureOptionsFromEnv', () => {
  it('defaults to seed 42 and scale 1 (also for empty values)', () => {
    expect(fixtureOptionsFromEnv({})).toEqual({ seed: 42, scale: 1 });
    expect(fixtureOptionsFromEnv({ LAB_SEED: '', LAB_SCALE: ' ' })).toEqual({ seed: 42, scale: 1 });
  });

  it('reads integer seeds and positive decimal scales', () => {
    expect(fixtureOptionsFromEnv({ LAB_SEED: '7', LAB_SCALE: '0.01' })).toEqual({
      seed: 7,
      scale: 0.01,
    });
    expect(fixtureOptionsFromEnv({ LAB_SEED: '-3', LAB_SCALE: '2.5' })).toEqual({
      seed: -3,
      scale: 2.5,
    });
    expect(fixtureOptionsFromEnv({ LAB_SCALE: '1e-3' }).scale).toBe(0.001);
  });

  it.each(['1.5', 'abc', '0x10', '9007199254740993'])('rejects LAB_SEED=%s', (value) => {
    expect(() => fixtureOptionsFromEnv({ LAB_SEED: value })).toThrow(
      `Invalid LAB_SEED="${value}": expected an integer`,
    );
  });

  it.each(['0', '-1', 'abc', 'Infinity', '1e400', '0x10', 'NaN'])(
    'rejects LAB_SCALE=%s',
    (value) => {
      expect(() => fixtureOptionsFromEnv({ LAB_SCALE: value })).toThrow(
        `Invalid LAB_SCALE="${value}": expected a positive finite number`,
      );
    },
  );
});

describe('expectedRowCounts and tablesOf', () => {
  it('uses the catalogue sizes at scale 1', () => {
    expect(expectedRowCounts(FIXTURE_NAMES, 1)).toEqual({
      users: 100_000,
      users_narrow: 10_000,
      users_wide: 10_000,
      users_extra_wide: 10_000,
      users_type_int: 10_000,
      users_type_varchar: 10_000,
      users_type_text: 10_000,
      users_type_jsonb: 10_000,
      users_type_timestamp: 10_000,
      users_type_uuid: 10_000,
      authors: 1_000,
      posts: 8_000,
      bulk_items: 0,
      products: 10,
      documents: 10_000,
      orders: 100_000,
    });
  });

  it('scales and rounds counts, keeping 8 posts per author, 10 products and at least 1 row', () => {
    expect(expectedRowCounts(['users', 'blog', 'inventory'], 0.01)).toEqual({
      users: 1_000,
      authors: 10,
      posts: 80,
      products: 10,
    });
    expect(expectedRowCounts(['users', 'blog', 'bulk'], 1e-9)).toEqual({
      users: 1,
      authors: 1,
      posts: 8,
      bulk_items: 0,
    });
    expect(expectedRowCounts(['aggregation'], 0.123_456)).toEqual({ orders: 12_346 });
  });

  it('scales one set on its own (LAB_SCALE_<SET>)', () => {
    expect(expectedRowCounts(['users', 'documents'], 0.5, { documents: 3 })).toEqual({
      users: 50_000,
      documents: 15_000,
    });
    expect(fixtureOptionsFromEnv({ LAB_SCALE_DOCUMENTS: '3', LAB_SCALE_USERS: '0.5' })).toEqual({
      seed: 42,
      scale: 1,
      setScales: { users: 0.5, documents: 3 },
    });
    expect(() => fixtureOptionsFromEnv({ LAB_SCALE_DOCUMENTS: '-1' })).toThrow(
      'Invalid LAB_SCALE_DOCUMENTS="-1": expected a positive finite number',
    );
    expect(() => expectedRowCounts(['documents'], 1, { documents: 0 })).toThrow(
      /scale 0 of fixture set documents/,
    );
  });

  it('rejects an invalid scale', () => {
    expect(() => expectedRowCounts(['users'], 0)).toThrow(/positive finite number/);
  });

  it('lists tables in seeding order', () => {
    expect(tablesOf(['inventory', 'bulk'])).toEqual(['bulk_items', 'products']);
    expect(tablesOf(['blog'])).toEqual(['authors', 'posts']);
  });
});

/**
 * Seeded-database tests. The lab database is seeded at a reduced scale: every property checked
 * here is independent of size, and the machine has 2 cores. Extra databases are created on the
 * lab's server for the comparisons.
 */
describe('seeded fixtures', () => {
  const SCALE = 0.1;
  const SEED = 42;
  const lab = useLab({ fixtures: 'all', scale: SCALE, seed: SEED });

  let client: pg.Client;
  const extraDatabases: string[] = [];
  const tables = tablesOf(FIXTURE_NAMES);

  const urlOf = (database: string): string => {
    const url = new URL(lab.pg.url);
    url.pathname = `/${database}`;
    return url.toString();
  };

  /** Seeds `names` into a new database on the lab server; returns its checksums and counts. */
  async function seedSeparately(names: readonly FixtureName[], options: FixtureOptions) {
    const database = `fixtures_extra_${extraDatabases.length + 1}`;
    await client.query(`CREATE DATABASE ${database}`);
    extraDatabases.push(database);
    const other = new pg.Client({ connectionString: urlOf(database) });
    await other.connect();
    try {
      const report = await seedFixtures(other, names, options);
      const seeded = tablesOf(names);
      return {
        report,
        checksums: await tableChecksums(other, seeded),
        counts: await rowCounts(other, seeded),
      };
    } finally {
      await other.end();
    }
  }

  beforeAll(async () => {
    client = new pg.Client({ connectionString: lab.pg.url });
    await client.connect();
  });

  afterAll(async () => {
    for (const database of extraDatabases) {
      await client?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    }
    await client?.end();
  });

  it('reports what it seeded', () => {
    const report = lab.seedReport;
    if (!report) throw new Error('useLab() did not report a seeding');
    expect(report.fixtures).toEqual([...FIXTURE_NAMES]);
    expect(report).toMatchObject({ seed: SEED, scale: SCALE });
    expect(Object.fromEntries(report.tables.map((t: SeededTable) => [t.table, t.rows]))).toEqual(
      expectedRowCounts(FIXTURE_NAMES, SCALE),
    );
    expect(Object.keys(report.perFixtureMs).sort()).toEqual([...FIXTURE_NAMES].sort());
    expect(report.ms).toBeGreaterThan(0);
  });

  it('has the expected row count in every table', async () => {
    expect(await rowCounts(client, tables)).toEqual(expectedRowCounts(FIXTURE_NAMES, SCALE));
  });

  it('continues identity sequences after the seeded ids', async () => {
    const users = expectedRowCounts(['users'], SCALE).users ?? 0;
    await client.query('BEGIN');
    try {
      const { rows } = await client.query(
        `INSERT INTO users (name, email, country, status, age, created_at)
         VALUES ('New User', 'new.user@example.org', 'US', 'active', 30, now()) RETURNING id`,
      );
      expect(Number(rows[0].id)).toBe(users + 1);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('rejects a duplicate user email', async () => {
    const { rows } = await client.query('SELECT email FROM users WHERE id = 1');
    await expect(
      client.query(
        `INSERT INTO users (name, email, country, status, age, created_at)
         VALUES ('Copy', $1, 'US', 'active', 30, now())`,
        [rows[0].email],
      ),
    ).rejects.toMatchObject({ code: '23505' });
  });

  it('gives every author exactly 8 posts and every product stock 1,000 at version 0', async () => {
    const perAuthor = await client.query(
      'SELECT DISTINCT count(*)::int AS posts FROM authors JOIN posts ON posts.author_id = authors.id GROUP BY authors.id',
    );
    expect(perAuthor.rows).toEqual([{ posts: 8 }]);
    const products = await client.query(
      'SELECT DISTINCT stock, version FROM products ORDER BY stock, version',
    );
    expect(products.rows).toEqual([{ stock: 1000, version: 0 }]);
  });

  it('has pg_trgm and tsvector GIN indexes on documents, and full-text search finds rows', async () => {
    const { rows: indexes } = await client.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE tablename = 'documents'",
    );
    const definitions = indexes.map((i) => i.indexdef);
    expect(definitions).toContainEqual(
      expect.stringMatching(/USING gin \(lower\(body\) gin_trgm_ops\)/),
    );
    expect(definitions).toContainEqual(expect.stringMatching(/USING gin \(search_vector\)/));

    const query = `SELECT count(*)::int AS hits FROM documents
      WHERE search_vector @@ websearch_to_tsquery('english', 'databases')`;
    const { rows } = await client.query(query);
    expect(rows[0].hits).toBeGreaterThan(0);

    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL enable_seqscan = off');
      const plan = await client.query(`EXPLAIN ${query}`);
      expect(JSON.stringify(plan.rows)).toContain('documents_search_vector_idx');
      const like = await client.query(
        "EXPLAIN SELECT id FROM documents WHERE lower(body) LIKE '%performance%'",
      );
      expect(JSON.stringify(like.rows)).toContain('documents_body_trgm_idx');
      // ILIKE on the column itself is another expression: no index serves it.
      const ilike = await client.query(
        "EXPLAIN SELECT id FROM documents WHERE body ILIKE '%performance%'",
      );
      expect(JSON.stringify(ilike.rows)).not.toContain('documents_body_trgm_idx');
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('ends every document with a rare keyword and gives every author a verifiable password hash', async () => {
    const { rows: keywords } = await client.query<{ keyword: string; n: number }>(
      `SELECT split_part(body, ' ', -1) AS keyword, count(*)::int AS n FROM documents
        GROUP BY 1 ORDER BY n DESC`,
    );
    for (const { keyword } of keywords) expect(keyword).toMatch(/^([a-z]{2}){3}$/);
    const documents = keywords.reduce((sum, row) => sum + row.n, 0);
    // 1,728 keywords, one per id modulo 1,728: none is in more than one document of 1,728 here.
    expect(keywords[0]?.n).toBe(Math.ceil(documents / 1728));
    const { rows: first } = await client.query<{ id: string; keyword: string }>(
      "SELECT id, split_part(body, ' ', -1) AS keyword FROM documents WHERE id IN (1, 13, 100) ORDER BY id",
    );
    expect(first.map((row) => row.keyword)).toEqual([1, 13, 100].map(keywordOf));
    expect(first[0]?.keyword).toBe(SELECTIVE_KEYWORD);
    const { rows: authors } = await client.query<{ id: string; password_hash: string }>(
      'SELECT id, password_hash FROM authors WHERE id <= 2 ORDER BY id',
    );
    expect(authors.map((a) => a.password_hash.split('$').slice(0, 4).join('$'))).toEqual([
      'scrypt$14$8$1',
      'scrypt$4$8$1',
    ]);
    for (const author of authors) {
      expect(await verifyPassword(LAB_PASSWORD, author.password_hash)).toBe(true);
      expect(await verifyPassword('not-the-password', author.password_hash)).toBe(false);
    }
  });

  it('is deterministic: the same seed gives the same content in another database', async () => {
    const again = await seedSeparately(FIXTURE_NAMES, { seed: SEED, scale: SCALE });
    expect(again.checksums).toEqual(await tableChecksums(client, tables));
  });

  it('seeds each table independently of the other sets chosen', async () => {
    const alone = await seedSeparately(['users'], { seed: SEED, scale: SCALE });
    expect(alone.checksums.users).toBe((await tableChecksums(client, ['users'])).users);
  });

  it('gives different content for a different seed', async () => {
    const other = await seedSeparately(['users', 'documents'], { seed: SEED + 1, scale: SCALE });
    const ours = await tableChecksums(client, ['users', 'documents']);
    expect(other.checksums.users).not.toBe(ours.users);
    expect(other.checksums.documents).not.toBe(ours.documents);
  });

  it('scales row counts with the scale factor', async () => {
    const small = await seedSeparately(FIXTURE_NAMES, { seed: SEED, scale: 0.01 });
    expect(small.counts).toEqual(expectedRowCounts(FIXTURE_NAMES, 0.01));
    expect(small.counts.users).toBe(1_000);
    expect(small.counts.users).toBeLessThan(expectedRowCounts(['users'], SCALE).users ?? 0);
  });
});
