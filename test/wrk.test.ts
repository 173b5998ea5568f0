import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrivialServer, type TrivialServer } from '../src/load/baseline/physical-limit.ts';
import { pinningPlan } from '../src/load/pinning.ts';
import type { LoadSettings } from '../src/load/result.ts';
import { findWrk, parseWrkOutput, runWrk, WRK_FIX } from '../src/load/wrk.ts';

/** wrk as an engine against the trivial server; counts and shapes only, no timing asserted. */
const wrk = findWrk();
const skip = 'path' in wrk ? undefined : `${wrk.reason}; ${WRK_FIX}`;
const oneSecond: LoadSettings = { model: 'closed', concurrency: 4, durationSeconds: 1 };

describe.skipIf(skip !== undefined)(`runWrk${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let server: TrivialServer;
  beforeAll(async () => {
    server = await startTrivialServer();
  });
  afterAll(() => server?.stop());

  it('parses a real run: requests, µs percentiles in ms, exact statuses', async () => {
    const plan = pinningPlan();
    const result = await runWrk({
      baseUrl: server.url,
      path: '/health',
      settings: oneSecond,
      threads: 1,
      ...(plan.enabled ? { cpus: plan.generatorCpus } : {}),
    });
    expect(result.failure).toBeUndefined();
    expect(result.engine).toBe('wrk');
    expect(result.scenario).toBe('GET /health');
    expect(result.requests).toBeGreaterThan(0);
    expect(result.throughput).toBeGreaterThan(0);
    expect(result.statuses).toEqual({ '200': result.requests });
    expect(result.errors).toBe(0);
    expect(result.failedChecks).toBe(0);
    const { count, min, p50, p90, p95, p99, p999, max } = result.latency;
    expect(count).toBe(result.requests);
    expect(p50).toBeGreaterThan(0);
    expect([min, p50, p90, p95, p99, p999, max]).toEqual(
      [min, p50, p90, p95, p99, p999, max].sort((a, b) => a - b),
    );
    expect(result.meta).toMatchObject({
      'wrk.threads': 1,
      connections: 4,
      'wrk.exitCode': 0,
      'wrk.statusesCounted': true,
      transportErrors: 0,
    });
    expect(result.meta['wrk.version']).toEqual(expect.any(String));
    expect(result.meta.loadGeneratorCpuPercent).toBeGreaterThan(0);
    if (plan.enabled) expect(result.meta['wrk.cpus']).toBe(plan.generatorCpus);
  });

  it('without the response hook: status classes, 4xx/5xx as failed checks', async () => {
    const fast = { settings: oneSecond, countStatuses: false };
    const ok = await runWrk({ baseUrl: server.url, path: '/health', ...fast });
    expect(ok.failure).toBeUndefined();
    expect(ok.requests).toBeGreaterThan(0);
    expect(ok.statuses).toEqual({ '2xx/3xx': ok.requests });
    expect(ok.meta['wrk.statusesCounted']).toBe(false);

    const missing = await runWrk({ baseUrl: server.url, path: '/nope', ...fast });
    expect(missing.requests).toBeGreaterThan(0);
    expect(missing.statuses).toEqual({ '4xx/5xx': missing.requests });
    expect(missing.failedChecks).toBe(missing.requests);
    expect(missing.errors).toBe(missing.requests);
  });

  it('a warm-up is a separate run that is not counted', async () => {
    const started = Date.now();
    const result = await runWrk({
      baseUrl: server.url,
      path: '/health',
      settings: { ...oneSecond, warmupSeconds: 1 },
    });
    expect(result.failure).toBeUndefined();
    expect(result.requests).toBeGreaterThan(0);
    // Two runs of at least a second each.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it('leaves no wrk process behind', async () => {
    await runWrk({ baseUrl: server.url, path: '/health', settings: oneSecond });
    const left = spawnSync('pgrep', ['-P', String(process.pid), '-x', 'wrk'], {
      encoding: 'utf8',
    });
    expect(left.stdout.trim()).toBe('');
  });
});

describe('wrk missing or misused', () => {
  const target = { baseUrl: 'http://127.0.0.1:9', path: '/health', settings: oneSecond };

  it('WRK_BIN pointing at nothing: a failed Result that says how to install wrk', async () => {
    const result = await runWrk({ ...target, env: { WRK_BIN: '/nonexistent/wrk', PATH: '' } });
    expect(result.engine).toBe('wrk');
    expect(result.requests).toBe(0);
    expect(result.failure).toMatch(/WRK_BIN=\/nonexistent\/wrk is not an executable file/);
    expect(result.failure).toMatch(/apt-get install wrk/);
    expect(result.failure).toMatch(/bash scripts\/setup\.sh/);
  });

  it('no wrk on PATH: the same instructions', async () => {
    const result = await runWrk({ ...target, env: { PATH: '/nonexistent-dir' } });
    expect(result.failure).toMatch(/no wrk on PATH/);
    expect(result.failure).toMatch(/apt-get install wrk/);
    expect(result.failure).toMatch(/bash scripts\/setup\.sh/);
  });

  it('refuses the open model and fractional durations', async () => {
    const open = await runWrk({
      ...target,
      settings: { model: 'open', ratePerSecond: 100, durationSeconds: 1 },
    });
    expect(open.failure).toMatch(/closed model only/);
    const fractional = await runWrk({
      ...target,
      settings: { ...oneSecond, durationSeconds: 0.5 },
    });
    expect(fractional.failure).toMatch(/whole seconds/);
  });
});

describe('parseWrkOutput', () => {
  it('finds the JSON line among wrk output', () => {
    const line =
      'WRK_JSON {"requests":10,"durationMicros":1000000,"bytes":100,' +
      '"errors":{"connect":0,"read":0,"write":0,"status":0,"timeout":0},' +
      '"latencyMicros":{"min":50,"max":900,"mean":120.5,"stdev":3.2,' +
      '"percentiles":{"50":100,"90":200,"95":300,"99":400,"99.9":900}},' +
      '"statuses":{"200":10},"threads":1,"utimeTicks":3,"stimeTicks":4}';
    const output = `Running 1s test @ http://x/health\n  Latency Distribution\n${line}\nRequests/sec: 10\n`;
    expect(parseWrkOutput(output)).toMatchObject({
      requests: 10,
      statuses: { '200': 10 },
      latencyMicros: { percentiles: { '99.9': 900 } },
    });
    expect(parseWrkOutput('Requests/sec: 10')).toBeUndefined();
    expect(parseWrkOutput('WRK_JSON {broken')).toBeUndefined();
  });
});
