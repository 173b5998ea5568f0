import { afterAll, beforeAll } from 'vitest';
import { type DataLayer, openDataLayer } from '../../src/data/index.ts';
import type { Lab } from '../../src/infra/lab.ts';
import { HOT_USERS } from '../../src/scenarios/groups.ts';
import { pick } from '../../src/scenarios/pick.ts';
import { openRedis, type RedisClient } from '../../src/targets/shared/redis.ts';
import { type UserCache, userCache } from '../../src/targets/shared/user-cache.ts';

/**
 * What the in-process cache suites (14, 15) share: one Redis client (as a target holds it), a
 * data layer per describe block, and the hot set of users 1..10,000 warmed in Redis, so that
 * `aside` reads of it are hits. Suites read through the same cache-aside code the targets run.
 */
export const CONCURRENCY = 10;
export const POOL = 10;
/** Longer than any run of a describe block: no warmed entry may expire mid-comparison. */
export const TTL_SECONDS = 3600;
export const OPERATIONS = { quick: 500, full: 3000 };
export const WARMUP = { quick: 100, full: 300 };

export function useRedis(lab: Lab): () => RedisClient {
  let client: RedisClient;
  beforeAll(async () => {
    client = await openRedis(lab.redis.url);
  });
  afterAll(async () => {
    await client?.close();
  });
  return () => client;
}

export interface CachedLayer {
  layer: DataLayer;
  cache: UserCache;
  /** User id of operation `i` in round `round`, from the warmed hot set. */
  hotId(i: number, round: number): number;
}

/** A layer with the cache in front, its hot set warmed (before every test of the block). */
export function useCachedLayer(
  lab: Lab,
  name: string,
  redis: () => RedisClient,
): () => CachedLayer {
  let state: CachedLayer;
  beforeAll(async () => {
    const layer = await openDataLayer(name, { databaseUrl: lab.pg.url, poolSize: POOL });
    const cache = userCache(redis().redis, layer, TTL_SECONDS);
    const users = (await layer.usersInRange(1, HOT_USERS)).length;
    await cache.warm(1, HOT_USERS);
    state = { layer, cache, hotId: (i, round) => 1 + pick(i, round, users) };
  });
  afterAll(async () => {
    await state?.layer.close();
  });
  return () => state;
}

/** One read that must find its user (a variant that answers nothing must not look fast). */
export async function readUser(
  cache: UserCache,
  id: number,
  strategy: 'none' | 'aside' | 'miss',
): Promise<void> {
  if (!(await cache.read(id, strategy))) throw new Error(`user ${id} not found (${strategy})`);
}
