import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { probit } from 'simple-statistics';
import { createRandom } from './random.ts';

/**
 * Sample-until-decided with a controlled error rate: Pocock-type repeated confidence intervals
 * (Jennison & Turnbull, "Group Sequential Methods with Applications to Clinical Trials", 2000,
 * ch. 9) for the mean of per-block log-ratios.
 *
 * The data are d_1, d_2, … — one log-ratio per block of interleaved measurements, positive when
 * A is better. At every look n = minLooks … maxLooks (one look per block) the interval is the
 * t-interval  mean ± q_n · s/√n  with q_n = t_{n−1}(1 − p′/2): the same *nominal* two-sided
 * level p′ at every look (Pocock). p′ is chosen so that, for normal data, the probability that
 * ANY of the looks' intervals misses the true mean is α:
 *
 *   P( ∃ n ∈ [minLooks, maxLooks]: |T_n| > q_n ) = α,   T_n = (mean_n − μ)/(s_n/√n).
 *
 * T_n is pivotal (its law does not depend on μ or σ), so p′ is found once per look plan by
 * simulating normal sequences (seeded: deterministic) and taking the α-quantile of the smallest
 * nominal p-value over the looks. Because the intervals hold simultaneously, the comparison may
 * stop at any look — when its interval is inside a verdict zone (faster / slower / equivalent),
 * or when the time budget runs out — and every verdict keeps error ≤ α. The looks are strongly
 * correlated, which is what makes this tighter than Bonferroni over the looks (the previous
 * procedure): for 3…20 looks the interval at n = 20 uses t ≈ 2.9 instead of 3.55.
 *
 * Decisions use repeated p-values: the smallest family level α at which the interval of some
 * look so far lay inside a zone. They plug into Holm's step-down procedure across comparisons
 * (multiplicity.ts).
 */
export interface LookPlan {
  /** First look (blocks); ≥ 3 so that the t-interval has ≥ 2 degrees of freedom. */
  minLooks: number;
  /** Last possible look: the block budget. */
  maxLooks: number;
}

/** Simulated null sequences per plan; enough for levels down to ~0.001 (α/50). */
const SIMULATIONS = 40_000;
/** Nominal p-values above this are not resolved (no decision is ever taken there). */
const CAP = 0.3;
const MAX_LOOKS = 200;

const cache = new Map<string, Float64Array>();

export function checkPlan(plan: LookPlan): void {
  if (!(Number.isInteger(plan.minLooks) && plan.minLooks >= 3)) {
    throw new Error(`minLooks must be an integer ≥ 3, got ${plan.minLooks}`);
  }
  if (!(Number.isInteger(plan.maxLooks) && plan.maxLooks >= plan.minLooks)) {
    throw new Error(
      `maxLooks must be an integer ≥ minLooks (${plan.minLooks}), got ${plan.maxLooks}`,
    );
  }
  if (plan.maxLooks > MAX_LOOKS) {
    throw new Error(`maxLooks ${plan.maxLooks} is above ${MAX_LOOKS}: use longer blocks`);
  }
}

/** Two-sided nominal p-value of |t| with `df` degrees of freedom. */
function twoSided(t: number, df: number): number {
  return 2 * (1 - tCdf(Math.abs(t), df));
}

/**
 * Sorted smallest nominal p-values over the plan's looks, one per simulated normal sequence
 * (capped at CAP). Deterministic (fixed seed) and cached per plan.
 */
