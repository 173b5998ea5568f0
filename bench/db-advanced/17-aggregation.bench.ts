/**
 * Scenario 17: aggregating 100,000 orders, on every data layer. Asserted with the statistics
 * module on the median:
 *   - GROUP BY country in SQL (the reference SQL through the layer) is ≥ 1.5× faster than loading
 *     the rows and reducing them in code; the same for the top 10 authors by revenue (a JOIN);
 *   - the layer's query builder (TypeORM, MikroORM) is not ≥ 1.25× slower than the raw SQL for
 *     the same GROUP BY (the original lab: an ORM count at 1.25× raw SQL with three statements to
 *     one, GROUP BYs equal): decided when the interval lies within ±25% (or wholly faster). Both
 *     builders send the raw SQL's very statement (one; see docs/scenarios/17-aggregation.md), so
 *     only microseconds of client code differ on a ~25 ms query; an interval that reaches past
 *     ±25% fails as unconfirmed (an earlier quick run: 0.95 [0.78, 1.16] after 20 rounds).
 * The margin 1.5× is the issue's; published comparisons of SQL aggregates against application
 * reduces differ by an order of magnitude or more at 100,000 rows.
 *
 *   pnpm vitest bench --run bench/db-advanced/17        (LAB_LAYERS=pg,typeorm to narrow)
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type DataLayer, layersFromEnv, openDataLayer } from '../../src/data/index.ts';
import { useLab } from '../../src/infra/vitest.ts';
import { compareVariants } from '../../src/load/variant-compare.ts';
import { noteInfra } from '../../src/report/collector.ts';
import type { Verdict } from '../../src/stats/index.ts';

const SUITE = 'bench/db-advanced/17-aggregation';
const SCENARIO = '17-aggregation';
const TOP = 10;
const lab = useLab({ fixtures: ['aggregation', 'blog'] });
beforeAll(() => {
  noteInfra(lab, { suite: SUITE });
});
// Each operation reads the whole table: few per round.
const OPERATIONS = { quick: 5, full: 10 };
const WARMUP = { quick: 2, full: 3 };
/**
 * Reducing in code hydrates 100,000 rows per operation (MikroORM: ~1.4 s with its JOIN), so five
 * a round left 3 rounds in the quick claim budget and an interval of [0, 10⁷]: fewer operations
 * per round, more rounds.
 */
const REDUCE_OPERATIONS = { quick: 2, full: 3 };
const REDUCE_WARMUP = { quick: 1, full: 1 };

for (const name of layersFromEnv()) {
  describe(name, () => {
    let layer: DataLayer;
    beforeAll(async () => {
      layer = await openDataLayer(name, { databaseUrl: lab.pg.url, poolSize: 10 });
    });
    afterAll(async () => {
      await layer?.close();
    });
    const meta = () => ({ orders: 100_000, ...layer.settings });

    test('GROUP BY country in SQL is ≥1.5× faster than reducing the rows in code', async () => {
      await compareVariants({
        suite: SUITE,
        scenario: SCENARIO,
        a: {
          target: name,
          variant: 'by-country-raw',
          operation: () => layer.ordersBy('country', 'raw').then(() => {}),
        },
        b: {
          target: name,
          variant: 'by-country-reduce',
          operation: () => layer.ordersBy('country', 'reduce').then(() => {}),
        },
        minRatio: 1.5,
        operations: REDUCE_OPERATIONS,
        warmup: REDUCE_WARMUP,
        claim: `${name}: SQL GROUP BY country ≥1.5× faster than reducing 100,000 rows in code`,
        meta: meta(),
      });
    });

    test(`the top ${TOP} authors in SQL are ≥1.5× faster than reducing the rows in code`, async () => {
      await compareVariants({
        suite: SUITE,
        scenario: SCENARIO,
        a: {
          target: name,
          variant: 'top-authors-raw',
          operation: () => layer.topAuthors('raw', TOP).then(() => {}),
        },
        b: {
          target: name,
          variant: 'top-authors-reduce',
          operation: () => layer.topAuthors('reduce', TOP).then(() => {}),
        },
        minRatio: 1.5,
        operations: REDUCE_OPERATIONS,
        warmup: REDUCE_WARMUP,
        claim: `${name}: the top ${TOP} authors by revenue in SQL ≥1.5× faster than reducing the rows in code`,
        meta: meta(),
      });
    });

    test('the query builder is not ≥1.25× slower than raw SQL', async (context) => {
      if (!layer.aggregateStrategies.includes('builder')) {
        context.skip(`${name} has no query builder`);
      }
      await compareVariants({
        suite: SUITE,
        scenario: SCENARIO,
        a: {
          target: name,
          variant: 'by-country-builder',
          operation: () => layer.ordersBy('country', 'builder').then(() => {}),
        },
        b: {
          target: name,
          variant: 'by-country-raw',
          operation: () => layer.ordersBy('country', 'raw').then(() => {}),
        },
        // The claim's own margin: within ±25% (or faster) is "not ≥1.25× slower".
        minRatio: 1.25,
        equivalenceMargin: 1.25,
        expected: ['faster', 'no-difference'] as Verdict[],
        operations: OPERATIONS,
        warmup: WARMUP,
        claim: `${name}: the query builder's GROUP BY not ≥1.25× slower than raw SQL`,
        meta: meta(),
      });
    });
  });
}
