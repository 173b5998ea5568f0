/**
 * Scenario 19 in-process: one flow iteration — session login (the account read, the scrypt
 * check, SET session), the author's posts, one post, its retitle, the read back (checked), logout
 * (DEL) — through each data layer, under load (10 flows in flight, pool of 10). Asserted with the
 * statistics module on the median: raw pg is ≥ 1.1× faster than each ORM layer. The flow sends 5
 * statements besides 3 Redis commands and a hash, so ORM overhead shows diluted; the margin sits
 * below both the lab's own layer-overhead results (bench/db-advanced/layers-overhead: TypeORM
 * 1.6×, MikroORM 5× raw pg on a 2-statement read) and published ORM benchmarks.
 *
 *   pnpm vitest bench --run bench/real-world/19        (needs pg and at least one ORM layer)
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type DataLayer, layersFromEnv, openDataLayer } from '../../src/data/index.ts';
import { useLab } from '../../src/infra/vitest.ts';
import { compareVariants } from '../../src/load/variant-compare.ts';
import { noteInfra } from '../../src/report/collector.ts';
import { pick } from '../../src/scenarios/pick.ts';
import { checkCredentials } from '../../src/targets/shared/login.ts';
import { LAB_PASSWORD } from '../../src/targets/shared/password.ts';
import { openRedis, type RedisClient } from '../../src/targets/shared/redis.ts';
import { type SessionStore, sessionStore } from '../../src/targets/shared/sessions.ts';

const SUITE = 'bench/real-world/19-real-world-flow';
const SCENARIO = '19-real-world-flow';
const CONCURRENCY = 10;
const lab = useLab({ fixtures: ['blog'] });
const layers = new Map<string, DataLayer>();
let client: RedisClient;
let sessions: SessionStore;
let authors = 0;

beforeAll(async () => {
  noteInfra(lab, { suite: SUITE });
  client = await openRedis(lab.redis.url);
  sessions = sessionStore(client.redis, 900);
  const admin = new pg.Client({ connectionString: lab.pg.url });
  await admin.connect();
  authors = Number((await admin.query('SELECT count(*) AS n FROM authors')).rows[0]?.n);
  await admin.end();
  for (const name of layersFromEnv()) {
    layers.set(name, await openDataLayer(name, { databaseUrl: lab.pg.url, poolSize: 10 }));
  }
});
afterAll(async () => {
  for (const layer of layers.values()) await layer.close();
  await client?.close();
});

/** One iteration of k6/real-world/19-flow.js without HTTP; any wrong answer throws. */
async function flow(layer: DataLayer, i: number, round: number): Promise<void> {
  // Authors from 2 on (author 1 has the hardened hash); consecutive operations — the ones in
  // flight together — get different authors, so none retitles another's post mid-flow.
  const author = 2 + ((i + round * 7919) % (authors - 1));
  const principal = await checkCredentials(layer, `author${author}@example.com`, LAB_PASSWORD);
  const bearer = `Bearer ${await sessions.create(principal)}`;
  const owner = Number((await sessions.principalOf(bearer)).subject);
  const posts = await layer.postsOfAuthor(owner, 0, 20);
  const post = posts[pick(i, round + 1, posts.length)];
  if (!post || !(await layer.postOfAuthor(owner, post.id))) throw new Error('no post to read');
  const title = `Flow ${round}-${i}`;
  await layer.retitlePost(owner, post.id, title);
  if ((await layer.postOfAuthor(owner, post.id))?.title !== title) {
    throw new Error('the read back does not show the write');
  }
  await sessions.end(bearer);
}

describe('raw pg against each ORM layer', () => {
  for (const orm of ['typeorm', 'mikroorm'] as const) {
    test(`a flow on raw pg is ≥1.1× faster than on ${orm}`, async (context) => {
      const raw = layers.get('pg');
      const other = layers.get(orm);
      if (!raw || !other) context.skip('LAB_LAYERS leaves out pg or this ORM');
      await compareVariants({
        suite: SUITE,
        scenario: SCENARIO,
        a: { target: 'pg', variant: 'flow', operation: (i, r) => flow(raw as DataLayer, i, r) },
        b: { target: orm, variant: 'flow', operation: (i, r) => flow(other as DataLayer, i, r) },
        minRatio: 1.1,
        concurrency: CONCURRENCY,
        operations: { quick: 200, full: 1000 },
        warmup: { quick: 50, full: 200 },
        claim: `a flow (login → list → read → retitle → read back → logout) on raw pg ≥1.1× faster than on ${orm}`,
        meta: { concurrency: CONCURRENCY, pool: 10, statementsPerFlow: 5, ...client.info },
      });
    });
  }
});
