import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessDriver, rampVus } from '../src/load/inprocess/engine.ts';
import { steadyAfter } from '../src/load/stress/cold-warm.ts';
import { parseHeapUsedMiB } from '../src/load/stress/heap-scraper.ts';
import { levelList, soakSettings } from '../src/load/stress/knobs.ts';
import { gcCycles, memoryTrend, rssSettled, soakVerdict } from '../src/load/stress/soak.ts';
import { recoverySeconds } from '../src/load/stress/spike.ts';
import type { SeriesPoint } from '../src/load/stress/types.ts';

/**
 * The stress runners' pieces that need no target: the engine's ramp against a local server that
 * counts requests in flight, and the readings taken from series (recovery, steady state, leak).
 */
describe('in-process ramp (ramping-vus equivalent)', () => {
  let server: Server;
  let url = '';
  let inFlight = 0;
  const seen: Array<{ at: number; inFlight: number }> = [];
  beforeAll(async () => {
    server = createServer((_req, res) => {
      inFlight++;
      seen.push({ at: performance.now(), inFlight });
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
        res.end('ok');
      }, 5);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('rampVus follows the stages linearly, like k6', () => {
    const stages = [
      { seconds: 1, target: 2 },
      { seconds: 1, target: 10 },
      { seconds: 1, target: 2 },
    ];
    expect([0, 0.9, 1.5, 2, 2.5, 3, 9].map((t) => rampVus(2, stages, t))).toEqual([
      2, 2, 6, 10, 6, 2, 2,
    ]);
  });

  it('holds the number of users of each stage and records every window', async () => {
    let answered = 0;
    const driver = createInProcessDriver({
      baseUrl: url,
      settings: { model: 'closed', concurrency: 8, durationSeconds: 0 },
      request: () => ({ method: 'GET', path: '/' }),
      onResponse: () => {
        answered++;
      },
    });
    const started = performance.now();
    let windows: Awaited<ReturnType<typeof driver.ramp>>;
    try {
      windows = await driver.ramp(
        2,
        [
          { seconds: 0.6, target: 2 },
          { seconds: 0.1, target: 8 },
          { seconds: 0.6, target: 8 },
          { seconds: 0.1, target: 2 },
          { seconds: 0.6, target: 2 },
        ],
        0.2,
      );
    } finally {
      driver.close();
    }
    const during = (from: number, to: number) =>
      Math.max(
        ...seen
          .filter((s) => s.at - started >= from * 1000 && s.at - started < to * 1000)
          .map((s) => s.inFlight),
      );
    expect(during(0.1, 0.55)).toBe(2);
    expect(during(0.8, 1.25)).toBe(8);
    expect(during(1.6, 2.0)).toBeLessThanOrEqual(2);
    expect(windows.length).toBeGreaterThanOrEqual(9);
    expect(windows.map((w) => w.vus).slice(0, 2)).toEqual([2, 2]);
    expect(Math.max(...windows.map((w) => w.vus))).toBe(8);
    const recorded = windows.reduce((s, w) => s + w.tally.requests, 0);
    expect(recorded).toBe(answered);
    expect(recorded).toBeGreaterThan(300);
    expect(windows.every((w) => w.tally.transportErrors === 0)).toBe(true);
  });

  it('refuses more users than connections, and the open model', async () => {
    const closed = createInProcessDriver({
      baseUrl: url,
      settings: { model: 'closed', concurrency: 2, durationSeconds: 0 },
      request: () => ({ method: 'GET', path: '/' }),
    });
    await expect(closed.ramp(1, [{ seconds: 0.1, target: 3 }], 0.1)).rejects.toThrow(
      /3 users but the driver has 2/,
    );
    closed.close();
    const open = createInProcessDriver({
      baseUrl: url,
      settings: { model: 'open', ratePerSecond: 10, durationSeconds: 0 },
      request: () => ({ method: 'GET', path: '/' }),
    });
    await expect(open.ramp(1, [{ seconds: 0.1, target: 1 }], 0.1)).rejects.toThrow(
      /closed model only/,
    );
    open.close();
  });
});

const point = (t: number, p99: number): SeriesPoint => ({
  t,
  seconds: 0.5,
  vus: 10,
  requests: 100,
  throughput: 200,
  p50: p99 / 2,
  p99,
  errors: 0,
  generatorCpuPercent: 10,
});

describe('readings from the series', () => {
  it('recovery: two consecutive windows back under the pre-spike p99, counted from the peak end', () => {
    const series = [
      point(9, 50),
      point(10, 40),
      point(10.5, 12),
      point(11, 30),
      point(11.5, 9),
      point(12, 10),
    ];
    expect(recoverySeconds(series, 10, 12)).toBe(1.5);
    expect(recoverySeconds(series, 10, 5)).toBeNull();
  });

  it('steady state: the first of three windows of 20 requests within 10% of the steady median', () => {
    const latency = [
      ...Array(40).fill(5),
      ...Array(20).fill(1.05),
      ...Array(20).fill(3),
      ...Array(60).fill(1),
    ];
    const endMs = latency.map((_, i) => i * 2);
    expect(steadyAfter({ latency, endMs }, 1)).toEqual([80, 160]);
    expect(steadyAfter({ latency: latency.slice(0, 70), endMs }, 1)).toBeNull();
  });

  it('leak verdict: MiB per minute turned into MiB per 10,000 requests, any growing series wins', () => {
    const points = Array.from({ length: 200 }, (_, i) => ({ t: i, value: 100 + (i / 60) * 6 }));
    // 6 MiB/min at 60,000 requests/min = 1 MiB per 10,000 requests.
    const rss = memoryTrend('rss', points, 60_000, 0.1, 0.95);
    expect(rss.per10kRequests.slope).toBeCloseTo(1, 6);
    expect(rss.verdict).toBe('growing');
    const flat = memoryTrend(
      'heap',
      points.map((p) => ({ ...p, value: 50 })),
      60_000,
      0.1,
      0.95,
    );
    expect(flat.verdict).toBe('flat');
    expect(soakVerdict([flat, rss])).toBe('leak');
    // One step (a late warm-up growth) in an otherwise flat window is not sustained growth.
    const step = points.map((p) => ({ ...p, value: p.t < 150 ? 100 : 112 }));
    const stepTrend = memoryTrend('rss', step, 60_000, 0.1, 0.95);
    expect(stepTrend.per10kRequests.lower).toBeGreaterThan(0.1);
    expect(stepTrend.verdict).toBe('inconclusive');
    // RSS clears a target; the heap can only convict it.
    const rssFlat = { ...flat, series: 'rss' as const };
    expect(soakVerdict([rssFlat])).toBe('no-leak');
    expect(soakVerdict([rssFlat, { ...flat, verdict: 'inconclusive' }])).toBe('no-leak');
    expect(soakVerdict([flat])).toBe('inconclusive');
    expect(soakVerdict([])).toBe('inconclusive');
  });

  it('RSS has settled when its last 30 s stay within the band; GC cycles are heap drops', () => {
    // Growing for 40 s (warming up), flat after.
    const warming = Array.from({ length: 360 }, (_, i) => ({
      t: i / 4,
      value: 150 + 4 * Math.min(i / 4, 40),
    }));
    expect(rssSettled(warming.slice(0, 250), 2)).toBe(false); // up to 62 s: growing at 33 s
    expect(rssSettled(warming.slice(0, 290), 2)).toBe(true); // up to 72 s: flat since 40 s
    expect(rssSettled(warming.slice(0, 80), 100)).toBe(false); // 20 s is too short to tell
    // Polled from 0.25 s on: after 30 s of load the samples span 29.75 s, which is enough…
    const flat = Array.from({ length: 120 }, (_, i) => ({ t: (i + 1) / 4, value: 150 }));
    expect(rssSettled(flat, 2)).toBe(true);
    // …and one poll less is not.
    expect(rssSettled(flat.slice(0, 119), 2)).toBe(false);
    const leaking = warming.map((p) => ({ ...p, value: 150 + 4 * p.t }));
    expect(rssSettled(leaking, 2)).toBe(false);
    const sawTooth = Array.from({ length: 100 }, (_, i) => ({ value: 40 + (i % 20) * 5 }));
    expect(gcCycles(sawTooth)).toBe(4);
  });

  it('reads the heap from Prometheus text, and the knobs refuse nonsense', () => {
    expect(parseHeapUsedMiB('# HELP x\nnodejs_heap_size_used_bytes 10485760\n')).toBe(10);
    expect(parseHeapUsedMiB('nodejs_heap_size_total_bytes 5\n')).toBeUndefined();
    expect(levelList('1, 2,4', 'X')).toEqual([1, 2, 4]);
    expect(() => levelList('4', 'X')).toThrow(/two or more/);
    expect(() => levelList('1,1', 'X')).toThrow(/distinct/);
    expect(() => soakSettings(0.05, { LAB_SOAK_WARMUP: '60', LAB_SOAK_WARMUP_MAX: '30' })).toThrow(
      /LAB_SOAK_WARMUP_MAX/,
    );
    const hours = soakSettings(0.05, { LAB_SOAK_SECONDS: '7200' });
    expect(hours).toMatchObject({
      durationSeconds: 7200,
      maxWarmupSeconds: 600,
      windowSeconds: 24,
    });
  });
});
