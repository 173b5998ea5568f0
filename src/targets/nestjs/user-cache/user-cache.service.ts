import { Inject, Injectable } from '@nestjs/common';
import { type CacheOperations, cacheOperations } from '../../../data/http/cache-routes.ts';
import type { DataLayer, PageUser } from '../../../data/types.ts';
import type { TargetConfig } from '../../shared/config.ts';
import type { RedisClient } from '../../shared/redis.ts';
import { type CacheStrategy, userCache } from '../../shared/user-cache.ts';
import { DATA_LAYER, REDIS_CLIENT, TARGET_CONFIG } from '../tokens.ts';

/** Scenarios 14–15: cache-aside over the injected data layer and Redis client. */
@Injectable()
export class UserCacheService {
  private readonly cache: CacheOperations;

  constructor(
    @Inject(DATA_LAYER) layer: DataLayer,
    @Inject(REDIS_CLIENT) client: RedisClient,
    @Inject(TARGET_CONFIG) config: TargetConfig,
  ) {
    this.cache = cacheOperations(userCache(client.redis, layer, config.cacheTtlSeconds), client);
  }

  read(id: number, strategy: CacheStrategy): Promise<PageUser> {
    return this.cache.read(id, strategy);
  }

  rename(id: number, name: string): Promise<PageUser> {
    return this.cache.rename(id, name);
  }

  warm(range: { from: number; count: number }): Promise<{ warmed: number }> {
    return this.cache.warm(range);
  }

  flush(): Promise<{ deleted: number }> {
    return this.cache.flush();
  }

  info(): ReturnType<CacheOperations['info']> {
    return this.cache.info();
  }
}
