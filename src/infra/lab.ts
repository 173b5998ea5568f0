import pg from 'pg';
import {
  type FixtureName,
  fixtureOptionsFromEnv,
  resolveFixtureNames,
  type SeedReport,
  seedFixtures,
} from '../fixtures/index.ts';
import { type ProviderSpec, providerFromSpec, selectProvider } from './select-provider.ts';
import type { PostgresInstance, RedisInstance } from './types.ts';

export interface LabOptions {
  /** Fixture sets to seed; 'all' (default) or a list. Unknown names throw, listing valid ones. */
  fixtures?: readonly string[] | 'all' | 'none';
  seed?: number;
  scale?: number;
  /** Per-set multipliers of `scale` (over LAB_SCALE_<SET>), e.g. `{ documents: 3 }`. */
  setScales?: Partial<Record<FixtureName, number>>;
  /** A decision made earlier in the run (vitest globalSetup); selected now when absent. */
  spec?: ProviderSpec;
}

/** Timings of one lab start, reported by the infra benchmarks and kept in result metadata. */
export interface LabTimings {
  serversMs: number;
  seedMs: number;
  snapshotMs: number;
}

export interface Lab {
  pg: PostgresInstance;
  redis: RedisInstance;
  fixtures: FixtureName[];
  seedReport: SeedReport | undefined;
  timings: LabTimings;
  /** Restores the state right after seeding (snapshot `seeded`) in PostgreSQL and Redis. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

let runSpec: Promise<ProviderSpec> | undefined;

const serverAddress = (url: string) => new URL(url).host;
const reason = (settled: PromiseRejectedResult) =>
  (settled.reason as Error)?.message ?? String(settled.reason);

/** One provider decision per process when nobody passed one in. */
function defaultSpec(): Promise<ProviderSpec> {
  runSpec ??= selectProvider();
  return runSpec;
}

/**
 * Starts a suite's own PostgreSQL and Redis, seeds the chosen fixtures and takes a `seeded`
 * snapshot. Whatever happens, stop() or the watchdog removes every process and temp dir.
 */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const fixtures =
    options.fixtures === 'none' ? [] : resolveFixtureNames(options.fixtures ?? 'all');
  const envOptions = fixtureOptionsFromEnv();
  const seed = options.seed ?? envOptions.seed;
  const scale = options.scale ?? envOptions.scale;
  const setScales = { ...envOptions.setScales, ...options.setScales };
  const provider = providerFromSpec(options.spec ?? (await defaultSpec()));

  const started = performance.now();
  const [pgResult, redisResult] = await Promise.allSettled([
    provider.startPostgres(),
    provider.startRedis(),
  ]);
  if (pgResult.status === 'rejected' || redisResult.status === 'rejected') {
    // Do not leave the half that did start running until the watchdog notices.
    if (pgResult.status === 'fulfilled') await pgResult.value.stop();
    if (redisResult.status === 'fulfilled') await redisResult.value.stop();
    throw pgResult.status === 'rejected'
      ? pgResult.reason
      : (redisResult as PromiseRejectedResult).reason;
  }
  const pgInstance = pgResult.value;
  const redis = redisResult.value;
  const serversMs = performance.now() - started;

  try {
    let seedReport: SeedReport | undefined;
    const seedStart = performance.now();
    if (fixtures.length > 0) {
      // Two connections: fixture sets are independent and this uses both cores of a small box.
      const clients = [1, 2].map(() => new pg.Client({ connectionString: pgInstance.url }));
      try {
        await Promise.all(clients.map((client) => client.connect()));
        seedReport = await seedFixtures(clients, fixtures, { seed, scale, setScales });
      } finally {
        await Promise.all(clients.map((client) => client.end()));
      }
    }
    const seedMs = performance.now() - seedStart;
    const snapshotStart = performance.now();
    await Promise.all([pgInstance.snapshot('seeded'), redis.snapshot('seeded')]);
    const snapshotMs = performance.now() - snapshotStart;

    return {
      pg: pgInstance,
      redis,
      fixtures,
      seedReport,
      timings: { serversMs, seedMs, snapshotMs },
      async reset() {
        // Both sides are tried; an error names the server that failed (one that died mid-suite
        // reads as such, not as a bare socket error).
        const [pgRestore, redisRestore] = await Promise.allSettled([
          pgInstance.restore('seeded'),
          redis.restore('seeded'),
        ]);
        const failures = [
          ...(pgRestore.status === 'rejected'
            ? [`PostgreSQL (${serverAddress(pgInstance.url)}): ${reason(pgRestore)}`]
            : []),
          ...(redisRestore.status === 'rejected'
            ? [`Redis (${serverAddress(redis.url)}): ${reason(redisRestore)}`]
            : []),
        ];
        if (failures.length > 0) {
          throw new Error(`lab.reset() failed: ${failures.join('; ')}`, {
            cause: [pgRestore, redisRestore].find((r) => r.status === 'rejected'),
          });
        }
      },
      async stop() {
        await Promise.all([pgInstance.stop(), redis.stop()]);
      },
    };
  } catch (error) {
    await Promise.allSettled([pgInstance.stop(), redis.stop()]);
    throw error;
  }
}
