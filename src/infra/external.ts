import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pgSnapshots, quoteIdent } from './pg-snapshots.ts';
import { redisSnapshots } from './redis-snapshots.ts';
import type { InfraProvider, PostgresInstance, RedisInstance } from './types.ts';

/**
 * Servers someone else runs (LAB_PG_URL / LAB_REDIS_URL). Each suite gets a fresh database and a
 * Redis db index of its own, claimed with a lock key; isolation is weaker than a private server
 * (shared buffers, shared CPU), which results record.
 */
const LOCK_PREFIX = 'backend-benchmark-lab:db-lock:';

const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

export function externalProvider(pgUrl: string, redisUrl: string): InfraProvider {
  return {
    kind: 'external',
    description: `external PostgreSQL and Redis (${new URL(pgUrl).host}, ${new URL(redisUrl).host})`,
    async startPostgres(): Promise<PostgresInstance> {
      const database = `lab_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      const serverVersion = (await admin.query('SHOW server_version')).rows[0]
        .server_version as string;
      await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
      await admin.end();
      const url = withDatabase(pgUrl, database);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      // Best effort: needs shared_preload_libraries on the server; query counting reports it.
      const statements = await client
        .query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements')
        .then(() => 'available')
        .catch((error: Error) => `unavailable: ${error.message}`);
      await client.end();
      const snapshots = await pgSnapshots(pgUrl, database);
      return {
        url,
        database,
        serverVersion,
        provider: 'external',
        metadata: {
          provider: 'external',
          serverVersion,
          isolation: 'weaker',
          settings: { pg_stat_statements: statements },
        },
        snapshot: snapshots.snapshot,
        restore: snapshots.restore,
        async stop() {
          await snapshots.close();
          const cleanup = new pg.Client({ connectionString: pgUrl });
          await cleanup.connect();
          const snaps = await cleanup.query(
            'SELECT datname FROM pg_database WHERE datname LIKE $1',
            [`${database}%`],
          );
          for (const { datname } of snaps.rows)
            await cleanup.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
          await cleanup.end();
        },
      };
    },
    async startRedis(): Promise<RedisInstance> {
      const locks = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, db: 0 });
      await locks.connect();
      const owner = randomBytes(8).toString('hex');
      let dbIndex = -1;
      for (let index = 1; index < 16 && dbIndex < 0; index++) {
        if (await locks.set(`${LOCK_PREFIX}${index}`, owner, 'EX', 6 * 3600, 'NX')) dbIndex = index;
      }
      if (dbIndex < 0) {
        locks.disconnect();
        throw new Error(
          `All Redis db indexes 1-15 on ${new URL(redisUrl).host} are claimed by other lab suites (keys ${LOCK_PREFIX}*).`,
        );
      }
      const parsed = new URL(redisUrl);
      parsed.pathname = `/${dbIndex}`;
      const url = parsed.toString();
      const suite = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await suite.connect();
      await suite.flushdb();
      suite.disconnect();
      const snapshots = await redisSnapshots(url);
      return {
        url,
        dbIndex,
        serverVersion: snapshots.serverVersion,
        provider: 'external',
        metadata: {
          provider: 'external',
          serverVersion: snapshots.serverVersion,
          isolation: 'weaker',
          settings: { dbIndex: String(dbIndex) },
        },
        snapshot: snapshots.snapshot,
        restore: snapshots.restore,
        async stop() {
          await snapshots.close();
          const cleanup = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
          await cleanup.connect();
          await cleanup.flushdb();
          cleanup.disconnect();
          if ((await locks.get(`${LOCK_PREFIX}${dbIndex}`)) === owner)
            await locks.del(`${LOCK_PREFIX}${dbIndex}`);
          locks.disconnect();
        },
      };
    },
  };
}
