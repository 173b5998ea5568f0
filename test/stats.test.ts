import { describe, expect, it } from 'vitest';
import type { Result } from '../src/load/result.ts';
import {
  bootstrapRatio,
  type Comparison,
  ComparisonAssertionError,
  classify,
  compareInterleaved,
  createRandom,
  decide,
  describeComparison,
  expectFaster,
  expectNoDifference,
  expectNotSlower,
  expectSlower,
  nominalLevel,
  type RoundProgress,
} from '../src/stats/index.ts';

/**
 * Everything here is synthetic and seeded: no wall-clock timing, so the suite is deterministic
 * and machine-independent. "Latencies" are numbers drawn from seeded generators.
 */

/** Per-round multiplicative drift shared by both sides, as on a real machine. */
function drift(seed: number, rounds = 64, sd = 0.1): number[] {
  const rng = createRandom(seed);
  return Array.from({ length: rounds }, () => Math.exp(rng.normal(0, sd)));
}

/** A synthetic latency source: base × shared drift × own lognormal noise, plus a fixed delay. */
function side(seed: number, base: number, opts: { cv?: number; delay?: number; drift?: number[] }) {
  const rng = createRandom(seed);
  const cv = opts.cv ?? 0.03;
  return async (round: number): Promise<number> =>
    base * (opts.drift?.[round] ?? 1) * Math.exp(rng.normal(0, cv)) + (opts.delay ?? 0);
}

function normals(seed: number, n: number, mean: number, sd: number): number[] {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () => rng.normal(mean, sd));
}

describe('bootstrapRatio', () => {
  it('covers the true ratio on A ~ N(10, 1), B ~ N(12, 1)', () => {
    const ci = bootstrapRatio(normals(1, 30, 10, 1), normals(2, 30, 12, 1), {
      higherIsBetter: false,
    });
    expect(ci.lower).toBeLessThan(1.2);
    expect(ci.upper).toBeGreaterThan(1.2);
    expect(ci.lower).toBeGreaterThan(1);
    expect(ci.ratio).toBeGreaterThan(ci.lower);
    expect(ci.ratio).toBeLessThan(ci.upper);
    expect(ci).toMatchObject({ confidence: 0.95, rounds: 30, method: 'bca' });
  });

  it('reads throughput the other way round (higher is better)', () => {
    const ci = bootstrapRatio(normals(3, 20, 1200, 30), normals(4, 20, 1000, 30), {
      higherIsBetter: true,
    });
    expect(ci.lower).toBeGreaterThan(1.1);
    expect(ci.upper).toBeLessThan(1.3);
  });

  it('is symmetric: swapping A and B inverts the ratio and the interval', () => {
    const a = normals(5, 12, 10, 1);
    const b = normals(6, 12, 11, 1);
    for (const method of ['percentile', 'bca'] as const) {
      const ab = bootstrapRatio(a, b, { higherIsBetter: false, method });
      const ba = bootstrapRatio(b, a, { higherIsBetter: false, method });
      expect(ba.ratio).toBeCloseTo(1 / ab.ratio, 10);
      expect(ba.lower).toBeCloseTo(1 / ab.upper, 3);
      expect(ba.upper).toBeCloseTo(1 / ab.lower, 3);
    }
  });

  it('is reproducible from its seed, and a higher confidence widens the interval', () => {
    const a = normals(7, 10, 10, 1);
    const b = normals(8, 10, 10, 1);
    const one = bootstrapRatio(a, b, { higherIsBetter: false, seed: 42 });
    expect(bootstrapRatio(a, b, { higherIsBetter: false, seed: 42 })).toEqual(one);
    const wide = bootstrapRatio(a, b, { higherIsBetter: false, seed: 42, confidence: 0.99 });
    expect(wide.lower).toBeLessThan(one.lower);
    expect(wide.upper).toBeGreaterThan(one.upper);
  });

  it('gives a zero-width interval when every round has the same ratio', () => {
    const ci = bootstrapRatio([10, 20, 30], [15, 30, 45], { higherIsBetter: false });
    expect(ci.ratio).toBeCloseTo(1.5, 12);
    expect(ci.lower).toBeCloseTo(1.5, 12);
    expect(ci.upper).toBeCloseTo(1.5, 12);
  });

  it('covers the true ratio in most of 300 simulated experiments of 15 rounds', () => {
    // Calibration check: nominal 95%; small-sample bootstrap runs a little narrow.
    const rng = createRandom(99);
    let covered = 0;
    const trials = 300;
    for (let t = 0; t < trials; t++) {
      const a: number[] = [];
      const b: number[] = [];
      for (let r = 0; r < 15; r++) {
        const shared = Math.exp(rng.normal(0, 0.2));
        a.push(10 * shared * Math.exp(rng.normal(0, 0.05)));
        b.push(13 * shared * Math.exp(rng.normal(0, 0.05)));
      }
      const ci = bootstrapRatio(a, b, { higherIsBetter: false, resamples: 2000, seed: t });
      if (ci.lower <= 1.3 && 1.3 <= ci.upper) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.88);
  });

  it('rejects unpaired, non-positive or too few rounds', () => {
    const opts = { higherIsBetter: false };
    expect(() => bootstrapRatio([1, 2], [1], opts)).toThrow(/paired/);
    expect(() => bootstrapRatio([1, 0], [1, 1], opts)).toThrow(/positive/);
    expect(() => bootstrapRatio([1, Number.NaN], [1, 1], opts)).toThrow(/positive/);
    expect(() => bootstrapRatio([1], [1], opts)).toThrow(/at least 2/);
    expect(() => bootstrapRatio([1, 2], [1, 2], { ...opts, confidence: 1 })).toThrow(/confidence/);
  });
});

