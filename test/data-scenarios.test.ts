import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataInputError } from '../src/data/errors.ts';
import { DATA_LAYERS, openDataLayer } from '../src/data/index.ts';
import { countStatements } from '../src/data/query-count.ts';
import type { AggregateStrategy, DataLayer, SearchStrategy } from '../src/data/types.ts';
import { useLab } from '../src/infra/vitest.ts';
import { LAB_PASSWORD, verifyPassword } from '../src/targets/shared/password.ts';

/**
 * The operations of scenarios 14–19 on every data layer (raw pg, TypeORM, MikroORM) against SQL
 * oracles written independently of the layers (other formulations where one exists: position()
 * for the substring search, plain ::text casts for the decimals), with the statements each call
 * sends counted through pg_stat_statements: one per call, two for the reduced top-authors.
 */
const lab = useLab({ fixtures: ['users', 'blog', 'aggregation', 'documents'], scale: 0.02 });
let oracle: pg.Pool;
const layers = new Map<string, DataLayer>();

beforeAll(async () => {
  oracle = new pg.Pool({ connectionString: lab.pg.url, max: 2 });
  for (const name of DATA_LAYERS) {
    layers.set(name, await openDataLayer(name, { databaseUrl: lab.pg.url, poolSize: 4 }));
  }
}, 60_000);

afterAll(async () => {
  for (const layer of layers.values()) await layer.close();
  await oracle?.end();
});

async function rows<T>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await oracle.query(text, values)).rows as T[];
}

/** The call's result, and that it sent exactly `statements` statements. */
async function counted<T>(statements: number, work: () => Promise<T>): Promise<T> {
  let value: T | undefined;
  const count = await countStatements(lab.pg.url, async () => {
    value = await work();
  });
  expect(count.total, count.byQuery.map((q) => q.query).join('\n')).toBe(statements);
  return value as T;
}

const USER_SQL = `SELECT id::int AS id, name, email,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt" FROM users`;

