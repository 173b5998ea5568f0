import type { PageUser } from '../../data/types.ts';
import { HttpError } from '../../targets/shared/errors.ts';
import type { RedisClient } from '../../targets/shared/redis.ts';
import {
  CACHE_STRATEGIES,
  type CacheStrategy,
  type UserCache,
} from '../../targets/shared/user-cache.ts';
import { hasNul, NAME } from '../../targets/shared/validation.ts';
import { object, oneOf } from './db-routes.ts';

/**
 * The `/cache/…` routes of scenarios 14–15, framework-neutral like db-routes.ts: input rules
 * (Fastify states them as schemas from these constants), parsers for the frameworks that
 * validate in code, and the handlers' work over the shared cache-aside (user-cache.ts).
 *
 *   GET   /cache/users/{id}?strategy   → 200 User
 *   PATCH /cache/users/{id}  { name }  → 200 User (entry invalidated)
 *   POST  /cache/users/warm  { from, count } → 200 { warmed }
 *   POST  /cache/users/flush           → 200 { deleted }
 *   GET   /cache/info                  → 200 { client, connections, ttlSeconds }
 */
export const WARM_FROM = { min: 1, max: 2_147_483_647 } as const;
export const WARM_COUNT = { min: 1, max: 10_000 } as const;
export { CACHE_STRATEGIES };

const invalid = (message: string) => new HttpError('validation_failed', message);

export const parseCacheStrategy = (raw: unknown): CacheStrategy =>
  oneOf('strategy', raw, CACHE_STRATEGIES);

/** `{ name }`: 1–100 characters without U+0000 (PostgreSQL text cannot hold it), nothing else. */
export function parseUserRename(body: unknown): string {
  const { name } = object(body, 'body', ['name']);
  if (
    typeof name !== 'string' ||
    name.length < NAME.minLength ||
    name.length > NAME.maxLength ||
    hasNul(name)
  ) {
    throw invalid(
      `name must be a string of ${NAME.minLength} to ${NAME.maxLength} characters without U+0000`,
    );
  }
  return name;
}

const integerIn = (name: string, value: unknown, range: { min: number; max: number }) => {
  if (!Number.isInteger(value) || (value as number) < range.min || (value as number) > range.max) {
    throw invalid(`${name} must be an integer from ${range.min} to ${range.max}`);
  }
  return value as number;
};

/** `{ from, count }`, integers in range, nothing else. */
export function parseCacheWarm(body: unknown): { from: number; count: number } {
  const { from, count } = object(body, 'body', ['from', 'count']);
  return { from: integerIn('from', from, WARM_FROM), count: integerIn('count', count, WARM_COUNT) };
}

export function cacheOperations(cache: UserCache, redis: RedisClient) {
  const found =
    (id: number) =>
    (user: PageUser | undefined): PageUser => {
      if (!user) throw new HttpError('not_found', `user ${id} not found`);
      return user;
    };
  return {
    read: (id: number, strategy: CacheStrategy) => cache.read(id, strategy).then(found(id)),
    rename: (id: number, name: string) => cache.rename(id, name).then(found(id)),
    warm: async ({ from, count }: { from: number; count: number }) => ({
      warmed: await cache.warm(from, count),
    }),
    flush: async () => ({ deleted: await cache.flush() }),
    info: () => ({ ...redis.info, ttlSeconds: cache.ttlSeconds }),
  };
}

export type CacheOperations = ReturnType<typeof cacheOperations>;
