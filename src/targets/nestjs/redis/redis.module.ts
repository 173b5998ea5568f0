import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { TargetConfig } from '../../shared/config.ts';
import { openRedis, type RedisClient } from '../../shared/redis.ts';
import { sessionStore } from '../../shared/sessions.ts';
import { REDIS_CLIENT, SESSION_STORE, TARGET_CONFIG } from '../tokens.ts';

/**
 * The Redis client of scenarios 14–19 (one ioredis connection, connected while the application
 * is created) and the session store on it; imported only with REDIS_URL. Closed on shutdown.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [TARGET_CONFIG],
      useFactory: (config: TargetConfig) => openRedis(config.redisUrl as string),
    },
    {
      provide: SESSION_STORE,
      inject: [REDIS_CLIENT, TARGET_CONFIG],
      useFactory: (client: RedisClient, config: TargetConfig) =>
        sessionStore(client.redis, config.authTtlSeconds),
    },
  ],
  exports: [REDIS_CLIENT, SESSION_STORE],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: RedisClient) {}

  onApplicationShutdown(): Promise<void> {
    return this.client.close();
  }
}
