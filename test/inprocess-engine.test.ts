import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/infra/ports.ts';
import { runInProcess } from '../src/load/inprocess/engine.ts';

/** Behaviour of the in-process engine against a trivial server; no timing is asserted. */
let server: Server;
let baseUrl: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    req.resume();
    res.statusCode = req.url === '/fail' ? 500 : 200;
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const base = { scenario: 'test', target: 'node:http' };

describe('in-process engine', () => {
  it('closed model: counts every answer, latency percentiles are ordered', async () => {
    const result = await runInProcess({
      ...base,
      baseUrl,
      settings: { model: 'closed', concurrency: 4, durationSeconds: 0.5 },
      request: () => ({ method: 'GET', path: '/ok' }),
    });
    expect(result.requests).toBeGreaterThan(0);
    expect(result.errors).toBe(0);
    expect(result.statuses).toEqual({ 200: result.requests });
    expect(result.latency.count).toBe(result.requests);
    const { min, p50, p95, p99, p999, max } = result.latency;
    expect([min, p50, p95, p99, p999, max]).toEqual(
      [min, p50, p95, p99, p999, max].sort((a, b) => a - b),
    );
    expect(result.throughput).toBeGreaterThan(0);
    expect(result.meta.connections).toBe(4);
  });

  it('records microsecond resolution, not whole milliseconds', async () => {
    const result = await runInProcess({
      ...base,
      baseUrl,
      settings: { model: 'closed', concurrency: 1, durationSeconds: 0.3 },
      request: () => ({ method: 'GET', path: '/ok' }),
    });
    const fractional = [result.latency.p50, result.latency.p99, result.latency.mean].some(
      (value) => !Number.isInteger(value),
    );
    expect(fractional).toBe(true);
  });

  it('counts unexpected statuses as errors and failed checks', async () => {
    const result = await runInProcess({
      ...base,
      baseUrl,
      settings: { model: 'closed', concurrency: 2, durationSeconds: 0.3 },
      request: () => ({ method: 'GET', path: '/fail' }),
    });
    expect(result.requests).toBeGreaterThan(0);
    expect(result.errors).toBe(result.requests);
    expect(result.failedChecks).toBe(result.requests);
    expect(result.statuses).toEqual({ 500: result.requests });
  });

  it('open model: never sends more than the schedule allows', async () => {
    const result = await runInProcess({
      ...base,
      baseUrl,
      settings: { model: 'open', ratePerSecond: 200, durationSeconds: 0.5 },
      request: () => ({ method: 'GET', path: '/ok' }),
    });
    expect(result.requests).toBeGreaterThan(0);
    expect(result.requests).toBeLessThanOrEqual(100);
    expect(result.errors).toBe(0);
  });

  it('does not record the warm-up phase', async () => {
    const before = hits;
    const result = await runInProcess({
      ...base,
      baseUrl,
      settings: { model: 'closed', concurrency: 2, durationSeconds: 0.2, warmupSeconds: 0.2 },
      request: () => ({ method: 'GET', path: '/ok' }),
    });
    expect(hits - before).toBeGreaterThan(result.requests);
  });

  it('reports transport errors when nothing listens', async () => {
    const port = await freePort();
    const result = await runInProcess({
      ...base,
      baseUrl: `http://127.0.0.1:${port}`,
      settings: { model: 'closed', concurrency: 1, durationSeconds: 0.2 },
      request: () => ({ method: 'GET', path: '/ok' }),
    });
    expect(result.requests).toBe(0);
    expect(result.errors).toBeGreaterThan(0);
    expect(result.meta.transportErrors).toBe(result.errors);
  });
});
