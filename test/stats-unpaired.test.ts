import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/stats/random.ts';
import {
  bootstrapRatioUnpaired,
  decideUnpaired,
  locationOf,
  unpairedExpansion,
} from '../src/stats/unpaired.ts';

/**
 * The unpaired bootstrap on synthetic, seeded data: independent sets of runs (base vs head), so
 * no pairing by round. Planted differences must be found, A/A pairs must not be called
 * different, and a single run on a side can never decide anything.
 */
const runs = (seed: number, n: number, mean: number, sdFraction: number): number[] => {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () => rng.normal(mean, mean * sdFraction));
};

describe('bootstrapRatioUnpaired', () => {
  it('widens small samples like a pooled two-sample t-interval', () => {
    expect(unpairedExpansion(2, 2, 0.05)).toBeCloseTo(3.1, 1);
    expect(unpairedExpansion(5, 5, 0.05)).toBeCloseTo(1.315, 2);
    expect(unpairedExpansion(10, 10, 0.05)).toBeCloseTo(1.13, 2);
    // Unequal sides: the smaller one sets the variance correction.
    expect(unpairedExpansion(2, 10, 0.05)).toBeGreaterThan(unpairedExpansion(10, 10, 0.05));
  });

  it('orients the ratio: >1 means A is faster, for throughput and for latency', () => {
    const fast = [1100, 1110, 1090];
    const slow = [1000, 1010, 990];
    const thr = bootstrapRatioUnpaired(fast, slow, { higherIsBetter: true });
    expect(thr.ratio).toBeCloseTo(1.1, 5);
    expect(thr.lower).toBeLessThanOrEqual(thr.ratio);
    expect(thr.upper).toBeGreaterThanOrEqual(thr.ratio);
    // Latencies: lower is better, so A with 10 ms vs B with 11 ms is 1.1× faster.
    const lat = bootstrapRatioUnpaired([10, 10.1, 9.9], [11, 11.1, 10.9], {
      higherIsBetter: false,
    });
    expect(lat.ratio).toBeCloseTo(1.1, 5);
    expect(locationOf([3, 1, 2, 10], 'median')).toBe(2.5);
    expect(locationOf([3, 1, 2, 10], 'mean')).toBe(4);
  });

  it('is reproducible from its seed', () => {
    const a = runs(1, 5, 1000, 0.03);
    const b = runs(2, 5, 1000, 0.03);
    const x = bootstrapRatioUnpaired(a, b, { higherIsBetter: true, seed: 7 });
    const y = bootstrapRatioUnpaired(a, b, { higherIsBetter: true, seed: 7 });
    expect(x).toEqual(y);
  });

  it('refuses values that are not positive and finite, and single runs', () => {
    expect(() => bootstrapRatioUnpaired([1, 0], [1, 2], { higherIsBetter: true })).toThrow(
      /positive and finite/,
    );
    expect(() => bootstrapRatioUnpaired([1], [1, 2], { higherIsBetter: true })).toThrow(
      /at least 2 runs/,
    );
  });
});

describe('decideUnpaired', () => {
  it('detects a clear regression (head 10% slower, 2% noise, 5 runs each)', () => {
    const base = runs(11, 5, 1000, 0.02);
    const head = runs(12, 5, 900, 0.02);
    const d = decideUnpaired(head, base, { higherIsBetter: true, minRatio: 1.05 });
    expect(d.verdict).toBe('slower');
    expect(d.upper).not.toBeNull();
    expect(d.upper as number).toBeLessThan(1 / 1.05);
    expect(d.ratio).toBeGreaterThan(0.85);
    expect(d.ratio).toBeLessThan(0.95);
  });

  it('detects a clear regression with only 2 runs per side when the noise is small', () => {
    const d = decideUnpaired([900, 910], [1000, 1010], { higherIsBetter: true, minRatio: 1.05 });
    expect(d.verdict).toBe('slower');
  });

  it('detects an improvement in latency (head 20% lower median)', () => {
    const base = runs(21, 4, 10, 0.03);
    const head = runs(22, 4, 8, 0.03);
    expect(decideUnpaired(head, base, { higherIsBetter: false }).verdict).toBe('faster');
  });

  it('never calls A/A pairs different at the default 5% margin, and rarely with no margin', () => {
    let beyondMargin = 0;
    let anyDifference = 0;
    const sims = 200;
    for (let s = 0; s < sims; s++) {
      const a = runs(1000 + s, 5, 1000, 0.03);
      const b = runs(5000 + s, 5, 1000, 0.03);
      const d = decideUnpaired(a, b, { higherIsBetter: true, resamples: 2000, seed: s });
      if (d.verdict === 'faster' || d.verdict === 'slower') beyondMargin++;
      const strict = decideUnpaired(a, b, {
        higherIsBetter: true,
        resamples: 2000,
        seed: s,
        minRatio: 1,
      });
      if (strict.verdict === 'faster' || strict.verdict === 'slower') anyDifference++;
    }
    expect(beyondMargin).toBe(0);
    // Nominal 5% two-sided; the widened median interval is conservative.
    expect(anyDifference / sims).toBeLessThanOrEqual(0.08);
  });

  it('calls a tight A/A pair no-difference', () => {
    const a = runs(31, 6, 1000, 0.01);
    const b = runs(32, 6, 1000, 0.01);
    expect(decideUnpaired(a, b, { higherIsBetter: true }).verdict).toBe('no-difference');
  });

  it('is inconclusive with a note when a side has a single run, however large the gap', () => {
    const d = decideUnpaired([500], [1000, 1010, 990], { higherIsBetter: true });
    expect(d.verdict).toBe('inconclusive');
    expect(d.lower).toBeNull();
    expect(d.upper).toBeNull();
    expect(d.ratio).toBeCloseTo(0.5, 5);
    expect(d.note).toMatch(/at least 2 runs per side/);
    const none = decideUnpaired([], [1000, 1010], { higherIsBetter: true });
    expect(none.verdict).toBe('inconclusive');
    expect(Number.isNaN(none.ratio)).toBe(true);
  });
});