describe('verdicts', () => {
  it.each([
    [1.25, 1.4, 'faster'],
    [1.15, 1.4, 'inconclusive'], // maybe ≥ 1.2×, maybe not
    [1.06, 1.15, 'inconclusive'], // faster, but less than asked and more than negligible
    [0.97, 1.04, 'no-difference'],
    [0.5, 0.8, 'slower'], // B ≥ 1.2× faster
    [0.85, 0.9, 'inconclusive'], // B faster, but not by 1.2×
    [0.9, 1.3, 'inconclusive'],
  ] as const)('[%s, %s] with minRatio 1.2 → %s', (lower, upper, verdict) => {
    expect(classify(lower, upper, { minRatio: 1.2 })).toBe(verdict);
  });

  it('minRatio 1 means any significant difference; it wins over equivalence', () => {
    expect(classify(1.01, 1.03, { minRatio: 1 })).toBe('faster');
    expect(classify(0.97, 0.99, { minRatio: 1 })).toBe('slower');
    expect(classify(0.99, 1.03, { minRatio: 1 })).toBe('no-difference');
    expect(classify(1, 1.03, { minRatio: 1 })).toBe('no-difference');
  });

  it('by default a gap must exceed the 5% equivalence margin to be called', () => {
    expect(classify(1.01, 1.03)).toBe('no-difference');
    expect(classify(0.97, 0.99)).toBe('no-difference');
    expect(classify(1.02, 1.08)).toBe('inconclusive');
    expect(classify(1.06, 1.3)).toBe('faster');
    expect(classify(0.7, 0.94)).toBe('slower');
  });

  it('honours the equivalence margin and validates its options', () => {
    expect(classify(0.93, 1.06, { equivalenceMargin: 1.1 })).toBe('no-difference');
    expect(classify(0.93, 1.06)).toBe('inconclusive');
    expect(() => classify(1, 1, { minRatio: 0.9 })).toThrow(/minRatio/);
    expect(() => classify(1, 1, { equivalenceMargin: 1 })).toThrow(/equivalenceMargin/);
  });

  it('decide() carries the interval and the question asked', () => {
    const ci = { ratio: 1.3, lower: 1.25, upper: 1.35, confidence: 0.9, rounds: 8 } as const;
    expect(decide({ ...ci, method: 'bca' }, { minRatio: 1.2, metric: 'p95' })).toEqual({
      verdict: 'faster',
      ratio: 1.3,
      lower: 1.25,
      upper: 1.35,
      confidence: 0.9,
      rounds: 8,
      metric: 'p95',
      minRatio: 1.2,
      equivalenceMargin: 1.05,
    });
  });
});

