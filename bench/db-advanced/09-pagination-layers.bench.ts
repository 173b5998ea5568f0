/**
 * Scenario 09 on every data layer: keyset and the opaque (created_at, id) cursor against OFFSET
 * on random deep pages (asserted ≥2× faster), no ≥1.5× difference on page 1, and raw pg not
 * slower than either ORM on list reads (page 1, 20 rows).
 *
 *   pnpm vitest bench --run bench/db-advanced/09-pagination-layers   (LAB_LAYERS=… to narrow)
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type DataLayer, layersFromEnv, openDataLayer } from '../../src/data/index.ts';
import { useLab } from '../../src/infra/vitest.ts';
import { compareVariants } from '../../src/load/variant-compare.ts';
import { noteInfra } from '../../src/report/collector.ts';
import { deepPageStart, PAGINATION } from '../../src/scenarios/db-pagination.ts';

const SUITE = 'bench/db-advanced/09-pagination-layers';
const SCENARIO = '09-db-pagination';
const SIZE = PAGINATION.pageSize;
const ROWS = 100_000;
const lab = useLab({ fixtures: ['users'] });
const layers = new Map<string, DataLayer>();
beforeAll(async () => {
  noteInfra(lab, { suite: SUITE });
  for (const name of new Set(['pg', ...layersFromEnv()])) {
    layers.set(name, await openDataLayer(name, { databaseUrl: lab.pg.url, poolSize: 10 }));
  }
});
afterAll(async () => {
  for (const layer of layers.values()) await layer.close();
});
const layer = (name: string) => layers.get(name) as DataLayer;

for (const name of layersFromEnv()) {
  describe(name, () => {
    test('keyset is ≥2× faster than OFFSET on random deep pages', async () => {
      await compareVariants({
        suite: SUITE,
        scenario: SCENARIO,
        a: {
          target: name,
          variant: 'keyset',
          operation: async (i, r) => {
            await layer(name).keysetPage(deepPageStart(i, r, ROWS), SIZE);
          },
        },
        b: {
          target: name,
          variant: 'offset',
          operation: async (i, r) => {
            await layer(name).offsetPage(deepPageStart(i, r, ROWS), SIZE);
          },
        },
        minRatio: 2,
        claim: `${name}: keyset ≥2× faster than OFFSET on deep pages`,
        meta: { pageSize: SIZE, ...layer(name).settings },
      });
    });

    test('no ≥1.5× difference between OFFSET and keyset on page 1', async () => {
      await compareVariants({
        suite: SUITE,
        scenario: SCENARIO,
        a: {
          target: name,
          variant: 'keyset-page-1',
          operation: async () => {
            await layer(name).keysetPage(0, SIZE);
          },
        },
        b: {
          target: name,
          variant: 'offset-page-1',
          operation: async () => {
            await layer(name).offsetPage(0, SIZE);
          },
        },
        // "Within 1.5×" is an equivalence claim: decided with a 1.5× margin, nothing else.
        minRatio: 1.5,
        equivalenceMargin: 1.5,
        expected: ['no-difference'],
        claim: `${name}: page 1, OFFSET and keyset within 1.5×`,
        meta: { pageSize: SIZE, ...layer(name).settings },
      });
    });

    if (name !== 'pg') {
      test(`raw pg is not slower than ${name} on list reads`, async () => {
        await compareVariants({
          suite: SUITE,
          scenario: SCENARIO,
          a: {
            target: 'pg',
            variant: 'list-page-1',
            operation: async (i) => {
              await layer('pg').offsetPage((i % 50) * SIZE, SIZE);
            },
          },
          b: {
            target: name,
            variant: 'list-page-1',
            operation: async (i) => {
              await layer(name).offsetPage((i % 50) * SIZE, SIZE);
            },
          },
          expected: ['faster', 'no-difference'],
          claim: `raw pg not slower than ${name} listing ${SIZE} users`,
          meta: { pageSize: SIZE },
        });
      });
    }
  });
}
