import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { probit, quantileSorted } from 'simple-statistics';
import { createRandom } from './random.ts';
import {
  classify,
  DEFAULT_EQUIVALENCE_MARGIN,
  DEFAULT_MIN_RATIO,
  type DecisionOptions,
  type Verdict,
} from './verdict.ts';

/**
 * Unpaired bootstrap of "how many times faster A is than B" from two independent sets of runs —
 * e.g. the rounds of one target in a base run (main) and in a head run (a pull request), which
 * ran at different times, maybe on different machines, so nothing pairs round i of one with
 * round i of the other. (`bootstrapRatio` in bootstrap.ts is the paired version for interleaved
 * rounds of one run.)
 *
 * Statistic: the ratio of a location statistic of each side — the median of the per-run values
 * by default (robust to one disturbed run), or their arithmetic mean — oriented so that >1 means
 * A is better: stat(A)/stat(B) for throughput-like metrics, stat(B)/stat(A) for latencies.
 *
 * Interval: each side is resampled independently (with replacement, its own size), the log-ratio
 * is recomputed for every resample (10,000 by default, seeded: reproducible), and the percentile
 * interval of the log-ratio is taken. With the 2–10 runs per side a CI job can afford, that
 * interval is far too narrow (plug-in variance, normal tails, and a median of 2–3 values has very
 * few possible resampled values), so it is widened around the estimate on the log scale — as the
 * paired bootstrap does — by
 *   f = √(m/(m−1)) · t(1−α/2, nA+nB−2) / z(1−α/2),   m = min(nA, nB),
 * the factor that turns a plug-in normal interval of a difference of two means into the pooled
 * two-sample t-interval (conservative when the sides differ in size). f = 3.10 at 2 + 2 runs,
 * 1.55 at 3 + 3, 1.31 at 5 + 5, 1.13 at 10 + 10.
 *
 * Fewer than 2 runs on a side give no estimate of spread at all: `decideUnpaired` then returns
 * `inconclusive` with a note and no interval, whatever the point estimate says.
 */
export type UnpairedStatistic = 'median' | 'mean';

export interface UnpairedOptions {
  /** Whether larger metric values are better (throughput) or worse (latencies). */
  higherIsBetter: boolean;
  /** Location statistic of each side. Default `median`. */
  statistic?: UnpairedStatistic;
  /** Two-sided confidence level in (0, 1). Default 0.95. */
  confidence?: number;
  /** Bootstrap resamples. Default 10,000. */
  resamples?: number;
  /** PRNG seed. Default 1. */
  seed?: number;
  /** Widen for few runs (see above). Default true. */
  smallSampleExpansion?: boolean;
}

export interface UnpairedInterval {
  /** Point estimate: >1 means A is faster (higher throughput / lower latency) than B. */
  ratio: number;
  lower: number;
  upper: number;
  confidence: number;
  runs: { a: number; b: number };
  statistic: UnpairedStatistic;
  /** The widening factor applied (1 when disabled). */
  expansion: number;
}

/** Runs needed on each side for an interval. */
export const MIN_UNPAIRED_RUNS = 2;

function checkValues(values: readonly number[], side: string): void {
  values.forEach((v, i) => {
    if (!(v > 0 && Number.isFinite(v))) {
      throw new Error(`${side} run ${i}: metric values must be positive and finite, got ${v}`);
    }
  });
}

