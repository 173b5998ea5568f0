import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_CHECKS, type ScenarioGroup, verifyTarget } from '../src/conformance/index.ts';
import { useLab } from '../src/infra/vitest.ts';
import { startTarget } from '../src/launcher/launch.ts';
import { missingBuildOutputs, TARGETS } from '../src/launcher/registry.ts';

/**
 * Scenarios 14–19 on every registered target that declares one of their contract groups in its
 * manifest (`supports`; a target gains coverage by listing a group, never by a name here): the
 * verifier's checks of each declared group — answers against SQL oracles, statements per
 * request, Redis commands, keys and TTLs, stale reads, 401s — one target at a time (the counters
 * see the whole server), the database and Redis restored after each. A target started without
 * REDIS_URL does not serve the Redis-backed groups (404) and still serves the others.
 */
const SCENARIO_GROUPS = Object.keys(GROUP_CHECKS) as ScenarioGroup[];
const declared = (name: string): ScenarioGroup[] => {
  const supports = TARGETS.find((t) => t.name === name)?.supports ?? [];
  return SCENARIO_GROUPS.filter((group) => (supports as readonly string[]).includes(group));
};
const UNDER_TEST = TARGETS.filter((t) => declared(t.name).length > 0).map((t) => t.name);

const lab = useLab({ fixtures: ['users', 'blog', 'aggregation', 'documents'], scale: 0.01 });
const env = () => ({
  DATABASE_URL: lab.pg.url,
  REDIS_URL: lab.redis.url,
  UPSTREAM_URL: 'http://127.0.0.1:9',
  LAB_DB_POOL: '4',
});

beforeAll(() => {
  const unbuilt = UNDER_TEST.flatMap((name) =>
    missingBuildOutputs(TARGETS.find((t) => t.name === name) as (typeof TARGETS)[number]),
  );
  if (unbuilt.length > 0) throw new Error(`${unbuilt.join(', ')} missing: run pnpm build:targets`);
});

afterAll(async () => {
  await lab.reset();
});

describe('targets declaring the groups of scenarios 14–19', () => {
  it('include the four TypeScript frameworks on every data layer', () => {
    for (const name of ['express', 'fastify', 'nestjs-express', 'nestjs-fastify']) {
      expect(UNDER_TEST).toContain(name);
      expect(declared(name)).toEqual(SCENARIO_GROUPS);
    }
    expect(UNDER_TEST).toEqual(
      expect.arrayContaining(['fastify+typeorm', 'nestjs-fastify+mikroorm']),
    );
  });

  it.each(UNDER_TEST)(
    '%s passes every check of the groups it declares',
    async (name) => {
      const names = declared(name);
      const target = await startTarget(name, env(), { timeoutMs: 60_000 });
      try {
        const report = await verifyTarget(target.url, {
          groups: { names, databaseUrl: lab.pg.url, redisUrl: lab.redis.url, only: true },
        });
        expect(report.failed.map((f) => `${f.id}: ${f.detail}`)).toEqual([]);
        expect(report.passed.length).toBe(names.flatMap((g) => GROUP_CHECKS[g]).length);
      } finally {
        expect(await target.stop()).toEqual({ graceful: true, exit: 0, exited: true });
        await lab.reset();
      }
    },
    120_000,
  );

  it('without REDIS_URL serve no cache, session or flow route, and the rest as before', async () => {
    const [name] = UNDER_TEST;
    const { REDIS_URL: _redis, ...withoutRedis } = env();
    const target = await startTarget(name as string, withoutRedis, { timeoutMs: 60_000 });
    try {
      const status = async (method: string, path: string) =>
        (await fetch(`${target.url}${path}`, { method })).status;
      expect(await status('GET', '/cache/info')).toBe(404);
      expect(await status('GET', '/cache/users/1?strategy=none')).toBe(404);
      expect(await status('POST', '/auth/session/logout')).toBe(404);
      expect(await status('GET', '/flow/posts')).toBe(404);
      expect(await status('GET', '/auth/public')).toBe(200);
      expect(await status('GET', '/db/aggregate/count?strategy=raw')).toBe(200);
      expect(await status('GET', '/db/search?q=data&strategy=fts')).toBe(200);
      expect(await status('GET', '/auth/jwt/me')).toBe(401);
    } finally {
      await target.stop();
    }
  }, 60_000);
});
