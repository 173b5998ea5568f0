import { Redis } from 'ioredis';
import { installedVersion } from './meta.ts';

/**
 * The target's Redis client for the `cache`, `auth` and `flow` groups: one ioredis connection
 * per process, ioredis's usual set-up (it writes concurrent commands to the socket without
 * waiting and matches the replies in order, so one connection serves every in-flight request).
 * Connected before the target listens: a Redis that does not answer fails the start.
 */
export interface RedisClient {
  redis: Redis;
  /** What `GET /cache/info` reports. */
  info: { client: string; connections: number };
  close(): Promise<void>;
}

export async function openRedis(url: string): Promise<RedisClient> {
  const redis = new Redis(url, { lazyConnect: true });
  // A lost connection is retried by ioredis; the commands waiting meanwhile fail on their own.
  redis.on('error', () => {});
  await redis.connect();
  return {
    redis,
    info: { client: `ioredis ${installedVersion('ioredis')}`, connections: 1 },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
