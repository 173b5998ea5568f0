import type { ScenarioDefinition } from './types.ts';

/**
 * Scenario 09: OFFSET vs keyset (cursor) pagination over the 100,000-row `users` table, random
 * deep pages (second half of the table) so the buffer cache cannot favour one variant. This issue
 * measures it in-process on raw pg; HTTP variants arrive with the data-layer scenarios.
 */
export const PAGINATION = {
  pageSize: 20,
  /** Pages are drawn from [deepFrom × rows, rows − pageSize]. */
  deepFrom: 0.5,
  // Short rounds: the effect is ~30×, decided at the first look (round 3); more rounds are
  // cheaper evidence than longer ones when the machine drifts.
  operationsPerRound: { quick: 40, full: 100 },
  warmupOperations: { quick: 10, full: 50 },
  /** The claim asserted: cursor at least this many times faster on median latency. */
  minRatio: 2,
} as const;

export const DB_PAGINATION: ScenarioDefinition = {
  id: '09-db-pagination',
  number: 9,
  title: 'DB pagination',
  category: 'db-advanced',
  measures: 'OFFSET vs keyset cursor pagination, random deep pages of 100,000 users (raw pg)',
  fixtures: ['users'],
  mutates: false,
  k6: {
    script: 'k6/db-advanced/09-pagination.js',
    env: (c) => ({ USERS: String(c.usersRows), DEEP: '1' }),
  },
  load: {
    quick: { model: 'closed', concurrency: 1, durationSeconds: 1 },
    full: { model: 'closed', concurrency: 1, durationSeconds: 5 },
  },
};

/** A deterministic deep page start for operation `i` of a round (same pages for both variants). */
export function deepPageStart(i: number, round: number, rows: number): number {
  const low = Math.floor(rows * PAGINATION.deepFrom);
  const span = rows - PAGINATION.pageSize - low + 1;
  let x = Math.imul(i + 1 + round * 100_003, 0x9e3779b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca77);
  x ^= x >>> 13;
  return low + ((x >>> 0) % span);
}