describe.each(DATA_LAYERS)('%s layer', (name) => {
  const layer = () => layers.get(name) as DataLayer;

  it('14–15: reads a user by id, a range of users, and renames one, 1 statement each', async () => {
    const [user] = await rows(`${USER_SQL} WHERE id = 7`);
    expect(await counted(1, () => layer().userById(7))).toEqual(user);
    expect(await counted(1, () => layer().userById(2_000_000_000))).toBeUndefined();
    expect(await counted(1, () => layer().usersInRange(10, 5))).toEqual(
      await rows(`${USER_SQL} WHERE id BETWEEN 10 AND 14 ORDER BY id`),
    );
    const renamed = await counted(1, () => layer().renameUser(8, `Renamed by ${name}`));
    expect(renamed).toEqual((await rows(`${USER_SQL} WHERE id = 8`))[0]);
    expect(renamed?.name).toBe(`Renamed by ${name}`);
    expect(await counted(1, () => layer().renameUser(2_000_000_000, 'x'))).toBeUndefined();
  });

  it('16: reads an account by email with a hash that verifies, 1 statement', async () => {
    const account = await counted(1, () => layer().accountByEmail('author3@example.com'));
    expect(account).toMatchObject({ id: 3, email: 'author3@example.com' });
    expect(await verifyPassword(LAB_PASSWORD, account?.passwordHash ?? '')).toBe(true);
    expect(await counted(1, () => layer().accountByEmail('nobody@example.com'))).toBeUndefined();
  });

  const strategies = (): AggregateStrategy[] => [...layer().aggregateStrategies];

  it('17: every strategy it has gives the oracle count, groups and top authors', async () => {
    expect(strategies()).toEqual(name === 'pg' ? ['raw', 'reduce'] : ['raw', 'builder', 'reduce']);
    const [counts] = await rows<{ count: number }>('SELECT count(*)::int AS count FROM orders');
    for (const dimension of ['country', 'status'] as const) {
      const groups = await rows(
        `SELECT ${dimension} AS key, count(*)::int AS orders, sum(quantity)::int AS quantity,
                sum(amount)::text AS revenue, round(avg(amount), 2)::text AS "avgAmount"
           FROM orders GROUP BY 1 ORDER BY convert_to(${dimension}, 'UTF8')`,
      );
      for (const strategy of strategies()) {
        expect(await counted(1, () => layer().ordersBy(dimension, strategy)), strategy).toEqual(
          groups,
        );
      }
    }
    const top = await rows(
      `SELECT a.id::int AS "authorId", a.name, count(*)::int AS orders,
              sum(o.amount)::text AS revenue, round(avg(o.amount), 2)::text AS "avgAmount"
         FROM authors a JOIN orders o ON o.author_id = a.id
        GROUP BY a.id ORDER BY sum(o.amount) DESC, a.id LIMIT 7`,
    );
    for (const strategy of strategies()) {
      expect(await counted(1, () => layer().countOrders(strategy)), strategy).toBe(counts?.count);
      const statements = strategy === 'reduce' ? 2 : 1;
      expect(await counted(statements, () => layer().topAuthors(strategy, 7)), strategy).toEqual(
        top,
      );
    }
  });

  it('17: refuses a strategy it lacks naming the layer, and an unknown dimension', async () => {
    if (name === 'pg') {
      await expect(layer().countOrders('builder')).rejects.toThrow(/not implemented by the pg/);
    }
    const error = await layer()
      .ordersBy('city' as never, 'raw')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataInputError);
    expect((error as DataInputError).code).toBe('not_found');
  });

  it('18: ilike and trigram give the substring oracle rows, fts the tsquery ones, 1 statement', async () => {
    const [{ keyword } = { keyword: '' }] = await rows<{ keyword: string }>(
      "SELECT split_part(body, ' ', -1) AS keyword FROM documents WHERE id = 3",
    );
    const newest = (where: string) =>
      `SELECT id::int AS id, title, to_char(created_at AT TIME ZONE 'UTC',
         'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt" FROM documents WHERE ${where}
        ORDER BY created_at DESC, id DESC LIMIT 15`;
    for (const term of [keyword, 'Zephyr', 'data model']) {
      const substring = await rows(newest('position(lower($1) in lower(body)) > 0'), [term]);
      const words = await rows(newest("search_vector @@ plainto_tsquery('english', $1)"), [term]);
      expect(substring.length, term).toBeGreaterThan(0);
      const expected: Record<SearchStrategy, unknown[]> = {
        ilike: substring,
        trigram: substring,
        fts: words,
      };
      for (const strategy of ['ilike', 'trigram', 'fts'] as const) {
        expect(
          await counted(1, () => layer().searchDocuments(strategy, term, 15)),
          `${strategy} ${term}`,
        ).toEqual(expected[strategy]);
      }
    }
    // Substring, not word: "dat" is in "data"; full text knows no such word.
    expect(await layer().searchDocuments('ilike', 'dat', 1)).toHaveLength(1);
    expect(await layer().searchDocuments('fts', 'dat', 1)).toHaveLength(0);
    for (const bad of ['%', 'a_b', 'ab', ' lead', 'two  spaces', 'x'.repeat(65)]) {
      await expect(layer().searchDocuments('ilike', bad, 5), bad).rejects.toThrow(DataInputError);
    }
  });

  it("19: lists, reads and retitles an author's own posts only, 1 statement each", async () => {
    const own = await rows(
      'SELECT id::int AS id, title, view_count AS "viewCount" FROM posts WHERE author_id = 4 ORDER BY id',
    );
    expect(await counted(1, () => layer().postsOfAuthor(4, 0, 100))).toEqual(own);
    expect(await counted(1, () => layer().postsOfAuthor(4, 2, 3))).toEqual(own.slice(2, 5));
    const postId = (own[1] as { id: number }).id;
    const post = async () =>
      (
        await rows<Record<string, unknown>>(
          `SELECT id::int AS id, author_id::int AS "authorId", title, body, view_count AS "viewCount"
             FROM posts WHERE id = $1`,
          [postId],
        )
      )[0];
    expect(await counted(1, () => layer().postOfAuthor(4, postId))).toEqual(await post());
    expect(await counted(1, () => layer().postOfAuthor(5, postId))).toBeUndefined();
    const title = `Retitled by ${name}`;
    expect(await counted(1, () => layer().retitlePost(4, postId, title))).toEqual({
      ...(await post()),
      title,
    });
    expect(await counted(1, () => layer().retitlePost(5, postId, 'not mine'))).toBeUndefined();
    expect(((await post()) as { title: string }).title).toBe(title);
  });
});
