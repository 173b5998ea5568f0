import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startUpstream, type Upstream } from '../src/infra/upstream.ts';
import { useLab } from '../src/infra/vitest.ts';
import { type RunningTarget, startTarget } from '../src/launcher/launch.ts';
import { findK6, K6UnavailableError, k6Availability, k6SkipReason } from '../src/load/k6/binary.ts';
import { runK6 } from '../src/load/k6/run.ts';
import type { LoadSettings, Result } from '../src/load/result.ts';
import { issueToken } from '../src/targets/shared/auth.ts';

// Undefined when k6 is usable; a visible reason otherwise. Under CI=true a missing k6 throws here,
// failing the file instead of skipping it (.ci/run builds k6 with scripts/setup.sh).
const skip = await k6SkipReason();
const short: LoadSettings = { model: 'closed', durationSeconds: 2, concurrency: 2 };

function expectCleanRun(result: Result): void {
  expect(result.failure).toBeUndefined();
  expect(result.engine).toBe('k6');
  expect(result.requests).toBeGreaterThan(0);
  expect(result.throughput).toBeCloseTo(result.requests / result.settings.durationSeconds);
  expect(result.errors).toBe(0);
  expect(result.failedChecks).toBe(0);
  expect(result.latency.count).toBe(result.requests);
  const { min, p50, p90, p95, p99, p999, max } = result.latency;
  expect(min).toBeGreaterThan(0);
  for (const [low, high] of [
    [min, p50],
    [p50, p90],
    [p90, p95],
    [p95, p99],
    [p99, p999],
    [p999, max],
  ] as const) {
    expect(low).toBeLessThanOrEqual(high);
  }
  expect(result.meta).toMatchObject({ 'k6.exitCode': 0 });
  expect(result.meta['k6.version']).toMatch(/^\d+\.\d+\.\d+/);
}

