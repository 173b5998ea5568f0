import { describe, expect, it } from 'vitest';
import { newLatencyHistogram } from '../src/load/histogram.ts';
import { findK6, k6SkipReason } from '../src/load/k6/binary.ts';
import {
  executionSegments,
  generatorCpuLists,
  mergeSegmentParts,
  runK6Segments,
  type SegmentPart,
} from '../src/load/k6/segments.ts';
import type { LoadSettings, Result } from '../src/load/result.ts';
import { useFastify } from './support/cli-child.ts';

// Several k6 processes need the binary (the grafana/k6 image runs one at a time).
const skip = (await k6SkipReason()) ?? (findK6() ? undefined : 'no k6 binary (K6_BIN or PATH)');

describe('execution segments', () => {
  it('splits a run into N equal segments with their sequence', () => {
    expect(executionSegments(1)).toEqual({ segments: ['0:1'], sequence: '0,1' });
    expect(executionSegments(2)).toEqual({ segments: ['0:1/2', '1/2:1'], sequence: '0,1/2,1' });
    expect(executionSegments(3)).toEqual({
      segments: ['0:1/3', '1/3:2/3', '2/3:1'],
      sequence: '0,1/3,2/3,1',
    });
    expect(() => executionSegments(0)).toThrow(/positive integer/);
  });

  it('gives each generator one generator CPU, sharing when there are fewer CPUs', () => {
    expect(generatorCpuLists(2, '1')).toEqual(['1', '1']);
    expect(generatorCpuLists(3, '2-3')).toEqual(['2', '3', '2']);
    expect(generatorCpuLists(2, undefined)).toEqual([undefined, undefined]);
  });

  it('adds counts and judges generator CPU over every process', () => {
    const part = (requests: number, cpuPercent: number, cpus: string): SegmentPart => ({
      segment: '?',
      cpuPercent,
      cpus,
      samples: undefined,
      result: {
        engine: 'k6',
        scenario: 's',
        target: 't',
        settings: { model: 'closed', durationSeconds: 2, concurrency: 2 },
        requests,
        throughput: requests / 2,
        latency: {
          count: requests,
          min: 1,
          mean: 1,
          p50: 1,
          p90: 1,
          p95: 1,
          p99: 1,
          p999: 1,
          max: 1,
        },
        errors: 1,
        failedChecks: 0,
        statuses: { '200': requests - 1, '0': 1 },
        warnings: [],
        startedAt: '',
        meta: { 'k6.iterations': requests, 'k6.exitCode': 0, 'k6.testRunDurationMs': 2000 },
      },
    });
    const merged = mergeSegmentParts([part(100, 60, '1'), part(50, 50, '1')], executionSegments(2));
    expect(merged).toMatchObject({
      requests: 150,
      throughput: 75,
      errors: 2,
      statuses: { '200': 148, '0': 2 },
    });
    expect(merged.meta).toMatchObject({
      'k6.iterations': 150,
      'k6.testRunDurationMs': 2000,
      'k6.instanceRequests': '100 50',
      'k6.generators': 2,
      // 110% of one core between two processes on CPU 1: saturated, whichever alone was not.
      loadGeneratorCpuPercent: 110,
    });
    // No raw samples: the merged Result cannot have latency and says so.
    expect(merged.failure).toMatch(/no raw samples/);
    expect(merged.warnings.join('\n')).toMatch(/2 k6 processes shared generator CPUs 1/);
  });
});

