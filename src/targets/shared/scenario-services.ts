import { type AggregateOperations, aggregateOperations } from '../../data/http/aggregate-routes.ts';
import { type AuthOperations, authOperations } from '../../data/http/auth-routes.ts';
import { type CacheOperations, cacheOperations } from '../../data/http/cache-routes.ts';
import { type FlowOperations, flowOperations } from '../../data/http/flow-routes.ts';
import { searchOperations } from '../../data/http/search-routes.ts';
import type { DataLayer } from '../../data/types.ts';
import type { TargetConfig } from './config.ts';
import { setServedContract } from './errors.ts';
import { openRedis, type RedisClient } from './redis.ts';
import { type SessionStore, sessionStore } from './sessions.ts';
import { userCache } from './user-cache.ts';

/**
 * The work behind the routes of scenarios 14–19 for the targets that wire it by hand (Express,
 * Fastify; NestJS builds the same pieces as providers): one Redis client when `REDIS_URL` is set,
 * and without it no cache, no sessions and no flow (their routes are then not served: 404).
 */
export interface ScenarioServices {
  auth: AuthOperations;
  aggregate: AggregateOperations;
  search: ReturnType<typeof searchOperations>;
  /** The Redis-backed groups, present with REDIS_URL. */
  redis?: {
    cache: CacheOperations;
    sessions: SessionStore;
    flow: FlowOperations;
  };
  close(): Promise<void>;
}

export async function openScenarioServices(
  config: TargetConfig,
  layer: DataLayer,
): Promise<ScenarioServices> {
  setServedContract(Boolean(config.redisUrl));
  const client: RedisClient | undefined = config.redisUrl
    ? await openRedis(config.redisUrl)
    : undefined;
  const sessions = client && sessionStore(client.redis, config.authTtlSeconds);
  return {
    auth: authOperations({
      layer,
      secret: config.authSecret,
      ttlSeconds: config.authTtlSeconds,
      ...(sessions ? { sessions } : {}),
    }),
    aggregate: aggregateOperations(layer),
    search: searchOperations(layer),
    ...(client && sessions
      ? {
          redis: {
            cache: cacheOperations(userCache(client.redis, layer, config.cacheTtlSeconds), client),
            sessions,
            flow: flowOperations(layer),
          },
        }
      : {}),
    close: async () => {
      await client?.close();
    },
  };
}
