import { higherIsBetter, type Metric, metricName } from './metric.ts';
import {
  checkPlan,
  familyLevel,
  type LookPlan,
  type LookStats,
  lookStats,
  nominalLevel,
  repeatedInterval,
  type Zone,
  zoneNominalP,
} from './sequential.ts';
import {
  DEFAULT_EQUIVALENCE_MARGIN,
  DEFAULT_MIN_RATIO,
  type DecisionOptions,
  type Verdict,
} from './verdict.ts';

/**
 * A ranking with verdicts, decided sequentially: k targets measured in interleaved blocks (each
 * block measures every target once, in a rotated order), one metric value per target per block.
 * After every block, `evaluate()` ranks the targets by their geometric mean and decides every
 * pair with a Pocock-type repeated confidence interval of the per-block log-ratios
 * (sequential.ts), Holm's step-down procedure across ALL k(k−1)/2 pairs keeping the
 * family-wise error rate at α whatever is reported or when sampling stops. The report shows the
 * adjacent pairs of the ranking and each target against the fastest; `allDecided` says whether
 * those are all decided, which is when sampling may stop.
 *
 * Each pair's evidence for a zone is its repeated p-value: the smallest family level at which
 * the interval of some look so far lay in the zone — `faster` (A ≥ minRatio), `slower`, or
 * `no-difference` (within ±equivalenceMargin). Holm (1979) on those p-values: the j-th smallest
 * is called when it and all smaller ones are ≤ α/(m − j + 1). A called pair's interval is the
 * one of the look that decided it, at its Holm level; an undecided pair's is the current look's
 * at the level it would need next.
 */
export interface FamilyOptions extends DecisionOptions {
  metric: Metric;
  /** Family-wise error rate across all pairs. Default 0.05. */
  alpha?: number;
  plan: LookPlan;
}

export interface PairVerdict {
  /** Ranked higher (better point estimate) first. */
  a: string;
  b: string;
  verdict: Verdict;
  /** A over B, > 1 = A better. */
  ratio: number;
  lower: number;
  upper: number;
  /** Family level of the interval (Holm threshold) and the nominal per-look level it uses. */
  level: number;
  nominal: number;
  /** Repeated p-value of the best-supported zone (family level). */
  p: number;
  /** Blocks in which both were measured. */
  blocks: number;
  /** Look (blocks) at which the verdict was reached; null when undecided. */
  decidedAt: number | null;
  /** Why the pair cannot be decided (e.g. a generator-bound target), when so. */
  note?: string;
}

export interface RankedTarget {
  target: string;
  rank: number;
  /** Geometric mean of the metric over the valid blocks. */
  estimate: number;
  blocks: number;
  /** Set when this target's comparisons are not decided, with the reason. */
  undecidable?: string;
}

export interface RankingResult {
  metric: string;
  higherIsBetter: boolean;
  ranking: RankedTarget[];
  /** Adjacent pairs, then each target against the fastest (no duplicates). */
  reported: Array<PairVerdict & { kind: 'adjacent' | 'vs-best' | 'adjacent, vs-best' }>;
  /** Every pair, as decided by Holm across all of them. */
  pairs: PairVerdict[];
  alpha: number;
  /** Comparisons Holm counts (all pairs). */
  comparisons: number;
  /**
   * Expected number of false calls, estimated as the sum of the Holm levels at which the calls
   * were made (a call at level ℓ is wrong with probability ≤ ℓ).
   */
  expectedFalseCalls: number;
  blocks: number;
  plan: LookPlan;
  minRatio: number;
  equivalenceMargin: number;
  /** Whether every reported pair (with decidable targets) has a verdict. */
  allDecided: boolean;
}

interface ZoneEvidence {
  p: number;
  look: LookStats | null;
}

interface PairState {
  i: number;
  j: number;
  /** Per zone: smallest family level so far and the look that gave it. */
  best: Record<'faster' | 'slower' | 'no-difference', ZoneEvidence>;
  current: LookStats | null;
  decidedAt: number | null;
}

const ZONES = ['faster', 'slower', 'no-difference'] as const;

export class RankingFamily {
  readonly targets: readonly string[];
  private readonly options: FamilyOptions;
  private readonly higher: boolean;
  private readonly alpha: number;
  private readonly minRatio: number;
  private readonly margin: number;
  /** values[t][block]: metric value, or null when that block of t is not usable. */
  private readonly values: Array<Array<number | null>>;
  private readonly undecidable = new Map<string, string>();
  private readonly pairStates: PairState[] = [];

