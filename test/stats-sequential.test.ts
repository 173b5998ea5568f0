import { describe, expect, it } from 'vitest';
import {
  compareInterleaved,
  createRandom,
  familyLevel,
  type LookPlan,
  nominalLevel,
  type Random,
  RankingFamily,
  type Verdict,
} from '../src/stats/index.ts';

/**
 * The sequential procedure (Pocock-type repeated confidence intervals + Holm) checked by
 * simulation: seeded synthetic data, no timing. Error rates are counted over many experiments
 * that look after every block and stop at the first decision — the way the lab samples — so
 * optional stopping is part of what is tested. Tolerances are three Monte Carlo standard errors.
 */
const ALPHA = 0.05;
const mcTolerance = (p: number, n: number) => 3 * Math.sqrt((p * (1 - p)) / n);

type Noise = (rng: Random) => number;
const normal =
  (sd: number): Noise =>
  (rng) =>
    rng.normal(0, sd);
/** Student t with 3 degrees of freedom, scaled to the given sd: heavy tails (bursty machine). */
const heavy =
  (sd: number): Noise =>
  (rng) => {
    const z = rng.normal();
    const chi = rng.normal() ** 2 + rng.normal() ** 2 + rng.normal() ** 2;
    return ((z / Math.sqrt(chi / 3)) * sd) / Math.sqrt(3);
  };

/** One sequential experiment on k targets with true log-means `truth`; stops when decided. */
function experiment(
  seed: number,
  truth: readonly number[],
  noise: Noise,
  plan: LookPlan,
  options: { minRatio?: number; equivalenceMargin?: number } = {},
) {
  const rng = createRandom(seed);
  const names = truth.map((_, i) => `t${i}`);
  const family = new RankingFamily(names, { metric: 'throughput', alpha: ALPHA, plan, ...options });
  let result = family.evaluate();
  for (let block = 0; block < plan.maxLooks; block++) {
    // A drift shared by every target in the block: the paired design must cancel it.
    const drift = rng.normal(0, 0.3);
    family.addBlock(
      Object.fromEntries(
        names.map((n, i) => [n, Math.exp(10 + (truth[i] as number) + drift + noise(rng))]),
      ),
    );
    result = family.evaluate();
    if (block + 1 >= plan.minLooks && result.allDecided) break;
  }
  return result;
}

/** The verdict a pair should never get given its true log-ratio (A over B). */
function isFalseCall(
  verdict: Verdict,
  trueLogRatio: number,
  minRatio: number,
  margin: number,
): boolean {
  const r = Math.exp(trueLogRatio);
  if (verdict === 'faster') return r < minRatio;
  if (verdict === 'slower') return r > 1 / minRatio;
  if (verdict === 'no-difference') return r > margin || r < 1 / margin;
  return false;
}

describe('Pocock-type levels', () => {
  it('equal the nominal level for a single look, and shrink with more looks', () => {
    expect(nominalLevel({ minLooks: 3, maxLooks: 3 }, ALPHA)).toBeCloseTo(ALPHA, 2);
    const ten = nominalLevel({ minLooks: 3, maxLooks: 10 }, ALPHA);
    const forty = nominalLevel({ minLooks: 3, maxLooks: 40 }, ALPHA);
    expect(ten).toBeLessThan(ALPHA);
    expect(forty).toBeLessThan(ten);
    // Far less conservative than Bonferroni over the looks (correlated looks).
    expect(ten).toBeGreaterThan(ALPHA / 8);
    expect(forty).toBeGreaterThan(ALPHA / 38);
    // familyLevel inverts nominalLevel.
    expect(
      familyLevel({ minLooks: 3, maxLooks: 20 }, nominalLevel({ minLooks: 3, maxLooks: 20 }, 0.01)),
    ).toBeCloseTo(0.01, 3);
  });

  it('are the largest nominal levels whose family level is alpha: verdict and interval agree', () => {
    // A claim "≥5× faster" was called faster with a printed interval of [4.97, 139]: the level of
    // its interval was one simulation stricter than the level its decision used.
    for (const plan of [
      { minLooks: 3, maxLooks: 10 },
      { minLooks: 3, maxLooks: 18 },
      { minLooks: 3, maxLooks: 40 },
    ]) {
      for (const alpha of [0.05, 0.01, 1.6e-4, 4e-5, 1e-6]) {
        const nominal = nominalLevel(plan, alpha);
        expect(familyLevel(plan, nominal)).toBeLessThanOrEqual(alpha);
        expect(familyLevel(plan, nominal * (1 + 1e-9))).toBeGreaterThan(alpha);
      }
    }
  });

  it('fall back to Bonferroni over the looks below what the simulations resolve', () => {
    // 21 pairs of a 7-target ranking sharing a run's α with a dozen rankings reach ~4·10⁻⁵.
    const plan = { minLooks: 3, maxLooks: 10 };
    const tiny = 4e-5;
    expect(nominalLevel(plan, tiny)).toBeCloseTo(tiny / 8, 15);
    // Valid by the union bound over the 8 looks; the simulations agree within their resolution.
    expect(familyLevel(plan, nominalLevel(plan, tiny))).toBeLessThanOrEqual(2 / 40_001);
    // And continuous with the simulated levels just above the resolution.
    expect(nominalLevel(plan, 1e-3)).toBeGreaterThan(nominalLevel(plan, tiny));
  });
});

