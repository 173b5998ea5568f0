import type { ScenarioLoad } from './types.ts';

/**
 * Default load for HTTP scenarios: the closed model at 10 VUs (the original lab's setting), with
 * a warm-up excluded from the measurement. Quick mode keeps CI and `pnpm test` short; full mode
 * uses durations long enough for stable tails.
 */
export const CLOSED_10_VUS: ScenarioLoad = {
  quick: { model: 'closed', concurrency: 10, durationSeconds: 3, warmupSeconds: 1 },
  full: { model: 'closed', concurrency: 10, durationSeconds: 15, warmupSeconds: 5 },
};

/**
 * The db-advanced HTTP suites measure many variants × framework × data layer targets (21 × 8):
 * shorter full runs keep `pnpm bench` within about an hour on a 2-core machine.
 */
export const CLOSED_10_VUS_DB: ScenarioLoad = {
  quick: { model: 'closed', concurrency: 10, durationSeconds: 3, warmupSeconds: 1 },
  full: { model: 'closed', concurrency: 10, durationSeconds: 10, warmupSeconds: 3 },
};
