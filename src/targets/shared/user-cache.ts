import type { ChainableCommander, Redis } from 'ioredis';
import type { DataLayer, PageUser } from '../../data/types.ts';

/**
 * Scenarios 14–15: cache-aside in front of the data layer's primary-key read (docs/contract.md).
 * The entry of user 7 is `user:7`, the JSON of the response, with a TTL; a miss reads the row
 * and stores it before answering, unknown ids are not cached, a rename deletes the entry after
 * the write. Framework-neutral: every Node target and the in-process suites use this.
 */
export type CacheStrategy = 'none' | 'aside' | 'miss';
export const CACHE_STRATEGIES: readonly CacheStrategy[] = ['none', 'aside', 'miss'];

export const userKey = (id: number): string => `user:${id}`;

export interface UserCache {
  read(id: number, strategy: CacheStrategy): Promise<PageUser | undefined>;
  rename(id: number, name: string): Promise<PageUser | undefined>;
  /** Stores users from ≤ id < from + count; returns how many were found. */
  warm(from: number, count: number): Promise<number>;
  /** Deletes every `user:*` entry (and nothing else); returns how many. */
  flush(): Promise<number>;
  readonly ttlSeconds: number;
}

type UserReads = Pick<DataLayer, 'userById' | 'renameUser' | 'usersInRange'>;

/** A pipeline's replies; ioredis reports a failed command in its reply, not by throwing. */
export async function execPipeline(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? [];
  const failed = replies.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
  return replies.map(([, reply]) => reply);
}

export function userCache(redis: Redis, layer: UserReads, ttlSeconds: number): UserCache {
  const store = (user: PageUser) =>
    redis.set(userKey(user.id), JSON.stringify(user), 'EX', ttlSeconds);

  async function readFromDatabase(id: number): Promise<PageUser | undefined> {
    const user = await layer.userById(id);
    if (user) await store(user);
    return user;
  }

  return {
    ttlSeconds,
    async read(id, strategy) {
      switch (strategy) {
        case 'none':
          return layer.userById(id);
        case 'aside': {
          const cached = await redis.get(userKey(id));
          return cached === null ? readFromDatabase(id) : (JSON.parse(cached) as PageUser);
        }
        case 'miss':
          // DEL and the GET that now misses, in one round trip.
          await execPipeline(redis.pipeline().del(userKey(id)).get(userKey(id)));
          return readFromDatabase(id);
        default:
          throw new Error(`unknown cache strategy ${JSON.stringify(strategy)}`);
      }
    },
    async rename(id, name) {
      const user = await layer.renameUser(id, name);
      if (user) await redis.del(userKey(id));
      return user;
    },
    async warm(from, count) {
      const users = await layer.usersInRange(from, count);
      if (users.length === 0) return 0;
      const pipeline = redis.pipeline();
      for (const user of users) {
        pipeline.set(userKey(user.id), JSON.stringify(user), 'EX', ttlSeconds);
      }
      await execPipeline(pipeline);
      return users.length;
    },
    async flush() {
      let deleted = 0;
      for await (const keys of redis.scanStream({ match: 'user:*', count: 1000 })) {
        if ((keys as string[]).length > 0) deleted += await redis.unlink(...(keys as string[]));
      }
      return deleted;
    },
  };
}