function medianOf(sorted: Float64Array | number[], n: number): number {
  const mid = n >> 1;
  return n % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The statistic of an unsorted list. */
export function locationOf(values: readonly number[], statistic: UnpairedStatistic): number {
  if (values.length === 0) return Number.NaN;
  if (statistic === 'mean') return values.reduce((s, x) => s + x, 0) / values.length;
  const sorted = [...values].sort((x, y) => x - y);
  return medianOf(sorted, sorted.length);
}

/** Oriented log-ratio: positive when A is better. */
const orientedLog = (a: number, b: number, higher: boolean): number =>
  higher ? Math.log(a / b) : Math.log(b / a);

/** Widening factor for two independent samples (see above). */
export function unpairedExpansion(nA: number, nB: number, alpha: number): number {
  const m = Math.min(nA, nB);
  const p = 1 - alpha / 2;
  return (Math.sqrt(m / (m - 1)) * tQuantile(p, nA + nB - 2)) / probit(p);
}

export function bootstrapRatioUnpaired(
  a: readonly number[],
  b: readonly number[],
  options: UnpairedOptions,
): UnpairedInterval {
  const confidence = options.confidence ?? 0.95;
  const resamples = options.resamples ?? 10_000;
  const statistic = options.statistic ?? 'median';
  const higher = options.higherIsBetter;
  if (!(confidence > 0 && confidence < 1)) throw new Error(`confidence ${confidence} not in (0,1)`);
  if (a.length < MIN_UNPAIRED_RUNS || b.length < MIN_UNPAIRED_RUNS) {
    throw new Error(
      `at least ${MIN_UNPAIRED_RUNS} runs per side are needed, got ${a.length} and ${b.length}`,
    );
  }
  checkValues(a, 'A');
  checkValues(b, 'B');

  const theta = orientedLog(locationOf(a, statistic), locationOf(b, statistic), higher);
  const rng = createRandom(options.seed ?? 1);
  const bufA = new Float64Array(a.length);
  const bufB = new Float64Array(b.length);
  const resampled = (values: readonly number[], buf: Float64Array): number => {
    const n = values.length;
    if (statistic === 'mean') {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += values[rng.int(n)] as number;
      return sum / n;
    }
    for (let i = 0; i < n; i++) buf[i] = values[rng.int(n)] as number;
    buf.sort();
    return medianOf(buf, n);
  };
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    stats[r] = orientedLog(resampled(a, bufA), resampled(b, bufB), higher);
  }
  stats.sort();
  const sorted = Array.from(stats);
  const alpha = 1 - confidence;
  const low = quantileSorted(sorted, alpha / 2);
  const high = quantileSorted(sorted, 1 - alpha / 2);
  const f =
    options.smallSampleExpansion === false ? 1 : unpairedExpansion(a.length, b.length, alpha);
  return {
    ratio: Math.exp(theta),
    // A percentile interval need not contain the estimate (skewed, discrete resamples): the
    // estimate is always inside the widened one.
    lower: Math.exp(theta - f * Math.max(0, theta - low)),
    upper: Math.exp(theta + f * Math.max(0, high - theta)),
    confidence,
    runs: { a: a.length, b: b.length },
    statistic,
    expansion: f,
  };
}

export interface UnpairedDecision {
  verdict: Verdict;
  /** Point estimate (>1 = A faster); NaN when a side has no usable run. */
  ratio: number;
  /** Null when there is no interval (fewer than 2 runs on a side). */
  lower: number | null;
  upper: number | null;
  confidence: number;
  runs: { a: number; b: number };
  statistic: UnpairedStatistic;
  minRatio: number;
  equivalenceMargin: number;
  /** Why the verdict is inconclusive without an interval. */
  note?: string;
}

/**
 * The verdict for two independent sets of runs, with `classify`'s rules (verdict.ts): `faster`
 * when the whole interval is ≥ minRatio, `slower` when it is ≤ 1/minRatio, `no-difference` when
 * it lies within ±equivalenceMargin, else `inconclusive`. With fewer than 2 runs on a side:
 * `inconclusive`, no interval, and a note saying so.
 */
export function decideUnpaired(
  a: readonly number[],
  b: readonly number[],
  options: UnpairedOptions & DecisionOptions,
): UnpairedDecision {
  const statistic = options.statistic ?? 'median';
  const confidence = options.confidence ?? 0.95;
  const minRatio = options.minRatio ?? DEFAULT_MIN_RATIO;
  const equivalenceMargin = options.equivalenceMargin ?? DEFAULT_EQUIVALENCE_MARGIN;
  const common = {
    confidence,
    runs: { a: a.length, b: b.length },
    statistic,
    minRatio,
    equivalenceMargin,
  };
  if (a.length < MIN_UNPAIRED_RUNS || b.length < MIN_UNPAIRED_RUNS) {
    const point =
      a.length > 0 && b.length > 0
        ? Math.exp(
            orientedLog(locationOf(a, statistic), locationOf(b, statistic), options.higherIsBetter),
          )
        : Number.NaN;
    return {
      verdict: 'inconclusive',
      ratio: point,
      lower: null,
      upper: null,
      ...common,
      note: `${a.length} and ${b.length} runs: at least ${MIN_UNPAIRED_RUNS} runs per side are needed for significance`,
    };
  }
  const ci = bootstrapRatioUnpaired(a, b, options);
  return {
    verdict: classify(ci.lower, ci.upper, { minRatio, equivalenceMargin }),
    ratio: ci.ratio,
    lower: ci.lower,
    upper: ci.upper,
    ...common,
  };
}
