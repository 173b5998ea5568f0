import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConformanceReport,
  formatReport,
  GROUP_CHECKS,
  type ScenarioGroup,
  verifyTarget,
} from '../src/conformance/index.ts';
import { cacheOperations } from '../src/data/http/cache-routes.ts';
import { openDataLayer } from '../src/data/index.ts';
import { pgUsers } from '../src/data/pg/users.ts';
import type { DataLayer } from '../src/data/types.ts';
import { useLab } from '../src/infra/vitest.ts';
import { buildApp } from '../src/targets/express/app.ts';
import { readTargetConfig } from '../src/targets/shared/config.ts';
import { openRedis } from '../src/targets/shared/redis.ts';
import { RequestLog } from '../src/targets/shared/request-log.ts';
import { openScenarioServices } from '../src/targets/shared/scenario-services.ts';
import { sessionKey } from '../src/targets/shared/sessions.ts';
import { upstreamClient } from '../src/targets/shared/upstream-client.ts';
import { userCache } from '../src/targets/shared/user-cache.ts';

/**
 * The verifier's checks of scenarios 14–19 against the Express app in-process: the reference
 * passes every one with stable unique ids, and each planted fault — the kind a real target could
 * have — fails exactly the checks that should notice it.
 */
type Fault =
  /** PATCH renames but leaves the old entry in Redis: the next read is stale. */
  | 'no-invalidation'
  /** "aside" reads the database every time: a cache that never caches. */
  | 'aside-without-cache'
  /** Reading a session resets its TTL (the contract says it is not refreshed). */
  | 'session-ttl-refreshed'
  /** "trigram" runs the full-text query: fast, but not the ILIKE rows. */
  | 'trigram-runs-fts';

const GROUPS = Object.keys(GROUP_CHECKS) as ScenarioGroup[];
const lab = useLab({ fixtures: ['users', 'blog', 'aggregation', 'documents'], scale: 0.01 });
const open: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of open.splice(0)) await close();
  await lab.reset();
});

async function verifyWith(fault?: Fault): Promise<ConformanceReport> {
  const config = readTargetConfig({
    PORT: '1',
    DATABASE_URL: lab.pg.url,
    REDIS_URL: lab.redis.url,
    UPSTREAM_URL: 'http://127.0.0.1:9',
    LAB_DB_POOL: '4',
  });
  const base = await openDataLayer('pg', { databaseUrl: lab.pg.url, poolSize: 4 });
  const layer: DataLayer =
    fault === 'trigram-runs-fts'
      ? {
          ...base,
          searchDocuments: (strategy, term, size) =>
            base.searchDocuments(strategy === 'trigram' ? 'fts' : strategy, term, size),
        }
      : base;
  const scenarios = await openScenarioServices(config, layer);
  const client = await openRedis(lab.redis.url);
  const redis = scenarios.redis as NonNullable<typeof scenarios.redis>;
  const cache = userCache(client.redis, layer, config.cacheTtlSeconds);
  if (fault === 'no-invalidation') {
    redis.cache = cacheOperations(
      { ...cache, rename: (id, name) => layer.renameUser(id, name) },
      client,
    );
  }
  if (fault === 'aside-without-cache') {
    redis.cache = cacheOperations(
      {
        ...cache,
        read: (id, strategy) => cache.read(id, strategy === 'aside' ? 'none' : strategy),
      },
      client,
    );
  }
  if (fault === 'session-ttl-refreshed') {
    const { principalOf } = redis.sessions;
    redis.sessions = {
      ...redis.sessions,
      async principalOf(authorization) {
        const principal = await principalOf(authorization);
        const token = authorization?.slice('Bearer '.length) ?? '';
        await client.redis.expire(sessionKey(token), config.authTtlSeconds);
        return principal;
      },
    };
  }
  const users = pgUsers(lab.pg.url, 2);
  const upstream = upstreamClient(config.upstreamUrl, 1);
  const app = buildApp({ config, users, layer, upstream, log: new RequestLog(), scenarios });
  const server: Server = await new Promise((resolve) => {
    const listening = createServer(app).listen(0, '127.0.0.1', () => resolve(listening));
  });
  open.push(async () => {
    await new Promise((resolve) => server.close(resolve));
    await Promise.all([scenarios.close(), client.close(), users.close(), upstream.close()]);
    await base.close();
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return verifyTarget(url, {
    groups: { names: GROUPS, databaseUrl: lab.pg.url, redisUrl: lab.redis.url, only: true },
  });
}

const failedIds = (report: ConformanceReport) => report.failed.map((check) => check.id).sort();

describe('the verifier checks of scenarios 14–19', () => {
  it('pass the reference on every check, with stable unique ids per group', async () => {
    const report = await verifyWith();
    expect(report.failed, formatReport(report)).toEqual([]);
    const ids = GROUPS.flatMap((group) => GROUP_CHECKS[group].map((check) => check.id));
    expect(report.passed.map((check) => check.id)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const group of GROUPS) {
      const prefix = group === 'aggregate' ? 'aggregate' : group;
      for (const { id } of GROUP_CHECKS[group]) expect(id.startsWith(`${prefix}.`)).toBe(true);
    }
  }, 120_000);

  it('catch a stale read after an update', async () => {
    expect(failedIds(await verifyWith('no-invalidation'))).toEqual(['cache.patch.invalidates']);
  }, 120_000);

  it('catch a cache that never caches', async () => {
    expect(failedIds(await verifyWith('aside-without-cache'))).toEqual([
      'cache.aside.hit-from-redis',
      'cache.aside.miss-then-hit',
      'cache.patch.invalidates',
      'cache.warm',
    ]);
  }, 120_000);

  it('catch a session whose TTL is refreshed on use (the flow then sends a Redis command too many)', async () => {
    expect(failedIds(await verifyWith('session-ttl-refreshed'))).toEqual([
      'auth.session.me',
      'flow.list',
      'flow.read',
      'flow.retitle.read-your-write',
    ]);
  }, 120_000);

  it('catch a trigram search that does not return the ILIKE rows', async () => {
    const failed = failedIds(await verifyWith('trigram-runs-fts'));
    expect(failed).toEqual(
      expect.arrayContaining(['search.trigram-equals-ilike', 'search.trigram.common-word']),
    );
    for (const id of failed) expect(id).toMatch(/^search\.trigram/);
  }, 120_000);
});
