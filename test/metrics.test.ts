import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTarget } from '../src/conformance/index.ts';
import { startUpstream, type Upstream } from '../src/infra/upstream.ts';
import { useLab } from '../src/infra/vitest.ts';
import { type RunningTarget, startTarget, type TargetEnv } from '../src/launcher/launch.ts';
import {
  defaultTargetNames,
  frameworkVersion,
  getTarget,
  REPO_ROOT,
} from '../src/launcher/registry.ts';
import {
  type HistogramSeries,
  histogramSeries,
  type MetricFamily,
  parsePrometheusText,
} from './support/prom-text.ts';
import { findPrometheus } from './support/prometheus.ts';

/**
 * `/metrics` on every target (LAB_METRICS=1): parsed strictly (test/support/prom-text.ts) and,
 * where Prometheus is installed, by Prometheus's own parser (`promtool check metrics`): the
 * request histogram by route template, event-loop lag, heap, GC, target info; the contract still
 * holds with metrics on; and without the flag `/metrics` is the contract's 404. A real
 * Prometheus scraping a target: test/metrics-prometheus.test.ts.
 */

const prometheus = findPrometheus();
const promtool = prometheus ? join(prometheus, '../promtool') : undefined;

const lab = useLab({ fixtures: ['users'], scale: 0.01 });
let upstream: Upstream | undefined;