describe('compareInterleaved', () => {
  it('A/A (a target against itself, with noise and drift) → no-difference', async () => {
    const d = drift(10);
    const c = await compareInterleaved({
      runA: side(11, 10, { drift: d }),
      runB: side(12, 10, { drift: d }),
      metric: 'p95',
    });
    expect(c.verdict).toBe('no-difference');
    expect(c.lower).toBeGreaterThanOrEqual(1 / 1.05);
    expect(c.upper).toBeLessThanOrEqual(1.05);
  });

  it('A/A never claims faster or slower across many seeds', async () => {
    for (let seed = 0; seed < 20; seed++) {
      const d = drift(1000 + seed);
      const c = await compareInterleaved({
        runA: side(2000 + seed, 10, { drift: d, cv: 0.08 }),
        runB: side(3000 + seed, 10, { drift: d, cv: 0.08 }),
        metric: 'median',
        resamples: 2000,
        seed,
      });
      expect(['no-difference', 'inconclusive']).toContain(c.verdict);
    }
  });

  it('detects a planted slowdown (B = A + fixed delay) early, in both directions', async () => {
    const d = drift(20);
    const fast = side(21, 10, { drift: d });
    const slow = side(22, 10, { drift: d, delay: 3 });
    const c = await compareInterleaved({ runA: fast, runB: slow, metric: 'p95', minRatio: 1.1 });
    expect(c.verdict).toBe('faster');
    expect(c.stoppedEarly).toBe(true);
    expect(c.rounds).toBeLessThan(c.maxRounds);
    expect(c.lower).toBeLessThan(1.3);
    expect(c.upper).toBeGreaterThan(1.3);

    const reversed = await compareInterleaved({
      runA: side(23, 10, { drift: d, delay: 3 }),
      runB: side(24, 10, { drift: d }),
      metric: 'p95',
      minRatio: 1.1,
    });
    expect(reversed.verdict).toBe('slower');
  });

  it('runs to the budget and says inconclusive when the effect is borderline', async () => {
    // True ratio 1.2 with minRatio 1.2: the interval keeps straddling the threshold.
    const d = drift(30);
    const c = await compareInterleaved({
      runA: side(31, 10, { drift: d, cv: 0.05 }),
      runB: side(32, 12, { drift: d, cv: 0.05 }),
      metric: 'p95',
      minRatio: 1.2,
      maxRounds: 12,
    });
    expect(c.verdict).toBe('inconclusive');
    expect(c.rounds).toBe(12);
    expect(c.stoppedEarly).toBe(false);
    expect(c.lower).toBeLessThan(1.2);
    expect(c.upper).toBeGreaterThan(1.2);
  });

  it('alternates the order (ABBA), reports progress and keeps per-round values', async () => {
    const calls: string[] = [];
    const progress: RoundProgress[] = [];
    const c = await compareInterleaved({
      runA: async (round) => {
        calls.push(`A${round}`);
        return 10 + round / 100;
      },
      runB: async (round) => {
        calls.push(`B${round}`);
        return 20 + round / 100;
      },
      metric: 'mean',
      minRounds: 3,
      maxRounds: 6,
      onRound: (p) => {
        progress.push(p);
      },
    });
    expect(calls.slice(0, 6)).toEqual(['A0', 'B0', 'B1', 'A1', 'A2', 'B2']);
    expect(c.orders.slice(0, 3)).toEqual(['AB', 'BA', 'AB']);
    expect(c.a).toEqual([10, 10.01, 10.02]);
    expect(c.verdict).toBe('faster');
    expect(progress.map((p) => p.decision?.verdict)).toEqual([undefined, undefined, 'faster']);
    expect(c).toMatchObject({ looks: 4, correction: 'pocock', labels: { a: 'A', b: 'B' } });
    expect(c).toMatchObject({ decidedAtRound: 3, stoppedBy: 'decided', method: 't' });
    // One nominal level for every look, between the unadjusted 95% and Bonferroni's 1 − 0.05/4.
    expect(c.lookConfidence).toBeCloseTo(1 - nominalLevel({ minLooks: 3, maxLooks: 6 }, 0.05), 12);
    expect(c.lookConfidence).toBeGreaterThan(0.95);
    expect(c.lookConfidence).toBeLessThan(1 - 0.05 / 4);
  });

  it('is deterministic: the same inputs and seed give the same comparison', async () => {
    const run = () =>
      compareInterleaved({
        runA: side(40, 10, { cv: 0.1 }),
        runB: side(41, 10.5, { cv: 0.1 }),
        metric: 'p95',
        seed: 7,
      });
    expect(await run()).toEqual(await run());
  });

  it('compares Results on the chosen metric and collects their sanity warnings', async () => {
    const rng = createRandom(50);
    const runA = async () => fakeResult('fastify', { p95: 8 * Math.exp(rng.normal(0, 0.02)) });
    const runB = async () =>
      fakeResult('express', { p95: 12 * Math.exp(rng.normal(0, 0.02)), errors: 3 });
    const c = await compareInterleaved({ runA, runB, metric: 'p95', minRatio: 1.2 });
    expect(c.verdict).toBe('faster');
    expect(c.labels).toEqual({ a: 'fastify', b: 'express' });
    expect(c.results.a).toHaveLength(c.rounds);
    expect(c.warnings[0]).toMatch(/^express, round 1: error rate 0\.3% \(3 of 1000\)/);

    const thr = await compareInterleaved({
      runA: async () => fakeResult('a', { throughput: 900 }),
      runB: async () => fakeResult('b', { throughput: 1000 }),
      metric: 'throughput',
    });
    expect(thr.verdict).toBe('slower');
  });

  it('refuses to compare a failed run', async () => {
    await expect(
      compareInterleaved({
        runA: async () => fakeResult('a', {}),
        runB: async () => ({ ...fakeResult('b', {}), failure: 'target crashed' }),
        metric: 'p95',
      }),
    ).rejects.toThrow(/b, round 1: run failed: target crashed/);
  });

  it('validates the round settings', async () => {
    const run = async () => 1;
    await expect(
      compareInterleaved({ runA: run, runB: run, metric: 'p95', minRounds: 1 }),
    ).rejects.toThrow(/minRounds/);
    await expect(
      compareInterleaved({ runA: run, runB: run, metric: 'p95', minRounds: 6, maxRounds: 5 }),
    ).rejects.toThrow(/maxRounds/);
  });
});