function nullMinP(plan: LookPlan): Float64Array {
  checkPlan(plan);
  const key = `${plan.minLooks}:${plan.maxLooks}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const rng = createRandom(0x5e9);
  const out = new Float64Array(SIMULATIONS);
  // |t| below the normal quantile has a two-sided p above CAP at every df: no CDF needed there
  // (most looks of a null sequence; the CDF costs ~1.4 µs).
  const skip = probit(1 - CAP / 2);
  for (let s = 0; s < SIMULATIONS; s++) {
    let sum = 0;
    let sumSq = 0;
    let min = CAP;
    for (let n = 1; n <= plan.maxLooks; n++) {
      const x = rng.normal();
      sum += x;
      sumSq += x * x;
      if (n < plan.minLooks) continue;
      const mean = sum / n;
      const variance = (sumSq - n * mean * mean) / (n - 1);
      if (!(variance > 0)) continue;
      const t = mean / Math.sqrt(variance / n);
      if (Math.abs(t) < skip) continue;
      const p = twoSided(t, n - 1);
      if (p < min) min = p;
    }
    out[s] = min;
  }
  out.sort();
  cache.set(key, out);
  return out;
}

/** Looks of a plan: the union bound's multiplier. */
const lookCount = (plan: LookPlan): number => plan.maxLooks - plan.minLooks + 1;

/**
 * Family level of a nominal p-value: P(min over the looks of the nominal p ≤ `nominal`) under
 * the null, i.e. the error rate of deciding at `nominal`. From the simulations (conservative by
 * one simulation), or by Bonferroni over the looks (`nominal` × looks, a union bound) where that
 * is smaller: below what 40,000 simulations resolve (rankings of many pairs in a run of many
 * suites reach 10⁻⁵) only the union bound can ever decide.
 */
export function familyLevel(plan: LookPlan, nominal: number): number {
  if (nominal <= 0) return 0;
  const bonferroni = Math.min(1, nominal * lookCount(plan));
  if (nominal >= CAP) return bonferroni;
  const sims = nullMinP(plan);
  // Number of simulated minima ≤ nominal (binary search on the sorted array).
  let lo = 0;
  let hi = sims.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sims[mid] as number) <= nominal) lo = mid + 1;
    else hi = mid;
  }
  return Math.min((lo + 1) / (sims.length + 1), bonferroni);
}

/**
 * The nominal per-look level of `alpha`: the largest nominal p-value whose family level
 * (`familyLevel`) is ≤ alpha, so that a comparison is decided at alpha exactly when its interval
 * at this level lies inside a zone — the interval a report prints always agrees with its verdict.
 * The Pocock level where the simulations resolve alpha, Bonferroni over the looks (alpha / looks)
 * below that or where it is larger.
 */
export function nominalLevel(plan: LookPlan, alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha ${alpha} not in (0, 1)`);
  const sims = nullMinP(plan);
  const bonferroni = alpha / lookCount(plan);
  // familyLevel(x) ≤ α from the simulations ⟺ fewer than k + 1 minima ≤ x ⟺ x < sims[k].
  const k = Math.floor(alpha * (sims.length + 1)) - 1;
  if (k < 0) return bonferroni;
  const below = k < sims.length ? (sims[k] as number) * (1 - 1e-12) : CAP;
  return Math.max(Math.min(below, CAP), bonferroni);
}

/** What one look knows: n blocks, their mean log-ratio and its standard error. */
export interface LookStats {
  n: number;
  mean: number;
  se: number;
}

export function lookStats(d: readonly number[]): LookStats {
  const n = d.length;
  if (n < 2) throw new Error(`at least 2 blocks are needed, got ${n}`);
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const variance = d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { n, mean, se: Math.sqrt(variance / n) };
}

/** The interval (log scale) of a look at a nominal two-sided level. */
export function repeatedInterval(look: LookStats, nominal: number): [number, number] {
  if (look.se === 0) return [look.mean, look.mean];
  const q = tQuantile(1 - nominal / 2, look.n - 1);
  return [look.mean - q * look.se, look.mean + q * look.se];
}

/** A verdict zone on the log scale: the interval must lie inside [lower, upper]. */
export interface Zone {
  lower: number;
  upper: number;
}

/**
 * The nominal two-sided level at which this look's interval just fits inside `zone` (smaller
 * = stronger evidence): 1 when the mean is outside the zone. Zones are closed, except that a
 * zero-width interval needs the mean strictly inside (ties at a boundary are not evidence).
 */
export function zoneNominalP(look: LookStats, zone: Zone): number {
  const room = Math.min(look.mean - zone.lower, zone.upper - look.mean);
  if (!(room > 0)) return 1;
  if (look.se === 0) return 0;
  return twoSided(room / look.se, look.n - 1);
}