describe('error rates under continuous monitoring (A/A)', () => {
  const plan = { minLooks: 3, maxLooks: 30 };
  for (const [name, noise] of [
    ['normal noise', normal(0.08)],
    ['heavy-tailed noise (t3)', heavy(0.08)],
  ] as const) {
    it(`calls an A/A pair faster or slower in ≤ ${ALPHA * 100}% of experiments (${name})`, () => {
      const runs = 1500;
      let wrong = 0;
      for (let s = 0; s < runs; s++) {
        const pair = experiment(1000 + s, [0, 0], noise, plan).pairs[0];
        if (pair?.verdict === 'faster' || pair?.verdict === 'slower') wrong++;
      }
      expect(wrong / runs).toBeLessThanOrEqual(ALPHA + mcTolerance(ALPHA, runs));
    });
  }

  it('would catch an invalid procedure: naive looks (no correction) exceed α on the same data', async () => {
    const runs = 300;
    let naiveWrong = 0;
    for (let s = 0; s < runs; s++) {
      const rng = createRandom(40_000 + s);
      const data = Array.from({ length: 30 }, () => [rng.normal(0, 0.08), rng.normal(0, 0.08)]);
      const c = await compareInterleaved({
        runA: async (r) => Math.exp(10 + (data[r]?.[0] as number)),
        runB: async (r) => Math.exp(10 + (data[r]?.[1] as number)),
        metric: 'throughput',
        correction: 'none',
        minRatio: 1,
        minRounds: 3,
        maxRounds: 30,
        resamples: 400,
      });
      if (c.verdict === 'faster' || c.verdict === 'slower') naiveWrong++;
    }
    expect(naiveWrong / runs).toBeGreaterThan(ALPHA + mcTolerance(ALPHA, runs));
  });

  it('shows most A/A pairs equivalent within ±5% when the per-block noise is small enough', () => {
    // Needs half-width ≤ ln 1.05 ≈ 0.049: with t ≈ 3 and 30 blocks, a per-block sd up to ≈ 0.08
    // in the best case; at sd 0.04 it takes about ten blocks.
    const runs = 500;
    let equivalent = 0;
    for (let s = 0; s < runs; s++) {
      if (experiment(3000 + s, [0, 0], normal(0.04), plan).pairs[0]?.verdict === 'no-difference') {
        equivalent++;
      }
    }
    expect(equivalent / runs).toBeGreaterThan(0.9);
  });

  it('does not call a true 8% difference "no difference" at ±5%, nor a 4% one "faster" at ≥1.05×', () => {
    const runs = 1500;
    let falseEquivalence = 0;
    let falseFaster = 0;
    for (let s = 0; s < runs; s++) {
      const eight = experiment(5000 + s, [Math.log(1.08), 0], normal(0.08), plan).pairs[0];
      if (eight?.verdict === 'no-difference') falseEquivalence++;
      const four = experiment(9000 + s, [Math.log(1.04), 0], normal(0.08), plan).pairs[0];
      if (four?.verdict === 'faster') falseFaster++;
    }
    expect(falseEquivalence / runs).toBeLessThanOrEqual(ALPHA + mcTolerance(ALPHA, runs));
    expect(falseFaster / runs).toBeLessThanOrEqual(ALPHA + mcTolerance(ALPHA, runs));
  });
});

