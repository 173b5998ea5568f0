import type { Result } from '../load/result.ts';
import { bootstrapRatio, type IntervalMethod } from './bootstrap.ts';
import { higherIsBetter, type Metric, metricName, metricValue } from './metric.ts';
import { sanityWarnings } from './sanity.ts';
import { type Decision, type DecisionOptions, decide } from './verdict.ts';

/**
 * Sequential, interleaved comparison of two targets.
 *
 * Rounds alternate the order (A B, B A, A B, …: ABBA over each pair of rounds) so that warm-up,
 * caches and slow drift of the machine hit both sides equally. From `minRounds` on, after every
 * round the bootstrap interval of the ratio is recomputed; the comparison stops as soon as the
 * verdict is decided (faster / slower / no-difference), else runs up to `maxRounds` and ends
 * `inconclusive` if still undecided.
 *
 * Looking at the data after every round and stopping when it "decides" inflates the error rate
 * (optional stopping). By default each look therefore uses a Bonferroni-corrected level: with
 * k possible looks, every interval is computed at 1 − (1 − confidence)/k, which bounds the
 * overall error by 1 − confidence whatever the stopping round. It is conservative (looks are
 * strongly correlated), costing a few extra rounds on borderline effects, never false verdicts;
 * large effects still stop at `minRounds`. `correction: 'none'` gives the naive procedure.
 */
export type Runner<T> = (round: number) => Promise<T>;

export type Correction = 'bonferroni' | 'none';

export interface CompareOptions extends DecisionOptions {
  /** One measurement of side A: a `Result`, or directly the round's metric value. */
  runA: Runner<Result | number>;
  runB: Runner<Result | number>;
  /** Metric compared; for plain-number runners it only names the value and its direction. */
  metric: Metric;
  /** Overall (family-wise) confidence level. Default 0.95. */
  confidence?: number;
  /** Rounds before the first look. Default 5. */
  minRounds?: number;
  /** Round budget. Default 20. */
  maxRounds?: number;
  correction?: Correction;
  seed?: number;
  resamples?: number;
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
  /** Confidence level of the reported interval (per look; equals `confidence` when k = 1). */
  lookConfidence: number;
  /** Number of possible looks k the correction accounts for. */
  looks: number;
  correction: Correction;
  method: IntervalMethod;
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
  const minRounds = options.minRounds ?? 5;
  const maxRounds = options.maxRounds ?? 20;
  const correction = options.correction ?? 'bonferroni';
  const method = options.method ?? 'bca';
  if (!(Number.isInteger(minRounds) && minRounds >= 2)) {
    throw new Error(`minRounds must be an integer ≥ 2, got ${minRounds}`);
  }
  if (!(Number.isInteger(maxRounds) && maxRounds >= minRounds)) {
    throw new Error(`maxRounds must be an integer ≥ minRounds (${minRounds}), got ${maxRounds}`);
  }
  const looks = correction === 'bonferroni' ? maxRounds - minRounds + 1 : 1;
  const lookConfidence = 1 - (1 - confidence) / looks;
  const name = metricName(options.metric);

  const a: number[] = [];
  const b: number[] = [];
  const orders: RoundOrder[] = [];
  const results: { a: Result[]; b: Result[] } = { a: [], b: [] };
  const warnings: string[] = [];
  const labels = { a: options.labels?.a, b: options.labels?.b };

  const measure = async (side: 'a' | 'b', round: number): Promise<number> => {
    const out = await (side === 'a' ? options.runA : options.runB)(round);
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

  let decision: Decision | undefined;
  for (let round = 0; round < maxRounds; round++) {
    const order: RoundOrder = round % 2 === 0 ? 'AB' : 'BA';
    let va: number;
    let vb: number;
    if (order === 'AB') {
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
    if (a.length >= minRounds) {
      const ci = bootstrapRatio(a, b, {
        higherIsBetter: higherIsBetter(options.metric),
        confidence: lookConfidence,
        resamples: options.resamples,
        seed: options.seed,
        method,
      });
      decision = decide(ci, { ...options, metric: name });
    }
    await options.onRound?.({ round, order, a: va, b: vb, decision });
    if (decision && decision.verdict !== 'inconclusive') break;
  }

  // maxRounds ≥ minRounds ≥ 2, so the last round always looked.
  const final = decision as Decision;
  return {
    ...final,
    // The family-wise level is what the procedure guarantees; the interval is per look.
    confidence,
    labels: { a: labels.a ?? 'A', b: labels.b ?? 'B' },
    lookConfidence,
    looks,
    correction,
    method,
    minRounds,
    maxRounds,
    stoppedEarly: a.length < maxRounds,
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