beforeAll(async () => {
  // `pnpm test` builds the NestJS targets first (pnpm build:targets); say so rather than fail
  // with a module-not-found log tail.
  const built = join(REPO_ROOT, 'build/nestjs/targets/shared/metrics.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run pnpm build:targets first`);
  upstream = await startUpstream({ delayMs: 1 });
});

afterAll(async () => {
  await upstream?.stop();
});

const targetEnv = (): TargetEnv => ({
  DATABASE_URL: lab.pg.url,
  UPSTREAM_URL: (upstream as Upstream).url,
});

function family(families: Map<string, MetricFamily>, name: string): MetricFamily {
  const found = families.get(name);
  if (!found) throw new Error(`no ${name} in /metrics (families: ${[...families.keys()]})`);
  return found;
}

/** The histogram series whose labels are exactly these. */
function seriesWith(
  all: HistogramSeries[],
  labels: Record<string, string>,
): HistogramSeries | undefined {
  return all.find(
    (series) =>
      Object.keys(series.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([key, value]) => series.labels[key] === value),
  );
}

/** A gauge's or counter's single value. */
function single(families: Map<string, MetricFamily>, name: string): number {
  const samples = family(families, name).samples;
  expect(samples, name).toHaveLength(1);
  return (samples[0] as { value: number }).value;
}

/** Requests with known outcomes, by route template; returns nothing, the test reads /metrics. */
async function exercise(url: string): Promise<void> {
  const get = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${url}${path}`, init);
    await response.arrayBuffer();
    return response.status;
  };
  // /metrics itself first: scrapes must not be counted.
  expect(await get('/metrics')).toBe(200);
  for (const id of [1, 2, 3]) expect(await get(`/users/${id}`)).toBe(200);
  expect(await get('/users/2147483000')).toBe(404);
  expect(await get('/users/abc')).toBe(400);
  expect(await get('/users?limit=5')).toBe(200);
  expect(
    await get('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'metrics' }),
    }),
  ).toBe(200);
  expect(await get('/no-such-route/12345')).toBe(404);
  expect(await get('/users', { method: 'DELETE' })).toBe(405);
}

// The framework targets: the ORM variants (fastify+typeorm, …) share their metrics code.
describe.each(defaultTargetNames())('target %s', (name) => {
  const definition = getTarget(name);

  describe('with LAB_METRICS=1', () => {
    let target: RunningTarget | undefined;

    beforeAll(async () => {
      target = await startTarget(name, targetEnv(), { extraEnv: { LAB_METRICS: '1' } });
    });

    afterAll(async () => {
      const stopped = await target?.stop();
      if (stopped) expect(stopped).toEqual({ graceful: true, exit: 0, exited: true });
    });

    it('serves the request histogram by route template, event-loop lag, heap, GC and its info', async () => {
      const url = (target as RunningTarget).url;
      await exercise(url);
      const response = await fetch(`${url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      const families = parsePrometheusText(text);

      const histogram = family(families, 'http_request_duration_seconds');
      expect(histogram.type).toBe('histogram');
      const all = histogramSeries(histogram); // also checks buckets are cumulative, +Inf = count
      const count = (method: string, route: string, status: number) =>
        seriesWith(all, { method, route, status: String(status) })?.count ?? 0;
      expect(count('GET', '/users/:id', 200)).toBe(3);
      expect(count('GET', '/users/:id', 404)).toBe(1);
      expect(count('GET', '/users/:id', 400)).toBe(1);
      expect(count('GET', '/users', 200)).toBe(1);
      expect(count('POST', '/echo', 200)).toBe(1);
      expect(count('GET', '/health', 200)).toBeGreaterThanOrEqual(1); // the launcher's polls
      expect(count('GET', 'unmatched', 404)).toBe(1);
      expect(count('DELETE', 'unmatched', 405)).toBe(1);

      // Route templates only: no raw ids or query strings, and scrapes are not counted.
      const routes = new Set(all.map((series) => series.labels.route));
      expect([...routes].sort()).toEqual(['/echo', '/health', '/users', '/users/:id', 'unmatched']);
      for (const series of all) {
        expect(Object.keys(series.labels).sort()).toEqual(['method', 'route', 'status']);
        expect([...series.buckets.keys()]).toEqual(
          expect.arrayContaining(['0.0001', '0.001', '10']),
        );
        expect(series.sum).toBeGreaterThan(0);
      }
      // The reads finish well under a second.
      expect(
        seriesWith(all, { method: 'GET', route: '/users/:id', status: '200' })?.buckets.get('1'),
      ).toBe(3);

      for (const gauge of [
        'nodejs_eventloop_lag_seconds',
        'nodejs_eventloop_lag_p99_seconds',
        'nodejs_eventloop_lag_mean_seconds',
        'nodejs_heap_size_total_bytes',
        'process_resident_memory_bytes',
      ]) {
        expect(family(families, gauge).type, gauge).toBe('gauge');
        expect(single(families, gauge), gauge).toBeGreaterThanOrEqual(0);
      }
      expect(single(families, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(1_000_000);
      const spaces = family(families, 'nodejs_heap_space_size_used_bytes').samples;
      expect(spaces.map((sample) => sample.labels.space)).toContain('old');
      expect(family(families, 'nodejs_gc_duration_seconds').type).toBe('histogram');
      expect(family(families, 'process_cpu_seconds_total').type).toBe('counter');

      const info = family(families, 'lab_target_info');
      expect(info.type).toBe('gauge');
      expect(info.samples).toEqual([
        {
          name: 'lab_target_info',
          labels: {
            target: name,
            framework: definition.framework,
            version: frameworkVersion(definition),
          },
          value: 1,
        },
      ]);

      // Prometheus's own parser, where installed: exit 0 (clean) or 3 (lint remarks only).
      if (promtool && existsSync(promtool)) {
        const check = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
        const output = `${check.stdout}${check.stderr}`;
        expect([0, 3], output).toContain(check.status);
        expect(output).not.toMatch(/error|http_request_duration_seconds|lab_target_info/i);
      }
    });

    it('still passes every contract check', async () => {
      const report = await verifyTarget((target as RunningTarget).url);
      expect(report.failed).toEqual([]);
      expect(report.passed.length).toBeGreaterThan(0);
    });
  });

  it('without LAB_METRICS, GET /metrics is the contract 404', async () => {
    // Explicitly empty: the runner's own environment may have LAB_METRICS=1.
    const target = await startTarget(name, targetEnv(), { extraEnv: { LAB_METRICS: '' } });
    try {
      const response = await fetch(`${target.url}/metrics`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({
        error: { code: 'not_found', message: expect.stringMatching(/.+/) },
      });
    } finally {
      expect(await target.stop()).toEqual({ graceful: true, exit: 0, exited: true });
    }
  });
});

it('a LAB_METRICS value other than 0 or 1 stops the target with one clear line', async () => {
  await expect(
    startTarget('express', targetEnv(), { extraEnv: { LAB_METRICS: 'yes' }, timeoutMs: 10_000 }),
  ).rejects.toThrow(
    /exited \(2\)[\s\S]*LAB_METRICS="yes" is invalid: expected 1 \(on\) or 0 \(off\)/,
  );
});
