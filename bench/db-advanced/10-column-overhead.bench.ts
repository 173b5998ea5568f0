/**
 * Scenario 10 on every data layer: 100 rows of users_narrow (5 columns), users_wide (20),
 * users_extra_wide (50) and a 5-column projection of users_wide, plus the six type tables.
 * Asserted: the projection is ≥1.2× faster than SELECT * on the extra-wide table; the rest is
 * reported.
 *
 *   pnpm vitest bench --run bench/db-advanced/10
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type DataLayer, layersFromEnv, openDataLayer } from '../../src/data/index.ts';
import type { ColumnShape, ColumnType } from '../../src/data/types.ts';
import { useLab } from '../../src/infra/vitest.ts';
import { runInterleavedLoops } from '../../src/load/timed-loop.ts';
import { compareVariants } from '../../src/load/variant-compare.ts';
import { noteInfra, recordResult } from '../../src/report/collector.ts';
import { isQuick } from '../../src/scenarios/index.ts';

const SUITE = 'bench/db-advanced/10-column-overhead';
const SCENARIO = '10-db-column-overhead';
const SIZE = 100;
const TABLE_ROWS = 10_000;
const lab = useLab({ fixtures: ['columns'] });
beforeAll(() => {
  noteInfra(lab, { suite: SUITE });
});
const offset = (i: number, r: number) => ((i * 17 + r * 31) % (TABLE_ROWS / SIZE)) * SIZE;

for (const name of layersFromEnv()) {
  describe(name, () => {
    let layer: DataLayer;
    beforeAll(async () => {
      layer = await openDataLayer(name, { databaseUrl: lab.pg.url, poolSize: 10 });
    });
    afterAll(async () => {
      await layer?.close();
    });

    test('a 5-column projection is ≥1.2× faster than SELECT * on the extra-wide table', async () => {
      await compareVariants({
        suite: SUITE,
        scenario: SCENARIO,
        a: {
          target: name,
          variant: 'wide_projected',
          operation: async (i, r) => {
            await layer.readColumns('wide_projected', offset(i, r), SIZE);
          },
        },
        b: {
          target: name,
          variant: 'extra_wide',
          operation: async (i, r) => {
            await layer.readColumns('extra_wide', offset(i, r), SIZE);
          },
        },
        minRatio: 1.2,
        claim: `${name}: 5 projected columns ≥1.2× faster than 50 columns (${SIZE} rows)`,
        meta: { rows: SIZE, ...layer.settings },
      });
    });

    test('every shape and column type (reported)', async () => {
      const shapes: ColumnShape[] = ['narrow', 'wide', 'extra_wide', 'wide_projected'];
      const types: ColumnType[] = ['int', 'varchar', 'text', 'jsonb', 'timestamp', 'uuid'];
      const variants: Array<[string, (i: number) => Promise<unknown>]> = [
        ...shapes.map((s): [string, (i: number) => Promise<unknown>] => [
          s,
          (i) => layer.readColumns(s, offset(i, 0), SIZE),
        ]),
        ...types.map((t): [string, (i: number) => Promise<unknown>] => [
          `type_${t}`,
          (i) => layer.readType(t, offset(i, 0), SIZE),
        ]),
      ];
      // Every shape and type takes its turn operation by operation: none gets a faster machine.
      const results = await runInterleavedLoops({
        scenario: SCENARIO,
        sides: variants.map(([variant, read]) => ({
          target: name,
          variant,
          operation: async (i: number) => {
            await read(Math.abs(i));
          },
        })),
        operations: isQuick() ? 30 : 200,
        warmupOperations: 5,
        meta: { rows: SIZE, ...layer.settings },
      });
      for (const result of results) {
        recordResult(result, { suite: SUITE });
        console.log(
          `[${SCENARIO}] ${name} ${result.variant}: p50 ${result.latency.p50.toFixed(3)} ms`,
        );
      }
    });
  });
}
