/**
 * Scenario 09: cursor (keyset) vs OFFSET pagination on raw pg, random deep pages of 100,000 users.
 * Interleaved rounds (cursor, offset, offset, cursor, …) until the repeated confidence interval
 * of the median-latency ratio decides (from round 3); the suite asserts "cursor is ≥ 2× faster" through the statistics
 * module, never on a single timing.
 *
 *   pnpm vitest bench --run bench/db-advanced/09
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cursorPage, offsetPage } from '../../src/data/pg/pagination.ts';
import { useLab } from '../../src/infra/vitest.ts';
import { compareVariants } from '../../src/load/variant-compare.ts';
import { noteInfra } from '../../src/report/collector.ts';
import { DB_PAGINATION, deepPageStart, PAGINATION } from '../../src/scenarios/db-pagination.ts';

const SUITE = 'bench/db-advanced/09-pagination';
const lab = useLab({ fixtures: DB_PAGINATION.fixtures });
let pool: pg.Pool;
let rows: number;

beforeAll(async () => {
  // Pool size as the targets' default; one operation at a time, so one connection is busy.
  pool = new pg.Pool({ connectionString: lab.pg.url, max: 10 });
  const { rows: count } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM users');
  rows = Number(count[0]?.n);
  noteInfra(lab, { suite: SUITE });
});
afterAll(async () => {
  await pool?.end();
});

test('cursor and offset return the same rows (same work)', async () => {
  for (const start of [0, deepPageStart(0, 0, rows), rows - PAGINATION.pageSize]) {
    const byOffset = await offsetPage(pool, start, PAGINATION.pageSize);
    const byCursor = await cursorPage(pool, start, PAGINATION.pageSize);
    expect(byCursor).toEqual(byOffset);
    expect(byCursor).toHaveLength(PAGINATION.pageSize);
  }
});

test('cursor pagination is faster than offset on random deep pages', async () => {
  const variant = (name: 'cursor' | 'offset') => ({
    target: 'pg',
    variant: name,
    operation: async (i: number, r: number) => {
      const start = deepPageStart(i, r, rows);
      const page =
        name === 'cursor'
          ? await cursorPage(pool, start, PAGINATION.pageSize)
          : await offsetPage(pool, start, PAGINATION.pageSize);
      if (page.length !== PAGINATION.pageSize) throw new Error(`short page at ${start}`);
    },
  });
  const comparison = await compareVariants({
    suite: SUITE,
    scenario: DB_PAGINATION.id,
    a: variant('cursor'),
    b: variant('offset'),
    metric: 'median',
    minRatio: PAGINATION.minRatio,
    claim: `cursor ≥ ${PAGINATION.minRatio}× faster than offset (median latency)`,
    operations: PAGINATION.operationsPerRound,
    warmup: PAGINATION.warmupOperations,
    meta: { pageSize: PAGINATION.pageSize, rows, pool: 10, preparedStatements: true },
  });
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1];
  console.log(
    `[09-db-pagination] cursor p50 ${median(comparison.a)?.toFixed(3)} ms, offset p50 ` +
      `${median(comparison.b)?.toFixed(3)} ms over ${comparison.rounds} rounds`,
  );
});
