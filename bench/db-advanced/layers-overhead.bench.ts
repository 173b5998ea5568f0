/**
 * ORM overhead per operation: the same data-layer call on raw pg, TypeORM and MikroORM through
 * vitest 5's `bench` fixture (tinybench, in-process, no HTTP), one `bench.compare` per operation.
 * The table's "vs fastest" column is the ORM overhead ratio; results go to the run report.
 * Orderings are asserted in the 09–13 suites with the statistics module; this one reports.
 *
 *   pnpm vitest bench --run bench/db-advanced/layers-overhead
 */
import { afterAll, beforeAll, test } from 'vitest';
import { type DataLayer, layersFromEnv, openDataLayer } from '../../src/data/index.ts';
import { useLab } from '../../src/infra/vitest.ts';
import { microResult } from '../../src/load/micro/result.ts';
import { noteInfra, recordResult } from '../../src/report/collector.ts';
import { isQuick } from '../../src/scenarios/index.ts';

const SUITE = 'bench/db-advanced/layers-overhead';
const quick = isQuick();
const RUN = quick
  ? { time: 500, iterations: 20, warmupTime: 100, warmupIterations: 10 }
  : { time: 3000, iterations: 200, warmupTime: 500, warmupIterations: 50 };
const lab = useLab({ fixtures: ['users', 'columns', 'blog'] });
const layers = new Map<string, DataLayer>();
beforeAll(async () => {
  noteInfra(lab, { suite: SUITE });
  for (const name of layersFromEnv()) {
    layers.set(name, await openDataLayer(name, { databaseUrl: lab.pg.url, poolSize: 10 }));
  }
});
afterAll(async () => {
  for (const layer of layers.values()) await layer.close();
});

const OPERATIONS: Array<{
  scenario: string;
  label: string;
  run: (l: DataLayer, i: number) => Promise<unknown>;
}> = [
  {
    scenario: '09-db-pagination',
    label: 'list page (offset, 20 users)',
    run: (l, i) => l.offsetPage((i % 50) * 20, 20),
  },
  {
    scenario: '09-db-pagination',
    label: 'keyset page (20 users)',
    run: (l, i) => l.keysetPage((i % 1000) * 97, 20),
  },
  {
    scenario: '10-db-column-overhead',
    label: 'extra_wide (100 rows × 50 columns)',
    run: (l, i) => l.readColumns('extra_wide', (i % 90) * 100, 100),
  },
  {
    scenario: '11-db-n-plus-one',
    label: 'authors eager (20 × 8 posts)',
    run: (l, i) => l.authorsWithPosts('eager', (i % 50) * 20, 20),
  },
  {
    scenario: '11-db-n-plus-one',
    label: 'authors select-in (20 × 8 posts)',
    run: (l, i) => l.authorsWithPosts('select-in', (i % 50) * 20, 20),
  },
];

for (const operation of OPERATIONS) {
  test(`${operation.label}: raw pg vs TypeORM vs MikroORM`, async ({ bench }) => {
    const counters = new Map<string, number>();
    const registrations = [...layers].map(([name, layer]) =>
      bench(name, async () => {
        const i = (counters.get(name) ?? 0) + 1;
        counters.set(name, i);
        await operation.run(layer, i);
      }),
    );
    const startedAt = new Date().toISOString();
    const results = await bench.compare(...registrations, {
      ...RUN,
      retainSamples: true,
      throws: true,
    });
    const rows = [...layers].map(([name, layer]) => {
      const result = microResult(results.get(name), {
        scenario: operation.scenario,
        target: name,
        variant: operation.label,
        startedAt,
        warmupSeconds: RUN.warmupTime / 1000,
        durationSeconds: RUN.time / 1000,
        meta: { ...layer.settings, quick },
      });
      recordResult(result, { suite: SUITE });
      return { name, p50: result.latency.p50 };
    });
    const fastest = Math.min(...rows.map((row) => row.p50));
    console.log(
      `[layers] ${operation.label}: ${rows
        .map(
          (row) =>
            `${row.name} ${(row.p50 * 1000).toFixed(0)} µs (${(row.p50 / fastest).toFixed(2)}×)`,
        )
        .join(', ')}`,
    );
  });
}
