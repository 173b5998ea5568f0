/**
 * Note: benchmark functions here are declared `async` on purpose. tinybench decides whether to
 * await a task by its function kind, so a plain arrow returning a promise would overlap runs.
 *
 * What the lab itself costs per suite: servers ready, fixtures seeded, state restored.
 * Reported, not asserted. Goals on a 2-core machine (issue 2): PostgreSQL + Redis ready ≤ 150 ms
 * once the template cluster exists, all default fixtures seeded ≤ 3 s, restore ≤ 100 ms.
 *
 *   pnpm vitest bench --run bench/infra
 */
import pg from 'pg';
import { inject, test } from 'vitest';
import {
  FIXTURE_NAMES,
  type FixtureName,
  fixtureOptionsFromEnv,
  seedFixtures,
} from '../../src/fixtures/index.ts';
import { providerFromSpec } from '../../src/infra/select-provider.ts';
import { useLab } from '../../src/infra/vitest.ts';

const quick = process.env.LAB_QUICK === '1';
const runs = (full: number) => ({
  iterations: quick ? 2 : full,
  time: 0,
  warmupIterations: 1,
  warmupTime: 0,
});

const lab = useLab({ fixtures: 'all' });

function reportMedian(what: string, medianMs: number, goalMs?: number): void {
  const goal =
    goalMs === undefined ? '' : ` (goal ≤ ${goalMs} ms: ${medianMs <= goalMs ? 'met' : 'missed'})`;
  console.log(`[infra] ${what}: median ${medianMs.toFixed(1)} ms${goal}`);
}

test('provider start: PostgreSQL + Redis ready', async ({ bench }) => {
  const provider = providerFromSpec(inject('labProvider'));
  const result = await bench(`${provider.kind} pg+redis start`, async () => {
    const started = performance.now();
    const instances = await Promise.all([provider.startPostgres(), provider.startRedis()]);
    const overriddenDuration = performance.now() - started;
    await Promise.all(instances.map((instance) => instance.stop()));
    return { overriddenDuration };
  }).run(runs(15));
  reportMedian(`${provider.kind} PostgreSQL + Redis ready`, result.latency.p50 ?? Number.NaN, 150);
});

test('seeding time per fixture set', async ({ bench }) => {
  const { seed, scale } = fixtureOptionsFromEnv();
  const admin = new pg.Client({ connectionString: lab.pg.url });
  await admin.connect();
  const target = new URL(lab.pg.url);
  // Two connections, as startLab() seeds: sets load in parallel. Only seeding is timed.
  const seedFresh = async (names: FixtureName[]) => {
    await admin.query('DROP DATABASE IF EXISTS bench_seed WITH (FORCE)');
    await admin.query('CREATE DATABASE bench_seed TEMPLATE template0');
    target.pathname = '/bench_seed';
    const clients = [1, 2].map(() => new pg.Client({ connectionString: target.toString() }));
    await Promise.all(clients.map((client) => client.connect()));
    const started = performance.now();
    await seedFixtures(clients, names, { seed, scale });
    const overriddenDuration = performance.now() - started;
    await Promise.all(clients.map((client) => client.end()));
    return { overriddenDuration };
  };
  const sets: Array<[string, FixtureName[]]> = [
    ...FIXTURE_NAMES.map((name): [string, FixtureName[]] => [name, [name]]),
    ['all', [...FIXTURE_NAMES]],
  ];
  const registrations = sets.map(([label, names]) =>
    bench(`seed ${label}`, async () => seedFresh(names)),
  );
  const results = await bench.compare(...registrations, runs(5));
  for (const [label] of sets) {
    const median = results.get(`seed ${label}`).latency.p50 ?? Number.NaN;
    reportMedian(`seed ${label} (scale ${scale})`, median, label === 'all' ? 3000 : undefined);
  }
  await admin.query('DROP DATABASE IF EXISTS bench_seed WITH (FORCE)');
  await admin.end();
});

test('restore to the seeded snapshot', async ({ bench }) => {
  // Mutate first (untimed) so every restore has real work to undo.
  const mutateThen = (restore: () => Promise<void>) => async () => {
    const client = new pg.Client({ connectionString: lab.pg.url });
    await client.connect();
    await client.query('UPDATE products SET stock = stock - 1');
    await client.end();
    const started = performance.now();
    await restore();
    return { overriddenDuration: performance.now() - started };
  };
  const pgRestore = await bench(
    'pg restore (all fixtures)',
    mutateThen(() => lab.pg.restore('seeded')),
  ).run(runs(15));
  reportMedian(
    'PostgreSQL restore, all default fixtures',
    pgRestore.latency.p50 ?? Number.NaN,
    100,
  );
  const both = await bench(
    'lab.reset() pg + redis',
    mutateThen(() => lab.reset()),
  ).run(runs(15));
  reportMedian('lab.reset() PostgreSQL + Redis', both.latency.p50 ?? Number.NaN, 100);
});
