import pg from 'pg';
import { PG_DATABASE, PG_SETTINGS, PG_SUPERUSER } from './local/postgres.ts';
import { REDIS_ARGS } from './local/redis.ts';
import { pgSnapshots } from './pg-snapshots.ts';
import { redisSnapshots } from './redis-snapshots.ts';
import type { InfraProvider, PostgresInstance, RedisInstance } from './types.ts';

/** Same majors as the local binaries (embedded PostgreSQL 18, Debian 12's Redis 7). */
export const PG_IMAGE = process.env.LAB_PG_IMAGE ?? 'postgres:18-alpine';
export const REDIS_IMAGE = process.env.LAB_REDIS_IMAGE ?? 'redis:7-alpine';

/**
 * True when testcontainers' own runtime client finds a working container engine within the
 * timeout (the docker CLI alone proves nothing). Imported lazily: the library is heavy and most
 * runs here have no engine.
 */
export async function containerRuntimeAnswers(
  timeoutMs = 3000,
): Promise<{ ok: boolean; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const client = await Promise.race([getContainerRuntimeClient(), timeout]);
    return { ok: true, reason: `container runtime ${client.info.containerRuntime.host}` };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export function testcontainersProvider(): InfraProvider {
  return {
    kind: 'testcontainers',
    description: `testcontainers (${PG_IMAGE}, ${REDIS_IMAGE})`,
    async startPostgres(): Promise<PostgresInstance> {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const flags = Object.entries(PG_SETTINGS)
        .filter(([key]) => key !== 'listen_addresses')
        .flatMap(([key, value]) => ['-c', `${key}=${value}`]);
      // No withReuse(): reuse disables the reaper, and cleanup is the point.
      const container = await new PostgreSqlContainer(PG_IMAGE)
        .withUsername(PG_SUPERUSER)
        .withDatabase(PG_DATABASE)
        .withCommand(['postgres', ...flags])
        .start();
      const url = container.getConnectionUri();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const serverVersion = (await client.query('SHOW server_version')).rows[0]
        .server_version as string;
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await client.end();
      const snapshots = await pgSnapshots(url.replace(/\/[^/]*$/, '/postgres'), PG_DATABASE);
      return {
        url,
        database: PG_DATABASE,
        serverVersion,
        provider: 'testcontainers',
        metadata: {
          provider: 'testcontainers',
          serverVersion,
          isolation: 'strong',
          settings: { ...PG_SETTINGS, image: PG_IMAGE },
        },
        snapshot: snapshots.snapshot,
        restore: snapshots.restore,
        async stop() {
          await snapshots.close();
          await container.stop();
        },
      };
    },
    async startRedis(): Promise<RedisInstance> {
      const { RedisContainer } = await import('@testcontainers/redis');
      const container = await new RedisContainer(REDIS_IMAGE)
        .withCommand(['redis-server', ...REDIS_ARGS])
        .start();
      const url = container.getConnectionUrl();
      const snapshots = await redisSnapshots(url);
      return {
        url,
        dbIndex: 0,
        serverVersion: snapshots.serverVersion,
        provider: 'testcontainers',
        metadata: {
          provider: 'testcontainers',
          serverVersion: snapshots.serverVersion,
          isolation: 'strong',
          settings: { persistence: 'off', image: REDIS_IMAGE },
        },
        snapshot: snapshots.snapshot,
        restore: snapshots.restore,
        async stop() {
          await snapshots.close();
          await container.stop();
        },
      };
    },
  };
}
