import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_CHECKS, type ScenarioGroup, verifyTarget } from '../src/conformance/index.ts';
import { useLab } from '../src/infra/vitest.ts';
import { type RunningTarget, startTarget } from '../src/launcher/launch.ts';
import { missingBuildOutputs, TARGETS } from '../src/launcher/registry.ts';
import { scenarioContext } from '../src/load/http-scenario.ts';
import type { RequestSpec } from '../src/load/inprocess/engine.ts';
import { GROUP_VARIANTS, VARIANT_LAYERS } from '../src/scenarios/groups.ts';
import { openRedis } from '../src/targets/shared/redis.ts';

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

describe('the in-process requests of the HTTP rankings of 14–18', () => {
  /** Users at this file's scale (0.01): all of them are the cache scenarios' hot set. */
  const HOT_USERS_AT_THIS_SCALE = 1000;
  /** Redis [hits, misses] of a cache variant's 12 reads: every tenth read of the mix a miss. */
  const CACHE_READS: Record<string, [number, number]> = {
    'pure-hit': [12, 0],
    'no-cache': [0, 0],
    'pure-miss': [0, 12],
    'mixed-90-10': [11, 1],
  };
  /** What the k6 script checks of an answer, by scenario (k6/caching, k6/auth, k6/db-advanced). */
  const answers = (
    scenario: string,
    variant: string,
    path: string,
    body: Record<string, unknown>,
  ) => {
    if (scenario.startsWith('14') || scenario.startsWith('15')) {
      expect(body.id).toBe(Number(/\/cache\/users\/(\d+)/.exec(path)?.[1]));
    } else if (variant === 'public') {
      expect(body.subject).toBeNull();
    } else if (variant === 'jwt' || variant === 'session') {
      expect(body).toMatchObject({ subject: '2', email: 'author2@example.com' });
    } else if (variant.endsWith('-login')) {
      expect(typeof body.token).toBe('string');
      expect(body.expiresIn).toBeGreaterThan(0);
    } else {
      expect((body.items as unknown[]).length).toBeGreaterThan(0);
    }
  };

  it('are answered 200 with what the k6 scripts check, by a target other than the one that prepared them (17 builder: by that one)', async () => {
    // Prepared through one target (the cache warmed, a login), measured on every target: the
    // targets share the suite's Redis and database, as they do in a ranking.
    // An ORM layer prepares: the variants of its layers only (17's query builder) read from it.
    const [preparer, reader] = (await Promise.all(
      ['fastify+typeorm', 'express'].map((name) => startTarget(name, env(), { timeoutMs: 60_000 })),
    )) as [RunningTarget, RunningTarget];
    const { redis, close } = await openRedis(lab.redis.url);
    try {
      const context = await scenarioContext(lab);
      expect(context.usersRows).toBe(HOT_USERS_AT_THIS_SCALE);
      const cacheStats = async () => {
        const info = await redis.info('stats');
        const count = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1]);
        return { hits: count('keyspace_hits'), misses: count('keyspace_misses') };
      };
      const inProcess = Object.entries(GROUP_VARIANTS).flatMap(([scenario, variants]) =>
        variants.filter((v) => v.request).map((variant) => ({ scenario, variant })),
      );
      // Every variant of 14–18 runs in-process; 19's dependent steps only through k6.
      expect(inProcess.map((v) => v.scenario)).not.toContain('19-real-world-flow');
      expect(new Set(inProcess.map((v) => v.scenario)).size).toBe(5);
      for (const { scenario, variant } of inProcess) {
        const prepared = variant.prepare ? await variant.prepare(preparer.url, context) : {};
        // The warm-up stored the whole hot set: a pure-hit read finds its entry.
        if (variant.prepare && scenario.startsWith('14')) {
          expect(await redis.dbsize()).toBeGreaterThanOrEqual(HOT_USERS_AT_THIS_SCALE);
          expect(await redis.exists(`user:${HOT_USERS_AT_THIS_SCALE}`)).toBe(1);
        }
        const layered = VARIANT_LAYERS[variant.name] !== undefined;
        expect(VARIANT_LAYERS[variant.name] ?? ['typeorm']).toContain('typeorm');
        const before = await cacheStats();
        for (let i = 0; i < 12; i++) {
          const spec = variant.request?.(i, { ...context, prepared }) as RequestSpec;
          const response = await fetch(`${(layered ? preparer : reader).url}${spec.path}`, {
            method: spec.method,
            ...(spec.headers ? { headers: spec.headers } : {}),
            ...(spec.body ? { body: spec.body } : {}),
          });
          const text = await response.text();
          expect(response.status, `${scenario} ${variant.name}: ${spec.path} ${text}`).toBe(200);
          answers(scenario, variant.name, spec.path, JSON.parse(text));
        }
        // Redis saw what the variant's name says: hits and misses of the 12 reads.
        const expected = CACHE_READS[variant.name];
        if (expected) {
          const after = await cacheStats();
          expect([after.hits - before.hits, after.misses - before.misses], variant.name).toEqual(
            expected,
          );
        }
      }
    } finally {
      await Promise.all([preparer.stop(), reader.stop(), close()]);
      await lab.reset();
    }
  }, 120_000);
});
