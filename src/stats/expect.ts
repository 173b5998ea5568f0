import type { Result } from '../load/result.ts';
import {
  type CompareOptions,
  type Comparison,
  compareInterleaved,
  type Runner,
} from './compare.ts';
import type { Verdict } from './verdict.ts';

/**
 * Assertions for test and bench files: `await expectFaster(runA, runB, { metric: 'p95',
 * minRatio: 1.2 })`. They run an interleaved sequential comparison and throw a
 * `ComparisonAssertionError` (name `AssertionError`, so vitest reports it as a failed
 * expectation) whose message carries the verdict and the interval. No vitest import: src/stats
 * stays usable from scripts and reports. Each returns the `Comparison` for reporting.
 */
export type ExpectOptions = Omit<CompareOptions, 'runA' | 'runB'>;

type Side = Runner<Result | number>;

export class ComparisonAssertionError extends Error {
  readonly comparison: Comparison;

  constructor(message: string, comparison: Comparison) {
    super(message);
    this.name = 'AssertionError';
    this.comparison = comparison;
  }
}

/** Passes when A is faster than B by at least `minRatio` (default 1.05, the equivalence margin). */
export async function expectFaster(a: Side, b: Side, options: ExpectOptions): Promise<Comparison> {
  const c = await compareInterleaved({ ...options, runA: a, runB: b });
  return assertVerdict(c, ['faster'], `to be ${times(c.minRatio)}faster than`);
}

/** Passes when A is slower than B by at least `minRatio`: a planted slowdown is detected. */
export async function expectSlower(a: Side, b: Side, options: ExpectOptions): Promise<Comparison> {
  const c = await compareInterleaved({ ...options, runA: a, runB: b });
  return assertVerdict(c, ['slower'], `to be ${times(c.minRatio)}slower than`);
}

/** Passes when A and B are equivalent within `equivalenceMargin` (A/A comparisons). */
export async function expectNoDifference(
  a: Side,
  b: Side,
  options: ExpectOptions,
): Promise<Comparison> {
  const c = await compareInterleaved({ ...options, runA: a, runB: b });
  return assertVerdict(c, ['no-difference'], `to perform like (within ${c.equivalenceMargin}×)`);
}

/**
 * Passes when A is faster or equivalent — a regression guard. Conservative: an interval that is
 * neither (e.g. [0.97, 1.30]) fails as inconclusive rather than passing on a hunch.
 */
export async function expectNotSlower(
  a: Side,
  b: Side,
  options: ExpectOptions,
): Promise<Comparison> {
  const c = await compareInterleaved({ ...options, runA: a, runB: b });
  return assertVerdict(c, ['faster', 'no-difference'], 'not to be slower than');
}

/** Throws unless the comparison's verdict is one of `expected`; `claim` words the message. */
export function assertVerdict(
  c: Comparison,
  expected: readonly Verdict[],
  claim = `to be ${expected.join(' or ')} vs`,
): Comparison {
  if (expected.includes(c.verdict)) return c;
  throw new ComparisonAssertionError(
    `expected ${c.labels.a} ${claim} ${c.labels.b} on ${c.metric}: ${describeComparison(c)}`,
    c,
  );
}

/**
 * One line for messages and reports, e.g.
 * `verdict inconclusive, ratio 1.08 [0.97, 1.21] at 95% over 20 rounds (99.7% per look, 16 looks)`.
 */
export function describeComparison(c: Comparison): string {
  const interval = `ratio ${fixed(c.ratio)} [${fixed(c.lower)}, ${fixed(c.upper)}]`;
  const perLook =
    c.looks > 1 ? ` (interval at ${percent(c.lookConfidence)} per look, ${c.looks} looks)` : '';
  const rounds = `${c.rounds} round${c.rounds === 1 ? '' : 's'}`;
  const early = c.stoppedEarly
    ? ', stopped early'
    : c.stoppedBy === 'time'
      ? ', time budget spent'
      : '';
  return `verdict ${c.verdict}, ${interval} at ${percent(c.confidence)} over ${rounds}${early}${perLook}`;
}

const fixed = (x: number): string => x.toFixed(2);
/** A confidence with the digits that tell it from 100% (a claim's share of α is tiny). */
const percent = (x: number): string => {
  const digits = x < 1 ? Math.min(12, Math.max(3, Math.ceil(-Math.log10(1 - x)) + 2)) : 3;
  return `${Number((x * 100).toPrecision(digits))}%`;
};
const times = (ratio: number): string => (ratio > 1 ? `≥${fixed(ratio)}× ` : '');