  constructor(targets: readonly string[], options: FamilyOptions) {
    if (targets.length < 2) throw new Error('a ranking needs at least 2 targets');
    if (new Set(targets).size !== targets.length) throw new Error('target names must be unique');
    checkPlan(options.plan);
    this.targets = targets;
    this.options = options;
    this.higher = higherIsBetter(options.metric);
    this.alpha = options.alpha ?? 0.05;
    this.minRatio = options.minRatio ?? DEFAULT_MIN_RATIO;
    this.margin = options.equivalenceMargin ?? DEFAULT_EQUIVALENCE_MARGIN;
    if (!(this.alpha > 0 && this.alpha < 1)) throw new Error(`alpha ${this.alpha} not in (0, 1)`);
    if (!(this.minRatio >= 1)) throw new Error(`minRatio must be ≥ 1, got ${this.minRatio}`);
    if (!(this.margin > 1)) throw new Error(`equivalenceMargin must be > 1, got ${this.margin}`);
    this.values = targets.map(() => []);
    for (let i = 0; i < targets.length; i++) {
      for (let j = i + 1; j < targets.length; j++) {
        const none = (): ZoneEvidence => ({ p: 1, look: null });
        this.pairStates.push({
          i,
          j,
          best: { faster: none(), slower: none(), 'no-difference': none() },
          current: null,
          decidedAt: null,
        });
      }
    }
  }

  get blocks(): number {
    return this.values[0]?.length ?? 0;
  }

  /** Adds one block: every target's metric value, null (or missing) when not usable. */
  addBlock(block: Readonly<Record<string, number | null | undefined>>): void {
    if (this.blocks >= this.options.plan.maxLooks) {
      throw new Error(`the plan allows ${this.options.plan.maxLooks} blocks`);
    }
    this.targets.forEach((target, t) => {
      const v = block[target];
      const ok = typeof v === 'number' && v > 0 && Number.isFinite(v);
      (this.values[t] as Array<number | null>).push(ok ? v : null);
    });
    this.look();
  }

  /** Excludes a target's comparisons from decisions (they stay inconclusive with the reason). */
  markUndecidable(target: string, reason: string): void {
    if (!this.targets.includes(target)) throw new Error(`unknown target ${target}`);
    this.undecidable.set(target, reason);
  }

  /** Oriented per-block log-ratios of pair (i, j): positive when i is better. */
  private logRatios(i: number, j: number): number[] {
    const a = this.values[i] as Array<number | null>;
    const b = this.values[j] as Array<number | null>;
    const d: number[] = [];
    for (let k = 0; k < a.length; k++) {
      const x = a[k];
      const y = b[k];
      if (x == null || y == null) continue;
      d.push(this.higher ? Math.log(x / y) : Math.log(y / x));
    }
    return d;
  }

  private zones(): Record<(typeof ZONES)[number], Zone> {
    const r = Math.log(this.minRatio);
    const m = Math.log(this.margin);
    // `faster` also needs the interval strictly above 1 (minRatio = 1: any difference).
    const tiny = 1e-12;
    return {
      faster: { lower: Math.max(r, tiny), upper: Number.POSITIVE_INFINITY },
      slower: { lower: Number.NEGATIVE_INFINITY, upper: -Math.max(r, tiny) },
      'no-difference': { lower: -m, upper: m },
    };
  }

  /** Updates every pair's repeated p-values with the current look. */
  private look(): void {
    const plan = this.options.plan;
    const zones = this.zones();
    for (const pair of this.pairStates) {
      const d = this.logRatios(pair.i, pair.j);
      if (d.length < plan.minLooks) {
        pair.current = null;
        continue;
      }
      const look = lookStats(d);
      pair.current = look;
      for (const zone of ZONES) {
        const p = familyLevel(plan, zoneNominalP(look, zones[zone]));
        if (p < pair.best[zone].p) pair.best[zone] = { p, look };
      }
    }
  }

