/**
 * ORM overhead per operation: the same data-layer call on raw pg, TypeORM and MikroORM through
 * vitest 5's `bench` fixture (tinybench, in-process, no HTTP). The layers take turns in short
 * rounds (each registration's `run()`, the order rotated every round) rather than one long run
 * each, so that the machine's drift (2–3× over seconds here) reaches every layer alike; the
 * overhead ratio is the median over rounds of each round's ratio to raw pg. Every round's result
 * goes to the run report. Orderings are asserted in the 09–13 suites; this one reports.
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
const ROUNDS = quick ? 4 : 6;
const RUN = quick
  ? { time: 150, iterations: 10, warmupTime: 50, warmupIterations: 5 }
  : { time: 250, iterations: 20, warmupTime: 100, warmupIterations: 10 };
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
    const p50s = new Map<string, number[]>([...layers.keys()].map((name) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = registrations.map((_, k) => registrations[(k + round) % registrations.length]);
      for (const registration of order) {
        if (!registration) continue;
        const name = registration.name as string;
        const startedAt = new Date().toISOString();
        const result = microResult(
          await registration.run({ ...RUN, retainSamples: true, throws: true }),
          {
            scenario: operation.scenario,
            target: name,
            variant: operation.label,
            startedAt,
            warmupSeconds: RUN.warmupTime / 1000,
            durationSeconds: RUN.time / 1000,
            meta: { ...layers.get(name)?.settings, quick, round, rounds: ROUNDS },
          },
        );
        recordResult(result, { suite: SUITE });
        p50s.get(name)?.push(result.latency.p50);
      }
    }
    // Per round, each layer's median against raw pg's in the same round; the median of those.
    const base = p50s.get('pg') ?? [...p50s.values()][0] ?? [];
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1] as number;
    console.log(
      `[layers] ${operation.label} (${ROUNDS} rounds): ${[...p50s]
        .map(
          ([name, values]) =>
            `${name} ${(median(values) * 1000).toFixed(0)} µs (${median(values.map((v, r) => v / (base[r] as number))).toFixed(2)}× raw pg)`,
        )
        .join(', ')}`,
    );
  });
}
