/**
 * Scenario 18: searching 30,000 documents (LAB_SCALE_DOCUMENTS, default 3) for the newest 20
 * matches, on every data layer. Asserted with the statistics module on the median:
 *   - for a selective keyword (1 document in 1,728) the pg_trgm GIN index is ≥ 5× faster than
 *     ILIKE, which scans the table; full text with its GIN index too;
 *   - for a common word (in most documents) the trigram index is not ≥ 5× faster than ILIKE:
 *     PostgreSQL scans either way, as it should when most rows match.
 * The 5× is the margin; published trigram-vs-sequential comparisons on selective
 * substring searches report orders of magnitude at this size. Each result records the plan of
 * its reference SQL (`plan`), so the report shows which index answered.
 *
 *   pnpm vitest bench --run bench/db-advanced/18        (LAB_LAYERS=pg to narrow)
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import { explainPlan } from '../../src/data/explain.ts';
import { type DataLayer, layersFromEnv, openDataLayer } from '../../src/data/index.ts';
import { SEARCH_SQL } from '../../src/data/pg/search.ts';
import type { SearchStrategy } from '../../src/data/types.ts';
import { SELECTIVE_KEYWORD } from '../../src/fixtures/sets/documents.ts';
import { useLab } from '../../src/infra/vitest.ts';
import { compareVariants } from '../../src/load/variant-compare.ts';
import { noteInfra } from '../../src/report/collector.ts';
import { searchDocumentsScale } from '../../src/scenarios/groups.ts';
import type { Verdict } from '../../src/stats/index.ts';

const SUITE = 'bench/db-advanced/18-search';
const SCENARIO = '18-search';
const SIZE = 20;
const COMMON = 'data';
const documentsScale = searchDocumentsScale();
const lab = useLab({ fixtures: ['documents'], setScales: { documents: documentsScale } });
beforeAll(() => {
  noteInfra(lab, { suite: SUITE });
});
const OPERATIONS = { quick: 10, full: 20 };
const WARMUP = { quick: 3, full: 5 };

const plans = new Map<string, string>();
const planOf = async (strategy: SearchStrategy, term: string) => {
  const key = `${strategy} ${term}`;
  if (!plans.has(key)) {
    plans.set(key, await explainPlan(lab.pg.url, SEARCH_SQL[strategy], [term, SIZE]));
  }
  return plans.get(key) as string;
};

for (const name of layersFromEnv()) {
  describe(name, () => {
    let layer: DataLayer;
    beforeAll(async () => {
      layer = await openDataLayer(name, { databaseUrl: lab.pg.url, poolSize: 10 });
    });
    afterAll(async () => {
      await layer?.close();
    });
    const side = (strategy: SearchStrategy, term: string, label: string) => ({
      target: name,
      variant: `${strategy}-${label}`,
      operation: async () => {
        if ((await layer.searchDocuments(strategy, term, SIZE)).length === 0) {
          throw new Error(`no ${strategy} match for ${term}`);
        }
      },
    });
    const meta = async (a: SearchStrategy, b: SearchStrategy, term: string) => ({
      documents: Math.round(10_000 * documentsScale),
      term,
      [`plan.${a}`]: await planOf(a, term),
      [`plan.${b}`]: await planOf(b, term),
      ...layer.settings,
    });

    for (const fast of ['trigram', 'fts'] as const) {
      test(`${fast} is ≥5× faster than ILIKE for a selective keyword`, async () => {
        await compareVariants({
          suite: SUITE,
          scenario: SCENARIO,
          a: side(fast, SELECTIVE_KEYWORD, 'selective'),
          b: side('ilike', SELECTIVE_KEYWORD, 'selective'),
          minRatio: 5,
          operations: OPERATIONS,
          warmup: WARMUP,
          claim: `${name}: ${fast} ≥5× faster than a sequential ILIKE for a selective keyword`,
          meta: await meta(fast, 'ilike', SELECTIVE_KEYWORD),
        });
      });
    }

    test('the trigram index is not ≥5× faster than ILIKE for a common word', async () => {
      await compareVariants({
        suite: SUITE,
        scenario: SCENARIO,
        a: side('trigram', COMMON, 'common'),
        b: side('ilike', COMMON, 'common'),
        // The claim's own margin: within 5× either way (or slower) is "not ≥5× faster".
        minRatio: 5,
        equivalenceMargin: 5,
        expected: ['no-difference', 'slower'] as Verdict[],
        operations: OPERATIONS,
        warmup: WARMUP,
        claim: `${name}: trigram not ≥5× faster than ILIKE for a common word (both scan)`,
        meta: await meta('trigram', 'ilike', COMMON),
      });
    });
  });
}
