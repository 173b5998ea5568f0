import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { K6SummaryError, parseK6Summary } from '../src/load/k6/summary.ts';
import type { LoadSettings } from '../src/load/result.ts';

/**
 * Real k6 v2.2.0 summaries (handleSummary data written by k6/lib/options.js), recorded against
 * the fastify target (users fixture, scale 0.01) with:
 *   closed-01-lightweight-warmup  WARMUP=1s DURATION=2s VUS=2            01-lightweight.js
 *   open-03-db-read               MODEL=open RATE=100 DURATION=2s         03-db-read.js
 *   closed-06-bad-token           TOKEN=wrong DURATION=1s VUS=1 (401s)    06-middleware-chain.js
 *   open-05-dropped-warmup        MODEL=open RATE=200 PRE_VUS=MAX_VUS=2 WARMUP=1s DURATION=2s
 */
function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/k6/${name}.json`, import.meta.url), 'utf8'));
}

const startedAt = '2026-11-25T06:40:00.000Z';
const closed: LoadSettings = {
  model: 'closed',
  durationSeconds: 2,
  concurrency: 2,
  warmupSeconds: 1,
};

describe('parseK6Summary', () => {
  it('reads the measured phase of a closed run, leaving the warm-up out', () => {
    const result = parseK6Summary(fixture('closed-01-lightweight-warmup'), {
      scenario: '01-lightweight',
      target: 'fastify',
      settings: closed,
      startedAt,
    });
    expect(result).toMatchObject({
      engine: 'k6',
      scenario: '01-lightweight',
      target: 'fastify',
      settings: closed,
      startedAt,
      // 28,094 requests in all, 19,592 of them measured.
      requests: 19592,
      throughput: 19592 / 2,
      errors: 0,
      failedChecks: 0,
      statuses: { '200': 19592 },
      warnings: [],
    });
    expect(result.failure).toBeUndefined();
    expect(result.latency).toEqual({
      count: 19592,
      min: 0.034,
      mean: 0.154,
      p50: 0.116,
      p90: 0.254,
      p95: 0.311,
      p99: 0.701,
      p999: 2.497,
      max: 4.599,
    });
    expect(result.meta).toMatchObject({ 'k6.vusMax': 2, 'k6.droppedIterations': 0 });
  });

  it('reads an open-model run', () => {
    const settings: LoadSettings = { model: 'open', durationSeconds: 2, ratePerSecond: 100 };
    const result = parseK6Summary(fixture('open-03-db-read'), {
      scenario: '03-db-read',
      target: 'fastify',
      variant: 'offset',
      settings,
      startedAt,
    });
    expect(result).toMatchObject({
      variant: 'offset',
      requests: 201,
      throughput: 100.5,
      errors: 0,
      failedChecks: 0,
      statuses: { '200': 201 },
    });
    expect(result.latency).toMatchObject({ count: 201, p50: 1.129, p90: 1.32, p99: 2.382 });
  });

  it('surfaces failed checks, errors and statuses of a run that got 401s', () => {
    const result = parseK6Summary(fixture('closed-06-bad-token'), {
      scenario: '06-middleware-chain',
      target: 'fastify',
      settings: { model: 'closed', durationSeconds: 1, concurrency: 1 },
      startedAt,
    });
    expect(result.requests).toBe(3131);
    expect(result.errors).toBe(3131);
    expect(result.failedChecks).toBe(6262);
    expect(result.statuses).toEqual({ '401': 3131 });
    expect(result.warnings.join('\n')).toMatch(/3131 of 3131 measured requests failed/);
    expect(result.warnings.join('\n')).toMatch(/6262 failed checks: status is 200 \(3131 failed\)/);
  });

  it('warns when the open model dropped iterations (counting the measured phase only)', () => {
    const result = parseK6Summary(fixture('open-05-dropped-warmup'), {
      scenario: '05-external-api',
      target: 'fastify',
      settings: { model: 'open', durationSeconds: 2, ratePerSecond: 200, warmupSeconds: 1 },
      startedAt,
    });
    expect(result.requests).toBe(161);
    expect(result.meta['k6.droppedIterations']).toBe(240);
    expect(result.warnings.join('\n')).toMatch(/dropped 240 iterations/);
    expect(result.latency.p50).toBeGreaterThan(20); // the upstream stub's 20 ms delay
  });

  it('keeps percentiles in order in every fixture', () => {
    for (const name of ['closed-01-lightweight-warmup', 'open-03-db-read', 'closed-06-bad-token']) {
      const { latency } = parseK6Summary(fixture(name), {
        scenario: name,
        target: 'fastify',
        settings: closed,
        startedAt,
      });
      const ordered = [latency.min, latency.p50, latency.p90, latency.p95, latency.p99];
      expect([...ordered].sort((a, b) => a - b)).toEqual(ordered);
      expect(latency.p999).toBeLessThanOrEqual(latency.max);
    }
  });

  it("keeps the script's own counters of the measured window (scenario 13's outcomes)", () => {
    const summary = {
      metrics: {
        'http_reqs{phase:measure}': { type: 'counter', values: { count: 100 } },
        'decrement_ok{phase:measure}': { type: 'counter', values: { count: 96 } },
        'decrement_conflict{phase:measure}': { type: 'counter', values: { count: 4 } },
        'decrement_retries{phase:measure}': { type: 'counter', values: { count: 17 } },
        decrement_ok: { type: 'counter', values: { count: 150 } },
        'iterations{phase:measure}': { type: 'counter', values: { count: 100 } },
      },
    };
    const result = parseK6Summary(summary, {
      scenario: 'x',
      target: 'y',
      settings: closed,
      startedAt,
    });
    expect(result.meta).toMatchObject({
      'k6.decrement_ok': 96,
      'k6.decrement_conflict': 4,
      'k6.decrement_retries': 17,
      'k6.iterations': 100,
    });
    expect(Object.keys(result.meta).filter((k) => k.startsWith('k6.decrement'))).toHaveLength(3);
  });

  it('refuses summaries without the measured sub-metrics, saying why', () => {
    const context = { scenario: 'x', target: 'y', settings: closed, startedAt };
    expect(() => parseK6Summary({ nope: 1 }, context)).toThrow(K6SummaryError);
    expect(() => parseK6Summary({ metrics: { http_reqs: { values: {} } } }, context)).toThrow(
      /k6\/lib\/options\.js/,
    );
  });
  it('puts the latency of every tagged step of an iteration in the metadata (19-flow.js)', () => {
    const summary = fixture('closed-01-lightweight-warmup') as {
      metrics: Record<string, { type: string; values: Record<string, number> }>;
    };
    const step = (med: number) => ({
      type: 'trend',
      values: { med, 'p(95)': med * 2, 'p(99)': med * 3, count: 10 },
    });
    summary.metrics['http_req_duration{phase:measure,step:login}'] = step(0.8);
    summary.metrics['http_req_duration{phase:measure,step:readback}'] = step(0.25);
    const result = parseK6Summary(summary, {
      scenario: '19-real-world-flow',
      target: 'fastify',
      settings: closed,
      startedAt,
    });
    expect(result.meta).toMatchObject({
      'step.login.p50': 0.8,
      'step.login.p95': 1.6,
      'step.login.p99': 2.4,
      'step.login.count': 10,
      'step.readback.p50': 0.25,
    });
    const plain = parseK6Summary(fixture('closed-01-lightweight-warmup'), {
      scenario: '01-lightweight',
      target: 'fastify',
      settings: closed,
      startedAt,
    });
    expect(Object.keys(plain.meta).filter((key) => key.startsWith('step.'))).toEqual([]);
  });
});
