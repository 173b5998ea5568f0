import { Redis } from 'ioredis';
import { SNAPSHOT_NAME } from './pg-snapshots.ts';

/**
 * Snapshot/restore of one Redis logical database with DUMP/RESTORE per key. It works the same on
 * a local server, a container and a shared external server (where FLUSHALL or DEBUG RELOAD would
 * be off limits), and suites keep little data in Redis, so the per-key cost is small.
 */
export interface RedisSnapshots {
  serverVersion: string;
  snapshot(name: string): Promise<void>;
  restore(name: string): Promise<void>;
  close(): Promise<void>;
}

interface DumpedKey {
  key: Buffer;
  ttl: number;
  value: Buffer;
}

export async function redisSnapshots(url: string): Promise<RedisSnapshots> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => {}); // surfaced by the next command instead of crashing the worker
  await client.connect();
  const info = await client.info('server');
  const serverVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  const snapshots = new Map<string, DumpedKey[]>();

  const allKeys = async (): Promise<Buffer[]> => {
    const keys: Buffer[] = [];
    for await (const batch of client.scanBufferStream({ count: 1000 }))
      keys.push(...(batch as Buffer[]));
    return keys;
  };

  return {
    serverVersion,
    async snapshot(name) {
      if (!SNAPSHOT_NAME.test(name)) {
        throw new Error(
          `Invalid snapshot name ${JSON.stringify(name)}: use 1-40 letters, digits or underscores.`,
        );
      }
      const keys = await allKeys();
      const dumped: DumpedKey[] = [];
      for (const key of keys) {
        const [value, ttl] = await Promise.all([client.dumpBuffer(key), client.pttl(key)]);
        if (value) dumped.push({ key, ttl: Math.max(ttl, 0), value });
      }
      snapshots.set(name, dumped);
    },
    async restore(name) {
      const dumped = snapshots.get(name);
      if (!dumped) {
        throw new Error(
          `No Redis snapshot named ${JSON.stringify(name)}. Taken so far: ${[...snapshots.keys()].join(', ') || 'none'}.`,
        );
      }
      const keys = await allKeys();
      const pipeline = client.pipeline();
      if (keys.length > 0) pipeline.del(...keys);
      for (const { key, ttl, value } of dumped) pipeline.restore(key, ttl, value, 'REPLACE');
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
    },
    async close() {
      client.disconnect();
    },
  };
}
