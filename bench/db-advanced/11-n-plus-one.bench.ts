/**
 * Scenario 11: loading 20 authors with their posts (8 each) three ways, on every data layer:
 * lazy (1 + N queries), eager (one JOIN), select-in (two queries). Asserted with the statistics
 * module: eager and select-in are ≥ 1.1× faster than lazy on the median. The margin is small on
 * purpose: the gap differs a lot per layer — raw pg and TypeORM gain 3–7×, while MikroORM's
 * joined strategy (whole entities hydrated from a JOIN paged through a GROUP BY subquery) gained
 * only about 1.3× in the first quick runs; the report carries each layer's ratio and interval.
 *
 *   pnpm vitest bench --run bench/db-advanced/11        (LAB_LAYERS=pg,typeorm to narrow)
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type DataLayer, layersFromEnv, openDataLayer } from '../../src/data/index.ts';
import { useLab } from '../../src/infra/vitest.ts';
import { compareVariants } from '../../src/load/variant-compare.ts';
import { noteInfra } from '../../src/report/collector.ts';

const SUITE = 'bench/db-advanced/11-n-plus-one';
const SCENARIO = '11-db-n-plus-one';
const AUTHORS = 20;
const lab = useLab({ fixtures: ['blog'] });
beforeAll(() => {
  noteInfra(lab, { suite: SUITE });
});

for (const name of layersFromEnv()) {
  describe(name, () => {
    let layer: DataLayer;
    beforeAll(async () => {
      layer = await openDataLayer(name, { databaseUrl: lab.pg.url, poolSize: 10 });
    });
    afterAll(async () => {
      await layer?.close();
    });
    // Pages spread over the 1,000 authors so every variant reads the same, varied rows.
    const page = (i: number, round: number) => ((i * 7 + round * 13) % 50) * AUTHORS;
    for (const fast of ['eager', 'select-in'] as const) {
      test(`${fast} is ≥1.1× faster than lazy`, async () => {
        await compareVariants({
          suite: SUITE,
          scenario: SCENARIO,
          a: {
            target: name,
            variant: fast,
            operation: async (i, r) => {
              await layer.authorsWithPosts(fast, page(i, r), AUTHORS);
            },
          },
          b: {
            target: name,
            variant: 'lazy',
            operation: async (i, r) => {
              await layer.authorsWithPosts('lazy', page(i, r), AUTHORS);
            },
          },
          minRatio: 1.1,
          claim: `${name}: ${fast} ≥1.1× faster than lazy (${AUTHORS} authors × 8 posts)`,
          meta: { authors: AUTHORS, pool: 10, ...layer.settings },
        });
      });
    }
  });
}
