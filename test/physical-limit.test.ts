import { describe, expect, it } from 'vitest';
import {
  formatPhysicalLimit,
  runPhysicalLimit,
  startTrivialServer,
} from '../src/load/baseline/physical-limit.ts';
import { findK6 } from '../src/load/k6/binary.ts';
import { allowedCpus, pinningPlan } from '../src/load/pinning.ts';
import { findWrk } from '../src/load/wrk.ts';

/** The physical-limit comparison in its smallest configuration; shapes only, no timing. */
const haveWrk = 'path' in findWrk();
const haveK6 = findK6() !== undefined;

describe('trivial server', () => {
  it('answers GET /health with {"status":"ok"}, 404 otherwise, and stops on SIGTERM', async () => {
    const server = await startTrivialServer();
    try {
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(health.headers.get('content-type')).toBe('application/json');
      expect(await health.json()).toEqual({ status: 'ok' });
      const other = await fetch(`${server.url}/other`);
      expect(other.status).toBe(404);
      await other.arrayBuffer();
    } finally {
      await server.stop();
    }
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});

describe.skipIf(!haveWrk)('runPhysicalLimit', () => {
  it('1 round of 1 s: three Results, ratios to wrk, pinning meta, affinity restored', async () => {
    const plan = pinningPlan();
    const cpusBefore = allowedCpus('self');
    const lines: string[] = [];
    const report = await runPhysicalLimit({
      rounds: 1,
      durationSeconds: 1,
      warmupSeconds: 0,
      concurrency: 4,
      log: (line) => lines.push(line),
    });

    expect(allowedCpus('self')).toBe(cpusBefore);
    expect(report.results.map((result) => result.engine).sort()).toEqual([
      'inprocess',
      'k6',
      'wrk',
    ]);
    for (const result of report.results) {
      expect(result.meta).toMatchObject({ round: 0, rounds: 1 });
      expect(result.meta['pinning.enabled']).toBe(plan.enabled);
      expect(result.meta['machine.cpuModel']).toEqual(expect.any(String));
      expect(result.meta).toHaveProperty('target.cpuPercent');
      expect(result.meta).toHaveProperty('generator.cpuPercent');
    }
    if (plan.enabled) {
      expect(report.meta).toMatchObject({
        'pinning.targetCpus': plan.targetCpus,
        'pinning.generatorCpus': plan.generatorCpus,
        'target.cpus': plan.targetCpus,
        'generator.cpus': plan.generatorCpus,
        'generator.runnerPinned': true,
      });
    } else {
      expect(report.meta['pinning.reason']).toEqual(expect.any(String));
    }

    const byEngine = Object.fromEntries(report.results.map((result) => [result.engine, result]));
    for (const engine of ['wrk', 'inprocess'] as const) {
      expect(byEngine[engine]?.failure).toBeUndefined();
      expect(byEngine[engine]?.requests).toBeGreaterThan(0);
      expect(byEngine[engine]?.errors).toBe(0);
    }
    expect(byEngine.inprocess?.statuses).toEqual({ '200': byEngine.inprocess?.requests });
    expect(byEngine.wrk?.statuses).toEqual({ '200': byEngine.wrk?.requests });
    expect(report.ratios.wrk).toBe(1);
    expect(report.ratios.inprocess).toBeGreaterThan(0);
    if (haveK6) {
      expect(byEngine.k6?.failure).toBeUndefined();
      expect(report.ratios.k6).toBeGreaterThan(0);
    } else {
      expect(byEngine.k6?.failure).toMatch(/setup\.sh/);
      expect(report.ratios.k6).toBeNull();
    }

    const table = formatPhysicalLimit(report);
    for (const engine of ['wrk', 'inprocess', 'k6']) expect(table).toMatch(engine);
    expect(lines.some((line) => line.startsWith('[harness] round 1/1'))).toBe(true);
  });

  it('refuses durations wrk and k6 cannot run', async () => {
    await expect(runPhysicalLimit({ rounds: 1, durationSeconds: 0.5 })).rejects.toThrow(
      /whole number of seconds/,
    );
  });
});
