import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { contractValidators } from '../src/conformance/schemas.ts';
import { echoPayloadPath, loadEchoPayload } from '../src/contract/index.ts';
import { useLab } from '../src/infra/vitest.ts';
import {
  createInProcessApp,
  IN_PROCESS_TARGETS,
  type InProcessApp,
} from '../src/load/micro/inject.ts';
import { microResult, type TinybenchLike } from '../src/load/micro/result.ts';
import { issueToken } from '../src/targets/shared/auth.ts';

// In-process targets need a real pg URL (GET /users/1 queries it) but never the upstream.
const lab = useLab({ fixtures: ['users'], scale: 0.01 });
const envOf = () => ({ DATABASE_URL: lab.pg.url, UPSTREAM_URL: 'http://127.0.0.1:9' });
const validators = contractValidators();
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

/** Active handles of one kind (`TCPSocketWrap`, `TCPServerWrap`) in this process. */
const handles = (kind: string) =>
  process.getActiveResourcesInfo().filter((resource) => resource === kind).length;

/** Sockets close a tick or two after pool.end() resolves: wait for the count, briefly. */
async function settlesTo(kind: string, count: number): Promise<number> {
  for (let i = 0; i < 50 && handles(kind) > count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return handles(kind);
}

test('the four targets are available in-process', () => {
  expect([...IN_PROCESS_TARGETS].sort()).toEqual([
    'express',
    'fastify',
    'nestjs-express',
    'nestjs-fastify',
  ]);
});

test('an unknown target is refused with the valid names', async () => {
  await expect(createInProcessApp('koa', envOf())).rejects.toThrow(
    /Unknown in-process target "koa"\. Valid targets: express, fastify, nestjs-express, nestjs-fastify/,
  );
});

describe.each(IN_PROCESS_TARGETS)('in-process %s', (name) => {
  let app: InProcessApp;
  let token: string;
  const baseline = { sockets: 0, servers: 0 };

  beforeAll(async () => {
    baseline.sockets = handles('TCPSocketWrap');
    baseline.servers = handles('TCPServerWrap');
    app = await createInProcessApp(name, envOf());
    token = await issueToken('micro-test', app.config.authSecret);
  });

  afterAll(async () => {
    await app?.close();
  });

  test('builds with the configuration main.ts would read, and listens on nothing', () => {
    expect(app.name).toBe(name);
    expect(app.config.dbPool).toBe(10);
    expect(handles('TCPServerWrap')).toBe(baseline.servers);
  });

  test('GET /health → 200 {status: ok}', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
    expect(json(response.body)).toEqual({ status: 'ok' });
  });

  test('POST /echo echoes the 4 KB payload', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: readFileSync(echoPayloadPath, 'utf8'),
    });
    expect(response.statusCode).toBe(200);
    expect(json(response.body)).toEqual(loadEchoPayload());
  });

  test('GET /protected → 401 without a token, 200 with one', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/protected' });
    expect(anonymous.statusCode).toBe(401);
    expect(validators.response('get', '/protected', 401)?.validate(json(anonymous.body))).toEqual(
      [],
    );
    expect(json(anonymous.body)).toMatchObject({ error: { code: 'unauthorized' } });

    const authorized = await app.inject({
      method: 'GET',
      url: '/protected',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(authorized.statusCode).toBe(200);
    expect(json(authorized.body)).toMatchObject({ subject: 'micro-test' });
  });

  test('an unknown route → 404 in the contract error shape', async () => {
    const response = await app.inject({ method: 'GET', url: '/no-such-route' });
    expect(response.statusCode).toBe(404);
    expect(validators.component('NotFoundError').validate(json(response.body))).toEqual([]);
    expect(json(response.body)).toMatchObject({ error: { code: 'not_found' } });
  });

  test('GET /users/1 goes through the real pg pool', async () => {
    const response = await app.inject({ method: 'GET', url: '/users/1' });
    expect(response.statusCode).toBe(200);
    expect(json(response.body)).toMatchObject({ id: 1 });
    expect(handles('TCPSocketWrap')).toBeGreaterThan(baseline.sockets);
  });

  test('close() ends the pool (no socket left), twice is harmless, and a new cycle works', async () => {
    await app.close();
    await app.close();
    expect(await settlesTo('TCPSocketWrap', baseline.sockets)).toBe(baseline.sockets);

    const again = await createInProcessApp(name, envOf());
    try {
      expect((await again.inject({ method: 'GET', url: '/users/2' })).statusCode).toBe(200);
    } finally {
      await again.close();
    }
    expect(await settlesTo('TCPSocketWrap', baseline.sockets)).toBe(baseline.sockets);
    expect(handles('TCPServerWrap')).toBe(baseline.servers);
  });
});