describe.skipIf(skip !== undefined)(
  `runK6 against fastify${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const lab = useLab({ fixtures: ['users'], scale: 0.01 });
    let upstream: Upstream | undefined;
    let target: RunningTarget | undefined;
    let token = '';

    beforeAll(async () => {
      upstream = await startUpstream();
      target = await startTarget('fastify', {
        DATABASE_URL: lab.pg.url,
        UPSTREAM_URL: upstream.url,
      });
      token = await issueToken('k6-test', 'lab-secret');
    });

    afterAll(async () => {
      await Promise.all([target?.stop(), upstream?.stop()]);
    });

    const run = (
      script: string,
      scenario: string,
      extra: Partial<Parameters<typeof runK6>[0]> = {},
    ) =>
      runK6({
        script: `k6/basic/${script}`,
        scenario,
        target: 'fastify',
        baseUrl: (target as RunningTarget).url,
        settings: short,
        ...extra,
      });

    it('01: a closed-model run gives a complete Result', async () => {
      const result = await run('01-lightweight.js', '01-lightweight');
      expectCleanRun(result);
      expect(result).toMatchObject({
        scenario: '01-lightweight',
        target: 'fastify',
        settings: short,
      });
      expect(result.statuses).toEqual({ '200': result.requests });
    });

    it('04: every write answers 201 with unique emails', async () => {
      const result = await run('04-db-write.js', '04-db-write');
      expectCleanRun(result);
      expect(result.statuses).toEqual({ '201': result.requests });
      await lab.reset();
    });

    it('06: the middleware chain with a valid token', async () => {
      const result = await run('06-middleware-chain.js', '06-middleware-chain', {
        env: { TOKEN: token },
      });
      expectCleanRun(result);
    });

    it('01: the open model offers the configured rate, warm-up excluded', async () => {
      const settings: LoadSettings = {
        model: 'open',
        durationSeconds: 2,
        ratePerSecond: 50,
        warmupSeconds: 1,
      };
      const result = await run('01-lightweight.js', '01-lightweight', { settings });
      expectCleanRun(result);
      // constant-arrival-rate starts an iteration at t=0 and every 20 ms: ~100 in 2 s.
      expect(result.requests).toBeGreaterThanOrEqual(95);
      expect(result.requests).toBeLessThanOrEqual(105);
      expect(result.meta['k6.droppedIterations']).toBe(0);
    });

    it('06: a wrong token turns into failed checks and errors, not an exception', async () => {
      const result = await run('06-middleware-chain.js', '06-middleware-chain', {
        env: { TOKEN: 'not-a-jwt' },
        settings: { model: 'closed', durationSeconds: 1, concurrency: 1 },
      });
      expect(result.failure).toBeUndefined();
      expect(result.requests).toBeGreaterThan(0);
      expect(result.failedChecks).toBeGreaterThan(0);
      expect(result.errors).toBe(result.requests);
      expect(result.statuses).toEqual({ '401': result.requests });
      expect(result.meta['k6.exitCode']).toBe(99);
      expect(result.warnings.join('\n')).toMatch(/thresholds crossed/);
    });

    it('a script that cannot start comes back as a failure with k6 output', async () => {
      const result = await run('06-middleware-chain.js', '06-middleware-chain'); // no TOKEN
      expect(result.requests).toBe(0);
      expect(result.failure).toMatch(/without a summary/);
      expect(result.failure).toMatch(/needs a bearer token in TOKEN/);
    });
  },
);

describe('k6 availability', () => {
  const missing = { K6_BIN: '/nonexistent/k6', PATH: '/nonexistent-dir' };
  const noRuntime = async () => ({ ok: false, reason: 'no socket' });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('finds k6 from K6_BIN or PATH with its version', () => {
    const found = findK6();
    if (skip) expect(found).toBeUndefined();
    else {
      expect(found?.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(findK6({ K6_BIN: found?.path })).toEqual(found);
      expect(findK6({ PATH: '/nonexistent-dir' })).toBeUndefined();
    }
  });

  it('explains how to get k6 when it is missing', async () => {
    const broken = await k6Availability(missing, noRuntime);
    expect(broken).toMatchObject({ available: false });
    if (broken.available) return;
    expect(broken.reason).toMatch(/K6_BIN=\/nonexistent\/k6 is not an executable file/);
    const availability = await k6Availability({ PATH: '/nonexistent-dir' }, noRuntime);
    expect(availability).toMatchObject({ available: false });
    if (availability.available) return;
    expect(availability.reason).toMatch(/no k6 on PATH/);
    expect(availability.reason).toMatch(
      /no Docker runtime for the grafana\/k6:2\.2\.0 image \(no socket\)/,
    );
    expect(availability.fix).toMatch(/bash scripts\/setup\.sh/);
    const reason = await k6SkipReason(missing, noRuntime);
    expect(reason).toMatch(/setup\.sh/);
    expect(reason).toMatch(/K6_BIN/);
  });

  it('falls back to the grafana/k6 image when a container runtime answers, never for a broken K6_BIN', async () => {
    const runtime = async () => ({ ok: true, reason: 'container runtime /var/run/docker.sock' });
    expect(await k6Availability({ PATH: '/nonexistent-dir' }, runtime)).toEqual({
      available: true,
      kind: 'container',
      image: 'grafana/k6:2.2.0',
      version: '2.2.0',
    });
    expect(await k6Availability(missing, runtime)).toMatchObject({ available: false });
  });

  it('fails instead of skipping under CI=true', async () => {
    await expect(k6SkipReason({ ...missing, CI: 'true' }, noRuntime)).rejects.toThrow(
      K6UnavailableError,
    );
    await expect(k6SkipReason({ ...missing, CI: 'true' }, noRuntime)).rejects.toThrow(/setup\.sh/);
  });

  it('runK6 without k6 returns a failed Result', async () => {
    vi.stubEnv('K6_BIN', '/nonexistent/k6');
    const result = await runK6({
      script: 'k6/basic/01-lightweight.js',
      scenario: '01-lightweight',
      target: 'none',
      baseUrl: 'http://127.0.0.1:9',
      settings: short,
    });
    expect(result.requests).toBe(0);
    expect(result.failure).toMatch(/k6 not found; .*setup\.sh/);
  });
});
