import type { Result } from '../load/result.ts';
import { bootstrapRatio, type IntervalMethod } from './bootstrap.ts';
import { type PairVerdict, RankingFamily } from './family.ts';
import { higherIsBetter, type Metric, metricName, metricValue } from './metric.ts';
import { sanityWarnings } from './sanity.ts';
import {
  DEFAULT_EQUIVALENCE_MARGIN,
  DEFAULT_MIN_RATIO,
  type Decision,
  type DecisionOptions,
  decide,
} from './verdict.ts';

/**
 * Sequential, interleaved comparison of two targets.
 *
 * Rounds alternate the order (A B, B A, A B, …: ABBA over each pair of rounds) so that warm-up,
 * caches and slow drift of the machine hit both sides equally. From `minRounds` on, after every
 * round the interval of the ratio is recomputed; the comparison stops as soon as the verdict is
 * decided (faster / slower / no-difference), else runs up to `maxRounds` (or until `budgetMs`
 * is spent) and ends `inconclusive` if still undecided.
 *
 * Looking after every round and stopping when it "decides" inflates the error rate unless the
 * looks are accounted for. The default, `correction: 'pocock'`, uses Pocock-type repeated
 * confidence intervals (sequential.ts): t-intervals of the per-round log-ratios at one nominal
 * level for every look, chosen by simulation so that all looks together keep the error at
 * 1 − confidence — tighter than Bonferroni over the looks because consecutive looks are
 * strongly correlated. `correction: 'bonferroni'` is the previous procedure (BCa bootstrap with
 * a small-sample t expansion at 1 − (1 − confidence)/k per look), kept to replay old data;
 * `'none'` is the naive one (no control of optional stopping: for tests only).
 */
export type Runner<T> = (round: number) => Promise<T>;

export type Correction = 'pocock' | 'bonferroni' | 'none';

export interface CompareOptions extends DecisionOptions {
  /** One measurement of side A: a `Result`, or directly the round's metric value. */
  runA: Runner<Result | number>;
  runB: Runner<Result | number>;
  /**
   * Both sides of a round measured together (e.g. alternating operation by operation); when
   * given, it replaces runA and runB, and the round's order is the runner's business.
   */
  runBoth?: Runner<{ a: Result | number; b: Result | number }>;
  /** Metric compared; for plain-number runners it only names the value and its direction. */
  metric: Metric;
  /** Overall (family-wise) confidence level. Default 0.95. */
  confidence?: number;
  /** Rounds before the first look. Default 3 (pocock), 5 (bootstrap). */
  minRounds?: number;
  /** Round budget. Default 20. */
  maxRounds?: number;
  /** Time budget, ms: no new round starts after it (the verdict so far stands). */
  budgetMs?: number;
  correction?: Correction;
  seed?: number;
  resamples?: number;
  /** Bootstrap interval method (bonferroni / none only). */
  method?: IntervalMethod;
  /** Names in messages; default the Results' `target` (and `variant`), else `A` and `B`. */
  labels?: { a?: string; b?: string };
  /** Called after every round (progress reporting); `decision` is set once looks start. */
  onRound?: (progress: RoundProgress) => void | Promise<void>;
}

export type RoundOrder = 'AB' | 'BA';

export interface RoundProgress {
  /** 0-based round index. */
  round: number;
  order: RoundOrder;
  a: number;
  b: number;
  decision?: Decision;
}

export interface Comparison extends Decision {
  labels: { a: string; b: string };
  /** Nominal confidence of the reported interval at its look (per-look level). */
  lookConfidence: number;
  /** Repeated p-value of the verdict's zone (pocock; NaN for the bootstrap procedures). */
  pValue?: number;
  /** Round (1-based) at which the verdict was reached; null when it stayed inconclusive. */
  decidedAtRound?: number | null;
  /** Why sampling stopped: decided, the round budget, or the time budget. */
  stoppedBy?: 'decided' | 'rounds' | 'time';
  /** Number of possible looks k the correction accounts for. */
  looks: number;
  correction: Correction;
  /** `t` (pocock: t-intervals of the mean log-ratio) or the bootstrap interval method. */
  method: IntervalMethod | 't';
  minRounds: number;
  maxRounds: number;
  /** True when the verdict was decided before the budget ran out. */
  stoppedEarly: boolean;
  /** Per-round metric values and orders, for reports. */
  a: number[];
  b: number[];
  orders: RoundOrder[];
  /** Full results when the runners returned `Result`s. */
  results: { a: Result[]; b: Result[] };
  /** Sanity warnings of every measured result, prefixed with side and round. */
  warnings: string[];
}

