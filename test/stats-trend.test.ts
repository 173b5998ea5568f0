import { describe, expect, it } from 'vitest';
import { createRandom, type Random } from '../src/stats/random.ts';
import { classifyTrend, slopeInterval } from '../src/stats/trend.ts';
import { fitUsl, uslThroughput } from '../src/stats/usl.ts';

/**
 * The leak detector's statistics by simulation: memory series sampled every 250 ms for 4
 * minutes, with what real ones have — AR(1) noise, a GC saw-tooth (linear climb, sudden drop),
 * occasional allocation bursts. A planted linear growth must be found; a stationary series must
 * not be called growing more often than the interval's error rate allows.
 */
const SAMPLE_SECONDS = 0.25;
const MINUTES = 4;
const THRESHOLD = 1; // MiB per minute

function memorySeries(rng: Random, slopePerMinute: number): { t: number[]; y: number[] } {
  const n = Math.round((MINUTES * 60) / SAMPLE_SECONDS);
  const t: number[] = [];
  const y: number[] = [];
  let ar = 0;
  // A saw-tooth of 8–20 s per GC cycle, 6 MiB high, with a random phase.
  const period = 8 + rng.float() * 12;
  const phase = rng.float() * period;
  let burst = 0;
  for (let i = 0; i < n; i++) {
    const seconds = i * SAMPLE_SECONDS;
    ar = 0.9 * ar + rng.normal(0, 0.6);
    if (burst === 0 && rng.float() < 0.004) burst = 12; // 3-s allocation burst
    const extra = burst > 0 ? 4 : 0;
    if (burst > 0) burst--;
    const saw = (((seconds + phase) % period) / period) * 6;
    t.push(seconds / 60);
    y.push(120 + slopePerMinute * (seconds / 60) + saw + ar + extra);
  }
  return { t, y };
}

function verdicts(slope: number, runs: number, seed: number) {
  const rng = createRandom(seed);
  const counts = { growing: 0, flat: 0, inconclusive: 0 };
  for (let r = 0; r < runs; r++) {
    const { t, y } = memorySeries(rng, slope);
    counts[classifyTrend(slopeInterval(t, y), THRESHOLD)]++;
  }
  return counts;
}

describe('slopeInterval (batch means)', () => {
  it('recovers an exact line with a zero-width interval', () => {
    const x = Array.from({ length: 40 }, (_, i) => i);
    const s = slopeInterval(
      x,
      x.map((v) => 3 + 2 * v),
    );
    expect(s.slope).toBeCloseTo(2, 10);
    expect(s.upper - s.lower).toBeLessThan(1e-9);
    expect(s.batches).toBe(10);
  });

  it('refuses series too short for a t interval', () => {
    expect(() => slopeInterval([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])).toThrow(/at least 8 samples/);
  });

  it('finds a planted leak of 3 MiB/min under GC saw-teeth, bursts and AR(1) noise', () => {
    const counts = verdicts(3, 200, 11);
    expect(counts.growing).toBeGreaterThanOrEqual(190);
    expect(counts.flat).toBe(0);
  });

  it('does not call a stationary series growing more often than its 5% error rate', () => {
    const counts = verdicts(0, 400, 12);
    // Calling "growing" needs the interval above +threshold: rarer than a two-sided miss.
    expect(counts.growing).toBeLessThanOrEqual(10);
    // And most stationary runs are positively called flat within ±1 MiB/min.
    expect(counts.flat).toBeGreaterThanOrEqual(300);
  });

  it('the naive OLS interval (one batch per sample pair) would flag stationary saw-teeth', () => {
    // Why batch means: with 480 "independent" points the interval is far too narrow.
    const rng = createRandom(13);
    let wrong = 0;
    for (let r = 0; r < 200; r++) {
      const { t, y } = memorySeries(rng, 0);
      const naive = slopeInterval(t, y, { batches: t.length / 2 });
      if (naive.lower > 0 || naive.upper < 0) wrong++;
    }
    const batchMeans = verdicts(0, 200, 13);
    expect(wrong / 200).toBeGreaterThan(0.2);
    expect(batchMeans.growing / 200).toBeLessThan(0.05);
  });
});

describe('fitUsl', () => {
  it('recovers σ, κ and the peak of an exact USL curve', () => {
    const truth = { lambda: 1000, sigma: 0.08, kappa: 0.002 };
    const points = [1, 2, 4, 8, 16, 32, 64].map((n) => ({
      n,
      throughput: uslThroughput(truth, n),
    }));
    const fit = fitUsl(points);
    expect(fit.sigma).toBeCloseTo(0.08, 3);
    expect(fit.kappa).toBeCloseTo(0.002, 5);
    expect(fit.peakN).toBeCloseTo(Math.sqrt(0.92 / 0.002), 1);
    expect(fit.r2).toBeGreaterThan(0.9999);
    expect(fit.notes).toEqual([]);
  });

  it('says when there is no peak and when the fit is poor', () => {
    const linear = fitUsl([1, 2, 4, 8].map((n) => ({ n, throughput: 100 * n })));
    expect(linear.peakN).toBe(Number.POSITIVE_INFINITY);
    expect(linear.notes.join(' ')).toMatch(/κ ≈ 0/);
    const zigzag = fitUsl(
      [1, 2, 4, 8, 16, 32].map((n, i) => ({ n, throughput: i % 2 ? 100 : 900 })),
    );
    expect(zigzag.notes.join(' ')).toMatch(/poor fit/);
  });
});