  evaluate(): RankingResult {
    const plan = this.options.plan;
    const m = this.pairStates.length;
    const evidence = this.pairStates.map((pair) => {
      const blocked =
        this.undecidable.get(this.targets[pair.i] as string) ??
        this.undecidable.get(this.targets[pair.j] as string);
      let zone: (typeof ZONES)[number] = 'faster';
      for (const z of ZONES) if (pair.best[z].p < pair.best[zone].p) zone = z;
      return { pair, zone, p: blocked ? 1 : pair.best[zone].p, blocked };
    });

    // Holm's step-down across all pairs.
    const ps = evidence.map((e) => e.p);
    const order = ps.map((_, k) => k).sort((x, y) => (ps[x] as number) - (ps[y] as number));
    const level = new Array<number>(m);
    const called = new Array<boolean>(m).fill(false);
    let step = 0;
    for (; step < m; step++) {
      const k = order[step] as number;
      const threshold = this.alpha / (m - step);
      if ((ps[k] as number) > threshold) break;
      called[k] = true;
      level[k] = threshold;
    }
    const nextLevel = this.alpha / Math.max(1, m - step);
    let expectedFalseCalls = 0;

    const pairs: PairVerdict[] = evidence.map((e, k) => {
      const { pair } = e;
      const isCalled = called[k] as boolean;
      const lvl = isCalled ? (level[k] as number) : nextLevel;
      if (isCalled) {
        expectedFalseCalls += lvl;
        pair.decidedAt ??= this.blocks;
      }
      const look = isCalled ? pair.best[e.zone].look : pair.current;
      const nominal = nominalLevel(plan, lvl);
      const [lo, hi] = look ? repeatedInterval(look, nominal) : [Number.NaN, Number.NaN];
      return {
        a: this.targets[pair.i] as string,
        b: this.targets[pair.j] as string,
        verdict: isCalled ? e.zone : 'inconclusive',
        ratio: look ? Math.exp(look.mean) : Number.NaN,
        lower: Math.exp(lo),
        upper: Math.exp(hi),
        level: lvl,
        nominal,
        p: e.p,
        blocks: pair.current?.n ?? this.logRatios(pair.i, pair.j).length,
        decidedAt: isCalled ? pair.decidedAt : null,
        ...(e.blocked ? { note: e.blocked } : {}),
      };
    });

    const ranking = this.rank();
    const byKey = new Map(pairs.map((p) => [`${p.a}\u0000${p.b}`, p]));
    const oriented = (a: string, b: string): PairVerdict => {
      const direct = byKey.get(`${a}\u0000${b}`);
      if (direct) return direct;
      return flip(byKey.get(`${b}\u0000${a}`) as PairVerdict);
    };
    const reported: RankingResult['reported'] = [];
    const names = ranking.map((r) => r.target);
    const best = names[0] as string;
    for (let r = 0; r + 1 < names.length; r++) {
      const kind = r === 0 ? 'adjacent, vs-best' : 'adjacent';
      reported.push({ ...oriented(names[r] as string, names[r + 1] as string), kind });
    }
    for (const name of names.slice(2)) reported.push({ ...oriented(best, name), kind: 'vs-best' });

    return {
      metric: metricName(this.options.metric),
      higherIsBetter: this.higher,
      ranking,
      reported,
      pairs,
      alpha: this.alpha,
      comparisons: m,
      expectedFalseCalls,
      blocks: this.blocks,
      plan,
      minRatio: this.minRatio,
      equivalenceMargin: this.margin,
      allDecided: reported.every((p) => p.verdict !== 'inconclusive' || p.note !== undefined),
    };
  }

  /** Targets by geometric mean over their valid blocks, best first. */
  private rank(): RankedTarget[] {
    const rows = this.targets.map((target, t) => {
      const valid = (this.values[t] as Array<number | null>).filter((v): v is number => v != null);
      const estimate =
        valid.length > 0
          ? Math.exp(valid.reduce((s, v) => s + Math.log(v), 0) / valid.length)
          : Number.NaN;
      const undecidable = this.undecidable.get(target);
      return { target, estimate, blocks: valid.length, ...(undecidable ? { undecidable } : {}) };
    });
    const score = (r: { estimate: number }) =>
      Number.isNaN(r.estimate) ? Number.NEGATIVE_INFINITY : this.higher ? r.estimate : -r.estimate;
    return rows.sort((x, y) => score(y) - score(x)).map((row, k) => ({ ...row, rank: k + 1 }));
  }
}

/** The same comparison seen from the other side. */
export function flip(p: PairVerdict): PairVerdict {
  const verdict: Verdict =
    p.verdict === 'faster' ? 'slower' : p.verdict === 'slower' ? 'faster' : p.verdict;
  return {
    ...p,
    a: p.b,
    b: p.a,
    verdict,
    ratio: 1 / p.ratio,
    lower: 1 / p.upper,
    upper: 1 / p.lower,
  };
}