export async function compareInterleaved(options: CompareOptions): Promise<Comparison> {
  const confidence = options.confidence ?? 0.95;
  const correction = options.correction ?? 'pocock';
  const pocock = correction === 'pocock';
  const minRounds = options.minRounds ?? (pocock ? 3 : 5);
  const maxRounds = options.maxRounds ?? 20;
  const method = pocock ? 't' : (options.method ?? 'bca');
  if (!(Number.isInteger(minRounds) && minRounds >= (pocock ? 3 : 2))) {
    throw new Error(`minRounds must be an integer ≥ ${pocock ? 3 : 2}, got ${minRounds}`);
  }
  if (!(Number.isInteger(maxRounds) && maxRounds >= minRounds)) {
    throw new Error(`maxRounds must be an integer ≥ minRounds (${minRounds}), got ${maxRounds}`);
  }
  const looks = correction === 'none' ? 1 : maxRounds - minRounds + 1;
  let lookConfidence = 1 - (1 - confidence) / (correction === 'bonferroni' ? looks : 1);
  const family = pocock
    ? new RankingFamily(['a', 'b'], {
        metric: options.metric,
        alpha: 1 - confidence,
        plan: { minLooks: minRounds, maxLooks: maxRounds },
        ...(options.minRatio !== undefined ? { minRatio: options.minRatio } : {}),
        ...(options.equivalenceMargin !== undefined
          ? { equivalenceMargin: options.equivalenceMargin }
          : {}),
      })
    : undefined;
  const started = performance.now();
  let pValue = Number.NaN;
  let decidedAtRound: number | null = null;
  let stoppedBy: Comparison['stoppedBy'] = 'rounds';
  const name = metricName(options.metric);

  const a: number[] = [];
  const b: number[] = [];
  const orders: RoundOrder[] = [];
  const results: { a: Result[]; b: Result[] } = { a: [], b: [] };
  const warnings: string[] = [];
  const labels = { a: options.labels?.a, b: options.labels?.b };

  const sideValue = (side: 'a' | 'b', round: number, out: Result | number): number => {
    if (typeof out === 'number') return out;
    labels[side] ??= resultLabel(out);
    const label = labels[side];
    // A run that failed has partial numbers: comparing them would be a silent lie.
    if (out.failure) throw new Error(`${label}, round ${round + 1}: run failed: ${out.failure}`);
    results[side].push(out);
    for (const w of new Set([...out.warnings, ...sanityWarnings(out)])) {
      warnings.push(`${label}, round ${round + 1}: ${w}`);
    }
    return metricValue(out, options.metric);
  };
  const measure = async (side: 'a' | 'b', round: number): Promise<number> =>
    sideValue(side, round, await (side === 'a' ? options.runA : options.runB)(round));

  let decision: Decision | undefined;
  for (let round = 0; round < maxRounds; round++) {
    const order: RoundOrder = round % 2 === 0 ? 'AB' : 'BA';
    let va: number;
    let vb: number;
    if (options.runBoth) {
      const both = await options.runBoth(round);
      va = sideValue('a', round, both.a);
      vb = sideValue('b', round, both.b);
    } else if (order === 'AB') {
      va = await measure('a', round);
      vb = await measure('b', round);
    } else {
      vb = await measure('b', round);
      va = await measure('a', round);
    }
    a.push(va);
    b.push(vb);
    orders.push(order);

    decision = undefined;
    if (family) {
      family.addBlock({ a: va, b: vb });
      if (a.length >= minRounds) {
        const pair = family.evaluate().pairs[0] as PairVerdict;
        lookConfidence = 1 - pair.nominal;
        pValue = pair.p;
        decision = {
          verdict: pair.verdict,
          ratio: pair.ratio,
          lower: pair.lower,
          upper: pair.upper,
          confidence,
          rounds: a.length,
          metric: name,
          minRatio: options.minRatio ?? DEFAULT_MIN_RATIO,
          equivalenceMargin: options.equivalenceMargin ?? DEFAULT_EQUIVALENCE_MARGIN,
        };
      }
    } else if (a.length >= minRounds) {
      const ci = bootstrapRatio(a, b, {
        higherIsBetter: higherIsBetter(options.metric),
        confidence: lookConfidence,
        resamples: options.resamples,
        seed: options.seed,
        method: method as IntervalMethod,
      });
      decision = decide(ci, { ...options, metric: name });
    }
    await options.onRound?.({ round, order, a: va, b: vb, decision });
    if (decision && decision.verdict !== 'inconclusive') {
      decidedAtRound = a.length;
      stoppedBy = 'decided';
      break;
    }
    if (
      options.budgetMs !== undefined &&
      a.length >= minRounds &&
      performance.now() - started > options.budgetMs
    ) {
      stoppedBy = 'time';
      break;
    }
  }

  // maxRounds ≥ minRounds and the time budget only stops after a look: the last round looked.
  const final = decision as Decision;
  return {
    ...final,
    // The family-wise level is what the procedure guarantees; the interval is per look.
    confidence,
    labels: { a: labels.a ?? 'A', b: labels.b ?? 'B' },
    lookConfidence,
    pValue,
    decidedAtRound,
    stoppedBy,
    looks,
    correction,
    method,
    minRounds,
    maxRounds,
    // Decided before the round budget; a stop at the time budget is not early.
    stoppedEarly: stoppedBy === 'decided' && a.length < maxRounds,
    a,
    b,
    orders,
    results,
    warnings,
  };
}

function resultLabel(result: Result): string {
  return result.variant ? `${result.target} (${result.variant})` : result.target;
}