describe('microResult', () => {
  // 100 samples of 0.01 … 1.00 ms: median 0.505, mean 0.505, total 50.5 ms.
  const samples = Array.from({ length: 100 }, (_, i) => (i + 1) / 100);
  const fake: TinybenchLike = {
    name: 'fastify',
    latency: {
      samplesCount: 100,
      min: 0.01,
      max: 1,
      mean: 0.505,
      p50: 0.505,
      p75: 0.7525,
      p99: 0.9901,
      p999: 0.99901,
      rme: 2,
      samples,
    },
    totalTime: 50.5,
    runtime: 'node',
    runtimeVersion: '24.0.0',
  };
  const options = {
    scenario: '01-lightweight',
    target: 'fastify',
    startedAt: '2025-01-01T00:00:00.000Z',
    expectedStatus: 200,
    warmupSeconds: 0.1,
    meta: { dbPool: 10 },
  };

  test('converts a tinybench result into a micro Result', () => {
    const result = microResult(fake, options);
    expect(result).toMatchObject({
      engine: 'micro',
      scenario: '01-lightweight',
      target: 'fastify',
      settings: { model: 'closed', concurrency: 1, durationSeconds: 0.0505, warmupSeconds: 0.1 },
      requests: 100,
      errors: 0,
      failedChecks: 0,
      statuses: { '200': 100 },
      warnings: [],
      startedAt: '2025-01-01T00:00:00.000Z',
      meta: { runtime: 'node', runtimeVersion: '24.0.0', rmePercent: 2, dbPool: 10 },
    });
    // 100 requests in 50.5 ms of measured time.
    expect(result.throughput).toBeCloseTo(100 / 0.0505, 6);
    expect(result.latency).toEqual({
      count: 100,
      min: 0.01,
      mean: 0.505,
      p50: 0.505,
      p90: expect.closeTo(0.901, 9),
      p95: expect.closeTo(0.9505, 9),
      p99: 0.9901,
      p999: 0.99901,
      max: 1,
    });
    expect(result.variant).toBeUndefined();
  });

  test('without retained samples p90/p95 are interpolated, with a warning; noise is flagged', () => {
    const result = microResult(
      { ...fake, latency: { ...fake.latency, samples: undefined, rme: 12.5 } },
      { ...options, variant: 'v' },
    );
    // Linear between p75 (0.7525) and p99 (0.9901).
    expect(result.latency.p90).toBeCloseTo(0.7525 + (0.15 / 0.24) * 0.2376, 9);
    expect(result.latency.p95).toBeCloseTo(0.7525 + (0.2 / 0.24) * 0.2376, 9);
    expect(result.warnings).toEqual([
      expect.stringMatching(/p90\/p95 interpolated/),
      expect.stringMatching(/12\.5%/),
    ]);
    expect(result.variant).toBe('v');
  });

  test('an empty result gives zero throughput, not NaN', () => {
    const result = microResult(
      { latency: { ...fake.latency, samplesCount: 0 }, totalTime: 0 },
      options,
    );
    expect(result.throughput).toBe(0);
    expect(result.warnings).toContain('only 0 samples');
  });
});
