import type { RatioInterval } from './bootstrap.ts';

/**
 * Turning an interval of the ratio ("how many times faster A is than B", >1 = A faster) into a
 * verdict. `minRatio` is the smallest difference worth calling a difference, in either
 * direction; `equivalenceMargin` the largest one still called "the same".
 *
 *   faster         lower ≥ minRatio and lower > 1       A is faster by at least minRatio
 *   slower         upper ≤ 1/minRatio and upper < 1     B is faster by at least minRatio
 *   no-difference  [lower, upper] ⊆ [1/margin, margin]  equivalence, TOST-style
 *   inconclusive   anything else
 *
 * Decisions are symmetric: swapping A and B swaps `faster` and `slower` and nothing else. The
 * strict `> 1` / `< 1` make minRatio = 1 mean "any significant difference".
 *
 * Equivalence is TOST-like: two one-sided tests at level (1 − confidence)/2 each, i.e. the whole
 * two-sided interval inside the margins — slightly stricter than classic TOST (which uses the
 * 1 − 2α interval), which is the safe side for a claim of "no difference".
 *
 * Precedence: when minRatio < margin the zones overlap (e.g. [1.02, 1.04] with minRatio 1 and
 * margin 1.05); a difference the caller declared meaningful wins over equivalence.
 *
 * Between the zones — e.g. [1.06, 1.15] with minRatio 1.2 and margin 1.05 — the data say "A is
 * faster, but by less than you asked and more than negligible": that stays `inconclusive`.
 */
export type Verdict = 'faster' | 'slower' | 'no-difference' | 'inconclusive';

export interface DecisionOptions {
  /** Smallest ratio that counts as a real difference, ≥ 1. Default 1.05 (= the margin). */
  minRatio?: number;
  /** Largest ratio still counted as equivalence, > 1. Default 1.05 (±5%). */
  equivalenceMargin?: number;
}

/** ±5%: below what interleaved runs of real HTTP servers on a shared machine can resolve. */
export const DEFAULT_EQUIVALENCE_MARGIN = 1.05;
/**
 * By default a difference must exceed the equivalence margin to be called: with minRatio 1,
 * an A/A pair has up to a (1 − confidence) chance of a "significant" 1–3% gap, and on real
 * machines systematic A/A offsets of that size (port, memory layout) are common. Pass
 * `minRatio: 1` explicitly for "any significant difference".
 */
export const DEFAULT_MIN_RATIO = DEFAULT_EQUIVALENCE_MARGIN;

export interface Decision {
  verdict: Verdict;
  /** Point estimate of the ratio (>1 = A faster). */
  ratio: number;
  lower: number;
  upper: number;
  confidence: number;
  rounds: number;
  metric: string;
  minRatio: number;
  equivalenceMargin: number;
}

export function classify(lower: number, upper: number, options: DecisionOptions = {}): Verdict {
  const minRatio = options.minRatio ?? DEFAULT_MIN_RATIO;
  const margin = options.equivalenceMargin ?? DEFAULT_EQUIVALENCE_MARGIN;
  if (!(minRatio >= 1)) throw new Error(`minRatio must be ≥ 1, got ${minRatio}`);
  if (!(margin > 1)) throw new Error(`equivalenceMargin must be > 1, got ${margin}`);
  if (lower >= minRatio && lower > 1) return 'faster';
  if (upper <= 1 / minRatio && upper < 1) return 'slower';
  if (lower >= 1 / margin && upper <= margin) return 'no-difference';
  return 'inconclusive';
}

export function decide(
  ci: RatioInterval,
  options: DecisionOptions & { metric?: string } = {},
): Decision {
  return {
    verdict: classify(ci.lower, ci.upper, options),
    ratio: ci.ratio,
    lower: ci.lower,
    upper: ci.upper,
    confidence: ci.confidence,
    rounds: ci.rounds,
    metric: options.metric ?? 'metric',
    minRatio: options.minRatio ?? DEFAULT_MIN_RATIO,
    equivalenceMargin: options.equivalenceMargin ?? DEFAULT_EQUIVALENCE_MARGIN,
  };
}
