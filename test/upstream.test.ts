import { readdirSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadUpstreamPayload } from '../src/contract/index.ts';
import { startUpstream } from '../src/infra/upstream.ts';
import { privateScratchRoot } from './support/servers.ts';

const scratch = privateScratchRoot('upstream-test');
const savedTmpdir = process.env.LAB_TMPDIR;
process.env.LAB_TMPDIR = scratch;

afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.LAB_TMPDIR;
  else process.env.LAB_TMPDIR = savedTmpdir;
  rmSync(scratch, { recursive: true, force: true });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startUpstream', () => {
  it('serves the fixed payload on GET /data, /health, and 404 elsewhere; stop() ends it', async () => {
    const upstream = await startUpstream({ delayMs: 5 });
    try {
      expect(upstream.delayMs).toBe(5);
      expect(upstream.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(isRunning(upstream.pid)).toBe(true);

      const data = await fetch(`${upstream.url}/data`);
      expect(data.status).toBe(200);
      expect(data.headers.get('content-type')).toBe('application/json');
      expect(await data.json()).toEqual(loadUpstreamPayload());

      const health = await fetch(`${upstream.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });

      for (const [method, path] of [
        ['GET', '/nope'],
        ['POST', '/data'],
      ]) {
        const res = await fetch(`${upstream.url}${path}`, { method });
        expect(res.status).toBe(404);
        expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
      }
    } finally {
      await upstream.stop();
    }
    expect(isRunning(upstream.pid)).toBe(false);
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('defaults to a 20 ms delay and serves concurrent requests', async () => {
    const upstream = await startUpstream();
    try {
      expect(upstream.delayMs).toBe(20);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${upstream.url}/data`).then((res) => res.json())),
      );
      for (const body of responses) expect(body).toEqual(loadUpstreamPayload());
    } finally {
      await upstream.stop();
    }
    expect(isRunning(upstream.pid)).toBe(false);
  });

  it('two stubs run side by side on different ports', async () => {
    const [a, b] = await Promise.all([startUpstream(), startUpstream({ delayMs: 0 })]);
    try {
      expect(a.url).not.toBe(b.url);
      expect((await fetch(`${b.url}/data`)).status).toBe(200);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('rejects a negative delay without starting anything', async () => {
    await expect(startUpstream({ delayMs: -1 })).rejects.toThrow(/delayMs/);
    expect(readdirSync(scratch)).toEqual([]);
  });
});
