import { recordComparison, recordResult } from '../report/collector.ts';
import { isQuick } from '../scenarios/index.ts';
import {
  assertVerdict,
  type Comparison,
  compareInterleaved,
  describeComparison,
  type Metric,
  type Verdict,
} from '../stats/index.ts';
import { testAlpha } from './test-alpha.ts';
import { runPairedLoop } from './timed-loop.ts';

/**
 * Two variants of one in-process operation (offset vs cursor, lazy vs eager…) measured in rounds
 * that alternate them operation by operation, recorded in the run report, and the expected
 * verdict asserted with the statistics module: the shared body of the db-advanced suites.
 */
export interface VariantSide {
  /** Result target, e.g. `typeorm`. */
  target: string;
  variant: string;
  operation: (i: number, round: number) => Promise<void>;
  prepare?: (i: number, round: number) => Promise<void>;
}

export interface VariantComparisonOptions {
  suite: string;
  scenario: string;
  a: VariantSide;
  b: VariantSide;
  metric?: Metric;
  minRatio?: number;
  equivalenceMargin?: number;
  /** Verdicts that pass; default `['faster']` (A faster than B). */
  expected?: Verdict[];
  claim: string;
  operations?: { quick: number; full: number };
  warmup?: { quick: number; full: number };
  /** Operations in flight at once (default 1): > 1 measures each side under load. */
  concurrency?: number;
  meta?: Record<string, string | number | boolean | null>;
}

/**
 * Rounds and time of a claim: looks from round 3, up to 40 rounds within `LAB_CLAIM_BUDGET`
 * seconds (default 30 quick, 90 full): a large effect is decided at the first look, a small one
 * may use the budget. Quick runs used to stop at 20 rounds: a claim of short rounds (raw pg's
 * batched inserts against individual ones, ~1.12×, 0.27 s a round) then ended inconclusive after
 * 5.5 s of its 30 (run 2026-12-04T18-09-27Z) — the time budget is what quick mode shortens.
 */
export function claimRounds(env: NodeJS.ProcessEnv = process.env): {
  minRounds: number;
  maxRounds: number;
  budgetMs: number;
} {
  const quick = isQuick(env);
  let seconds = quick ? 30 : 90;
  if (env.LAB_CLAIM_BUDGET !== undefined) {
    seconds = Number(env.LAB_CLAIM_BUDGET);
    if (!(seconds > 0)) {
      throw new Error(
        `LAB_CLAIM_BUDGET must be > 0 seconds, got ${JSON.stringify(env.LAB_CLAIM_BUDGET)}`,
      );
    }
  }
  return { minRounds: 3, maxRounds: 40, budgetMs: seconds * 1000 };
}

export async function compareVariants(options: VariantComparisonOptions): Promise<Comparison> {
  const quick = isQuick();
  const operations = (options.operations ?? { quick: 30, full: 100 })[quick ? 'quick' : 'full'];
  const warmupOperations = (options.warmup ?? { quick: 5, full: 10 })[quick ? 'quick' : 'full'];
  const side = (s: VariantSide, round: number) => ({
    target: s.target,
    variant: s.variant,
    operation: (i: number) => s.operation(Math.abs(i), round),
    ...(s.prepare
      ? { prepare: (i: number) => s.prepare?.(Math.abs(i), round) ?? Promise.resolve() }
      : {}),
  });
  const noSeparateRuns = () => Promise.reject(new Error('paired rounds only'));
  const comparison = await compareInterleaved({
    // Each round alternates the two variants operation by operation (runPairedLoop).
    runBoth: (round) =>
      runPairedLoop({
        scenario: options.scenario,
        a: side(options.a, round),
        b: side(options.b, round),
        operations,
        warmupOperations,
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        ...(options.meta ? { meta: options.meta } : {}),
      }),
    runA: noSeparateRuns,
    runB: noSeparateRuns,
    metric: options.metric ?? 'median',
    // The claim's share of the run's error budget (src/load/alpha.ts).
    confidence: 1 - testAlpha(),
    ...claimRounds(),
    labels: {
      a: `${options.a.target} ${options.a.variant}`,
      b: `${options.b.target} ${options.b.variant}`,
    },
    ...(options.minRatio !== undefined ? { minRatio: options.minRatio } : {}),
    ...(options.equivalenceMargin !== undefined
      ? { equivalenceMargin: options.equivalenceMargin }
      : {}),
  });
  for (const result of [...comparison.results.a, ...comparison.results.b]) {
    recordResult(result, { suite: options.suite });
  }
  const expected = options.expected ?? ['faster'];
  recordComparison(comparison, {
    suite: options.suite,
    scenario: options.scenario,
    claim: { expected, description: options.claim },
  });
  console.log(`[${options.scenario}] ${options.claim}: ${describeComparison(comparison)}`);
  return assertVerdict(
    comparison,
    expected,
    `(${options.claim}) to be ${expected.join(' or ')} vs`,
  );
}