describe('expect helpers', () => {
  const d = drift(60);
  const fast = () => side(61, 10, { drift: d });
  const slow = () => side(62, 10, { drift: d, delay: 3 });

  it('expectFaster / expectSlower / expectNoDifference / expectNotSlower pass', async () => {
    const c = await expectFaster(fast(), slow(), { metric: 'p95', minRatio: 1.2 });
    expect(c.verdict).toBe('faster');
    await expectSlower(slow(), fast(), { metric: 'p95', minRatio: 1.2 });
    await expectNoDifference(fast(), side(63, 10, { drift: d }), { metric: 'p95' });
    await expectNotSlower(fast(), slow(), { metric: 'p95' });
  });

  it('fails with the verdict and the interval in the message', async () => {
    const error = await expectFaster(side(70, 10, { cv: 0.05 }), side(71, 12, { cv: 0.05 }), {
      metric: 'p95',
      minRatio: 1.2,
      confidence: 0.95,
      maxRounds: 12,
      labels: { a: 'fastify', b: 'express' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComparisonAssertionError);
    const e = error as ComparisonAssertionError;
    expect(e.name).toBe('AssertionError');
    expect(e.message).toMatch(
      /^expected fastify to be ≥1\.20× faster than express on p95: verdict inconclusive, ratio \d\.\d\d \[\d\.\d\d, \d\.\d\d\] at 95% over 12 rounds \(interval at 9\d\.\d+% per look, 10 looks\)$/,
    );
    expect(e.comparison.rounds).toBe(12);
  });

  it('describes a wrong-direction result as such', async () => {
    await expect(expectFaster(slow(), fast(), { metric: 'p95' })).rejects.toThrow(
      /expected A to be ≥1.05× faster than B on p95: verdict slower, .* over [34] rounds, stopped early/,
    );
  });

  it('describeComparison omits the per-look part for a fixed design', () => {
    const c = {
      verdict: 'no-difference',
      ratio: 1.001,
      lower: 0.98,
      upper: 1.02,
      confidence: 0.9,
      lookConfidence: 0.9,
      looks: 1,
      rounds: 10,
      stoppedEarly: false,
    } as Comparison;
    expect(describeComparison(c)).toBe(
      'verdict no-difference, ratio 1.00 [0.98, 1.02] at 90% over 10 rounds',
    );
  });
});

function fakeResult(
  target: string,
  o: { p95?: number; throughput?: number; errors?: number },
): Result {
  const p95 = o.p95 ?? 10;
  const throughput = o.throughput ?? 1000;
  return {
    engine: 'inprocess',
    scenario: 'health',
    target,
    settings: { model: 'closed', durationSeconds: 1, concurrency: 10 },
    requests: 1000,
    throughput,
    // Little's law holds: 10 in flight = throughput × mean.
    latency: {
      count: 1000,
      min: 1,
      mean: (10 / throughput) * 1000,
      p50: p95 / 2,
      p90: p95 * 0.9,
      p95,
      p99: p95 * 1.5,
      p999: p95 * 2,
      max: p95 * 3,
    },
    errors: o.errors ?? 0,
    failedChecks: 0,
    statuses: { '200': 1000 },
    warnings: [],
    startedAt: '2025-01-01T00:00:00.000Z',
    meta: {},
  };
}
