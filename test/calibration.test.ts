import { describe, expect, it } from 'vitest';
import { formatCalibration, goals } from '../src/cli/calibrate.ts';
import {
  blockLogRatios,
  type Calibration,
  type CaseOutcome,
  missReason,
} from '../src/load/calibration.ts';
import { boundInMostBlocks, type FamilyRun, type RankingRun } from '../src/load/ranking-run.ts';
import type { Result } from '../src/load/result.ts';

/** `lab calibrate`'s bookkeeping: goals, block ratios, the printed table (no measurement). */
const outcome = (over: Partial<CaseOutcome>): CaseOutcome => ({
  id: 'aa-trivial',
  description: 'A/A',
  phase: 'throughput',
  expected: 'no-difference',
  planted: 0,
  spinNs: 0,
  repeats: 20,
  counts: { faster: 0, slower: 1, 'no-difference': 18, inconclusive: 1 },
  blocks: [12, 14, 9],
  seconds: [70, 80, 55],
  blockSd: 0.041,
  minimumDetectableRatio: 1.081,
  medianRatio: 1.002,
  misses: [],
  ...over,
});

const calibration = (cases: CaseOutcome[]): Calibration => ({
  kind: 'backend-benchmark-lab/calibration',
  at: '2026-12-03T23:00:00.000Z',
  machine: { cpu: 'AMD EPYC', cores: 2 },
  budgetSeconds: 180,
  repeats: 20,
  alpha: 0.05,
  target: 'fastify',
  cpuPerRequestUs: 30,
  cases,
  seconds: 3600,
});

describe('calibration goals', () => {
  it('judges A/A false differences, equivalence and the power on a planted 10%', () => {
    const result = goals(
      calibration([
        outcome({}),
        outcome({
          phase: 'latency',
          counts: { faster: 2, slower: 0, 'no-difference': 15, inconclusive: 3 },
        }),
        outcome({
          id: 'planted-10',
          expected: 'faster',
          planted: 0.1,
          counts: { faster: 19, slower: 0, 'no-difference': 0, inconclusive: 1 },
        }),
        outcome({
          id: 'planted-10',
          phase: 'latency',
          expected: 'faster',
          planted: 0.1,
          counts: { faster: 18, slower: 1, 'no-difference': 0, inconclusive: 1 },
        }),
      ]),
    );
    const met = Object.fromEntries(result.map((g) => [g.goal, g.met]));
    expect(met['aa-trivial throughput: called faster/slower in ≤ 5% of repeats']).toBe(true);
    expect(
      met['aa-trivial throughput: called no-difference (±5%) in ≥ 80% within the budget'],
    ).toBe(true);
    expect(met['aa-trivial latency: called faster/slower in ≤ 5% of repeats']).toBe(false);
    expect(met['aa-trivial latency: called no-difference (±5%) in ≥ 80% within the budget']).toBe(
      false,
    );
    expect(
      met['planted-10 throughput: the planted copy called slower in ≥ 90%, never faster'],
    ).toBe(true);
    // 18/20 found but once the wrong way round: not met.
    expect(met['planted-10 latency: the planted copy called slower in ≥ 90%, never faster']).toBe(
      false,
    );
  });

  it('prints the table and the goals', () => {
    const text = formatCalibration(calibration([outcome({})]));
    expect(text).toContain('Calibration of 2026-12-03T23:00:00.000Z on AMD EPYC (2 cores)');
    expect(text).toMatch(
      /aa-trivial +throughput +same +0 +1 +18 +1 +12 \/ 70 +4\.1% +1\.002× +1\.081×/,
    );
    expect(text).toContain(
      '✓ aa-trivial throughput: called faster/slower in ≤ 5% of repeats: 1/20 (5%)',
    );
    expect(text).not.toContain('without the expected verdict');
  });

  it('lists the repeats that missed the expected verdict, with why', () => {
    const text = formatCalibration(
      calibration([
        outcome({
          phase: 'latency',
          misses: ['repeat 5: inconclusive 0.977× after 16 blocks (127 s); budget ran out'],
        }),
      ]),
    );
    expect(text).toContain(
      'Repeats without the expected verdict, and why:\n  aa-trivial latency, repeat 5: inconclusive 0.977× after 16 blocks (127 s); budget ran out',
    );
  });
});

describe('missReason', () => {
  const family = (over: Partial<FamilyRun>): FamilyRun =>
    ({
      phase: 'latency',
      blocks: 3,
      stoppedBy: 'decided',
      generatorBound: {},
      reported: [{ a: 'a', b: 'b', verdict: 'inconclusive' }],
      ...over,
    }) as unknown as FamilyRun;
  const run = (problems: string[]): RankingRun => ({ problems }) as unknown as RankingRun;

  it('says the budget ran out when nothing else went wrong', () => {
    expect(missReason(run([]), family({ stoppedBy: 'time', blocks: 16 }))).toBe('budget ran out');
  });

  it('names generator-bound slices, the pair note and slices with errors of that family only', () => {
    const why = missReason(
      run([
        'a latency block 2: 3 errors, 0 failed checks of 900',
        'b throughput block 1: 1 errors, 0 failed checks of 800',
      ]),
      family({
        generatorBound: { a: { slices: 2, why: 'open model behind schedule: 700/s of 1000/s' } },
        reported: [
          {
            a: 'a',
            b: 'b',
            verdict: 'inconclusive',
            note: 'faster than the load generator can measure (…)',
          },
        ] as unknown as FamilyRun['reported'],
      }),
    );
    expect(why).toBe(
      'faster than the load generator can measure (…); stopped: nothing left to decide; a: 2 of 3 slices not counted (open model behind schedule: 700/s of 1000/s); 1 slice(s) with errors (a latency block 2: 3 errors, 0 failed checks of 900)',
    );
  });
});

describe('boundInMostBlocks', () => {
  it('marks a target only when most of at least three blocks were generator-bound', () => {
    // One stalled slice in the first block used to end the comparison at once.
    expect(boundInMostBlocks(1, 1)).toBe(false);
    expect(boundInMostBlocks(2, 2)).toBe(false);
    expect(boundInMostBlocks(1, 3)).toBe(false);
    expect(boundInMostBlocks(2, 3)).toBe(true);
    expect(boundInMostBlocks(2, 4)).toBe(false);
    expect(boundInMostBlocks(3, 5)).toBe(true);
  });
});

describe('blockLogRatios', () => {
  const result = (
    target: string,
    block: number,
    throughput: number,
    p50: number,
    phase = 'throughput',
  ): Result =>
    ({
      target,
      throughput,
      latency: { p50 },
      meta: { phase, block },
    }) as unknown as Result;
  it('pairs the blocks of one family, oriented so that positive means A is better', () => {
    const run = {
      results: [
        result('a', 0, 200, 1),
        result('b', 0, 100, 2),
        result('b', 1, 100, 2),
        result('a', 1, 100, 2),
        result('a', 2, 100, 1), // no B in block 2: left out
        result('a', 0, 0, 1, 'latency'),
        result('b', 0, 0, 4, 'latency'),
      ],
    } as unknown as RankingRun;
    expect(blockLogRatios(run, 'throughput', 'a', 'b')).toEqual([Math.log(2), 0]);
    expect(blockLogRatios(run, 'latency', 'a', 'b')).toEqual([Math.log(4)]);
  });
});