describe.skipIf(skip !== undefined)(
  `k6 on several generators against fastify${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const fastify = useFastify();

    // A fixed iteration count: the same work whatever the number of processes.
    const fixed: LoadSettings = {
      model: 'closed',
      durationSeconds: 0,
      concurrency: 4,
      operations: 1500,
    };
    const run = (generators: number, inspect?: (parts: readonly SegmentPart[]) => void) =>
      runK6Segments({
        script: 'k6/basic/01-lightweight.js',
        scenario: '01-lightweight',
        target: 'fastify',
        baseUrl: fastify().url,
        settings: fixed,
        generators,
        cpus: '0',
        ...(inspect ? { inspect } : {}),
      });

    const clean = (result: Result) => {
      expect(result.failure).toBeUndefined();
      expect(result.errors).toBe(0);
      expect(result.failedChecks).toBe(0);
      expect(result.latency.count).toBe(result.requests);
      expect(result.throughput).toBeGreaterThan(0);
    };

    it('N = 2 segments make the same requests as N = 1, and percentiles are the union’s', async () => {
      const one = await run(1);
      let parts: readonly SegmentPart[] = [];
      const two = await run(2, (p) => {
        parts = p;
      });
      clean(one);
      clean(two);
      expect(one.requests).toBe(1500);
      expect(two.requests).toBe(one.requests);
      expect(two.statuses).toEqual({ '200': 1500 });
      expect(two.meta['k6.instanceRequests']).toBe('750 750');
      expect(two.meta).toMatchObject({ 'k6.generators': 2, 'k6.segments': '0:1/2 1/2:1' });
      expect(two.meta['k6.generatorCpus']).toBe('0 0');
      expect(two.warnings.join('\n')).toMatch(/2 k6 processes shared generator CPUs 0/);
      expect(typeof two.meta.loadGeneratorCpuPercent).toBe('number');

      // Every measured sample of both processes, µs as recorded.
      const union = parts.flatMap((p) => p.samples?.durationsMs ?? []);
      expect(union).toHaveLength(1500);
      expect(parts.map((p) => p.samples?.durationsMs?.length)).toEqual([750, 750]);
      const micros = union.map((ms) => Math.max(1, Math.round(ms * 1000))).sort((a, b) => a - b);

      // The merged histograms are the histogram of the union, bucket for bucket.
      const ofUnion = newLatencyHistogram();
      for (const value of micros) ofUnion.recordValue(value);
      for (const p of [50, 90, 95, 99, 99.9]) {
        expect(two.latency[p === 99.9 ? 'p999' : (`p${p}` as 'p50')]).toBe(
          ofUnion.getValueAtPercentile(p) / 1000,
        );
      }
      // And they are the union's exact nearest-rank percentiles within the histogram's precision
      // (3 significant digits: a bucket is at most 1/1024 of its value wide).
      for (const [key, p] of [
        ['p50', 50],
        ['p90', 90],
        ['p95', 95],
        ['p99', 99],
        ['p999', 99.9],
      ] as const) {
        // Nearest rank, ceil(p% of n), in integers (0.999 × 20000 is 19980.000000000004 in floats).
        const rank = Math.ceil((Math.round(p * 10) * micros.length) / 1000);
        const exact = micros[Math.max(1, rank) - 1] as number;
        // Back from ms to µs, rounded to the ns: 4.047 ms × 1000 is 4046.9999999999995 in floats.
        const merged = Math.round(two.latency[key] * 1e6) / 1000;
        expect(merged, `${key}: merged ${merged} µs, exact ${exact} µs`).toBeGreaterThanOrEqual(
          exact,
        );
        expect(
          merged - exact,
          `${key}: merged ${merged} µs, exact ${exact} µs`,
        ).toBeLessThanOrEqual(exact / 1000 + 1);
      }
      expect(Math.round(two.latency.max * 1e6) / 1000).toBeGreaterThanOrEqual(
        micros.at(-1) as number,
      );
      expect(Math.round(two.latency.min * 1e6) / 1000).toBeLessThanOrEqual(micros[0] as number);
    }, 120_000);

    it('a duration run on 2 generators splits the VUs and gives one clean Result', async () => {
      const result = await runK6Segments({
        script: 'k6/basic/01-lightweight.js',
        scenario: '01-lightweight',
        target: 'fastify',
        baseUrl: fastify().url,
        settings: { model: 'closed', durationSeconds: 1, concurrency: 2, warmupSeconds: 1 },
        generators: 2,
      });
      clean(result);
      expect(result.requests).toBeGreaterThan(0);
      const perInstance = String(result.meta['k6.instanceRequests']).split(' ').map(Number);
      expect(perInstance).toHaveLength(2);
      expect(perInstance.every((n) => n > 0)).toBe(true);
      expect((perInstance[0] as number) + (perInstance[1] as number)).toBe(result.requests);
      expect(result.throughput).toBeCloseTo(result.requests / 1);
    }, 60_000);
  },
);