describe('Holm across a ranking of four targets', () => {
  it('keeps the family-wise rate of false calls ≤ α over all six pairs', () => {
    const truth = [0, 0, Math.log(1.2), Math.log(1.2)];
    const runs = 600;
    let anyFalse = 0;
    for (let s = 0; s < runs; s++) {
      const result = experiment(20_000 + s, truth, normal(0.1), { minLooks: 3, maxLooks: 25 });
      const index = (name: string) => Number(name.slice(1));
      const wrong = result.pairs.some((p) =>
        isFalseCall(
          p.verdict,
          (truth[index(p.a)] as number) - (truth[index(p.b)] as number),
          result.minRatio,
          result.equivalenceMargin,
        ),
      );
      if (wrong) anyFalse++;
      expect(result.comparisons).toBe(6);
      expect(result.reported.map((r) => r.kind)).toEqual([
        'adjacent, vs-best',
        'adjacent',
        'adjacent',
        'vs-best',
        'vs-best',
      ]);
    }
    expect(anyFalse / runs).toBeLessThanOrEqual(ALPHA + mcTolerance(ALPHA, runs));
  });

  it('ranks by geometric mean and decides clear gaps early', () => {
    const result = experiment(7, [Math.log(2), 0, Math.log(1.5), Math.log(3)], normal(0.05), {
      minLooks: 3,
      maxLooks: 20,
    });
    expect(result.ranking.map((r) => r.target)).toEqual(['t3', 't0', 't2', 't1']);
    expect(result.allDecided).toBe(true);
    expect(result.blocks).toBeLessThanOrEqual(5);
    for (const pair of result.reported) {
      expect(pair.verdict).toBe('faster');
      expect(pair.lower).toBeGreaterThan(1.05);
      expect(pair.ratio).toBeGreaterThan(pair.lower);
    }
    expect(result.expectedFalseCalls).toBeLessThanOrEqual(ALPHA * 3);
  });

  it('leaves the comparisons of an undecidable target inconclusive, with the reason', () => {
    const rng = createRandom(3);
    const family = new RankingFamily(['go', 'node', 'python'], {
      metric: 'throughput',
      plan: { minLooks: 3, maxLooks: 10 },
    });
    family.markUndecidable('go', 'load generator saturated');
    for (let b = 0; b < 6; b++) {
      family.addBlock({ go: 9e4 * (1 + rng.normal(0, 0.02)), node: 3e4, python: 1e4 });
    }
    const result = family.evaluate();
    const withGo = result.pairs.filter((p) => p.a === 'go' || p.b === 'go');
    expect(
      withGo.every((p) => p.verdict === 'inconclusive' && p.note === 'load generator saturated'),
    ).toBe(true);
    expect(result.pairs.find((p) => p.a === 'node' && p.b === 'python')?.verdict).toBe('faster');
    expect(result.allDecided).toBe(true);
    expect(result.ranking[0]).toMatchObject({
      target: 'go',
      undecidable: 'load generator saturated',
    });
  });
});

describe('rounds to decision: Pocock vs the previous Bonferroni procedure, same data', () => {
  it('decides a planted 10% difference sooner, with no false call either way', async () => {
    const rounds = { pocock: [] as number[], bonferroni: [] as number[] };
    for (let s = 0; s < 40; s++) {
      const rng = createRandom(300 + s);
      const data = Array.from({ length: 20 }, () => {
        const drift = rng.normal(0, 0.2);
        return {
          a: Math.exp(drift + rng.normal(0, 0.06)),
          b: Math.exp(drift + Math.log(1.1) + rng.normal(0, 0.06)),
        };
      });
      for (const correction of ['pocock', 'bonferroni'] as const) {
        const c = await compareInterleaved({
          runA: async (r) => (data[r] as { a: number }).a,
          runB: async (r) => (data[r] as { b: number }).b,
          metric: 'median',
          correction,
          maxRounds: 20,
        });
        // B's latencies are 10% higher: A is faster.
        expect(c.verdict === 'slower' || c.verdict === 'no-difference').toBe(false);
        rounds[correction].push(c.verdict === 'faster' ? c.rounds : 21);
      }
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(rounds.pocock)).toBeLessThan(mean(rounds.bonferroni));
  });
});
