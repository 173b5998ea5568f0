import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { trackProcessGroup } from '../src/infra/guard.ts';
import { startUpstream, type Upstream } from '../src/infra/upstream.ts';
import { useLab } from '../src/infra/vitest.ts';
import { parseCpuList } from '../src/launcher/launch.ts';
import { frameworkVersion, getTarget, type TargetDefinition } from '../src/launcher/registry.ts';
import { withTarget } from '../src/launcher/runner.ts';
import { runInProcess } from '../src/load/inprocess/engine.ts';
import { allowedCpus, pinningPlan } from '../src/load/pinning.ts';
import {
  groupCpuSeconds,
  processGroupAlive,
  processGroupMembers,
  startProcSampler,
} from '../src/load/proc-sampler.ts';
import type { Result } from '../src/load/result.ts';
import { fakeTargetDefinition } from './support/fake-definition.ts';

/**
 * The target runner: /proc sampling, CPU pinning, stopping, and a target dying mid-run. The
 * machine is a shared 2-core box, so CPU thresholds are generous and nothing is timed tightly.
 */

// ---------------------------------------------------------------------------------------------
// Helpers

const spawned: ChildProcess[] = [];

/** `node -e <code>` as its own process group (like a target), tracked by the watchdog. */
function spawnGroup(code: string): number {
  const child = spawn(process.execPath, ['-e', code], { detached: true, stdio: 'ignore' });
  const pid = child.pid as number;
  const tracked = trackProcessGroup(pid);
  child.once('exit', () => tracked.release());
  child.unref();
  spawned.push(child);
  return pid;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

afterEach(async () => {
  for (const child of spawned.splice(0)) {
    killGroup(child.pid as number);
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  }
});

const sameCpus = (a: string | undefined, b: string | undefined) =>
  [...(parseCpuList(a ?? '') ?? [])].sort().join(',') ===
  [...(parseCpuList(b ?? '') ?? [])].sort().join(',');

/** A Result as an engine would return it, for runs that do not need real load. */
function stubResult(target: string): Result {
  return {
    engine: 'inprocess',
    scenario: 'stub',
    target,
    settings: { model: 'closed', durationSeconds: 1, concurrency: 1 },
    requests: 0,
    throughput: 0,
    latency: { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 },
    errors: 0,
    failedChecks: 0,
    statuses: {},
    warnings: [],
    startedAt: new Date().toISOString(),
    meta: { engineOwn: 1 },
  };
}

const BUSY = 'while (true) {}';
const IDLE = 'setInterval(() => {}, 1000)';

// ---------------------------------------------------------------------------------------------

describe('startProcSampler', () => {
  it('tells a busy process from an idle one, and reads its memory', async () => {
    const busy = spawnGroup(BUSY);
    const idle = spawnGroup(IDLE);
    await sleep(300); // past node's own start-up CPU
    // What the busy group really used over the window (schedstat, ns): the sampler must agree
    // with it, whatever share of a core a loaded machine gives the busy process.
    const cpuBefore = groupCpuSeconds(busy) ?? 0;
    const began = performance.now();
    const busySampler = startProcSampler(busy, { intervalMs: 100 });
    const idleSampler = startProcSampler(idle, { intervalMs: 100 });
    await sleep(1500);
    const busyUsage = busySampler.stop();
    const idleUsage = idleSampler.stop();
    const truePercent =
      (((groupCpuSeconds(busy) ?? 0) - cpuBefore) / ((performance.now() - began) / 1000)) * 100;

    expect(busyUsage.intervalMs).toBe(100);
    expect(busyUsage.samples.length).toBeGreaterThanOrEqual(5);
    // Ticks are 10 ms: within 15 points of the exact figure over 1.5 s.
    expect(Math.abs(busyUsage.cpuPercent.mean - truePercent)).toBeLessThan(15);
    expect(busyUsage.cpuPercent.max).toBeGreaterThanOrEqual(busyUsage.cpuPercent.mean);
    expect(busyUsage.cpuPercent.mean).toBeGreaterThan(idleUsage.cpuPercent.mean + 10);
    expect(idleUsage.cpuPercent.mean).toBeLessThan(5);
    for (const usage of [busyUsage, idleUsage]) {
      expect(usage.rssMiB.mean).toBeGreaterThan(10);
      expect(usage.rssMiB.max).toBeGreaterThanOrEqual(usage.rssMiB.mean);
      const times = usage.samples.map((sample) => sample.tMs);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    // stop() is idempotent.
    expect(busySampler.stop()).toBe(busyUsage);
  });

  it('counts workers the process forked into its group', async () => {
    // An idle parent whose child (same process group, not detached) spins.
    const parent = spawnGroup(
      `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(BUSY)}], { stdio: 'ignore' }); ${IDLE}`,
    );
    const deadline = Date.now() + 10_000;
    while (processGroupMembers(parent).length < 2 && Date.now() < deadline) await sleep(20);
    expect(processGroupMembers(parent)).toHaveLength(2);
    await sleep(300);
    const cpuBefore = groupCpuSeconds(parent) ?? 0;
    const began = performance.now();
    const sampler = startProcSampler(parent, { intervalMs: 100, rescanMs: 100 });
    await sleep(1500);
    const usage = sampler.stop();
    const truePercent =
      (((groupCpuSeconds(parent) ?? 0) - cpuBefore) / ((performance.now() - began) / 1000)) * 100;
    // The spinning child's time is counted: the group figure, not the idle parent's alone.
    expect(truePercent).toBeGreaterThan(10);
    expect(Math.abs(usage.cpuPercent.mean - truePercent)).toBeLessThan(15);
    expect(usage.rssMiB.max).toBeGreaterThan(20); // two node processes
  });

  it('survives the process exiting mid-run, and a pid that does not exist', async () => {
    const pid = spawnGroup(BUSY);
    const child = spawned.at(-1) as ChildProcess;
    const sampler = startProcSampler(pid, { intervalMs: 20, rescanMs: 20 });
    await sleep(400);
    killGroup(pid);
    await once(child, 'exit');
    await sleep(200);
    const usage = sampler.stop();
    expect(usage.samples.length).toBeGreaterThan(0);
    for (const sample of usage.samples) {
      expect(Number.isFinite(sample.cpuPercent)).toBe(true);
      expect(sample.cpuPercent).toBeGreaterThanOrEqual(0);
    }

    // The same pid is now gone: sampling it yields an empty series, not an exception.
    const none = startProcSampler(pid, { intervalMs: 20 });
    await sleep(60);
    expect(none.stop()).toMatchObject({
      samples: [],
      cpuPercent: { mean: 0, max: 0 },
      rssMiB: { mean: 0, max: 0 },
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('withTarget (fastify, real database)', () => {
  const lab = useLab({ fixtures: ['users'], scale: 0.01 });
  const plan = pinningPlan();
  // The conformance check calls GET /external, which needs a real upstream.
  let upstream: Upstream | undefined;
  beforeAll(async () => {
    upstream = await startUpstream({ delayMs: 0 });
  });
  afterAll(async () => {
    await upstream?.stop();
  });
  const env = () => ({
    DATABASE_URL: lab.pg.url,
    REDIS_URL: lab.redis.url,
    UPSTREAM_URL: (upstream as Upstream).url,
  });

  it(`pins the target and the in-process generator (${plan.enabled ? `target CPUs ${plan.targetCpus}, generator ${plan.generatorCpus}` : `skipped: ${plan.reason}`})`, async (context) => {
    if (!plan.enabled) context.skip(`CPU pinning unavailable: ${plan.reason}`);
    const before = allowedCpus('self');
    let pid = 0;
    const result = await withTarget(
      'fastify',
      env(),
      async (session) => {
        pid = session.target.pid;
        expect(session.conformance?.failed).toEqual([]);
        expect(sameCpus(allowedCpus(pid), plan.targetCpus)).toBe(true);
        expect(sameCpus(session.target.cpus, plan.targetCpus)).toBe(true);
        expect(session.generatorCpus).toBe(plan.generatorCpus);
        expect(sameCpus(allowedCpus('self'), plan.generatorCpus)).toBe(true);
        return session.measure((signal) =>
          runInProcess({
            baseUrl: session.url,
            scenario: 'users-get',
            target: 'fastify',
            settings: { model: 'closed', concurrency: 4, durationSeconds: 1 },
            request: (i) => ({ method: 'GET', path: `/users/${(i % 50) + 1}` }),
            signal,
          }),
        );
      },
      { generator: 'inprocess', reset: () => lab.reset() },
    );

    // The generator got its old CPUs back; the target and its group are gone.
    expect(allowedCpus('self')).toBe(before);
    expect(processGroupAlive(pid)).toBe(false);

    expect(result.failure).toBeUndefined();
    expect(result.requests).toBeGreaterThan(0);
    expect(result.errors).toBe(0);
    expect(result.resources?.samples.length).toBeGreaterThan(0);
    expect(result.resources?.cpuPercent.mean).toBeGreaterThan(0);
    expect(result.resources?.rssMiB.max).toBeGreaterThan(10);
    expect(result.meta).toMatchObject({
      'pinning.enabled': true,
      'pinning.targetCpus': plan.targetCpus,
      'pinning.generatorCpus': plan.generatorCpus,
      'target.name': 'fastify',
      'target.framework': 'fastify',
      'target.frameworkVersion': frameworkVersion(getTarget('fastify')),
      'target.pid': pid,
      'generator.kind': 'inprocess',
      'generator.pinned': true,
    });
    expect(result.meta.connections).toBe(4); // the engine's own meta is kept
  });

  it('stops the target and leaves no process of its group', async () => {
    let pid = 0;
    const usage = await withTarget(
      'fastify',
      env(),
      async (session) => {
        pid = session.target.pid;
        expect(processGroupMembers(pid)).toContain(pid);
        const result = await session.measure(async () => {
          await sleep(600);
          return stubResult('fastify');
        });
        expect(result.failure).toBeUndefined();
        expect(result.meta).toMatchObject({ engineOwn: 1, 'target.pid': pid });
        return result.resources;
      },
      { verify: false },
    );
    expect(pid).toBeGreaterThan(0);
    expect(processGroupAlive(pid)).toBe(false);
    expect(processGroupMembers(pid)).toEqual([]);
    expect(usage?.rssMiB.max).toBeGreaterThan(10);
  });
});

// ---------------------------------------------------------------------------------------------

/**
 * The in-memory fake target (test/support), with a worker process forked into its group at
 * start-up through a `data:` URL preload, so orphaned workers are visible.
 */
const preload = `import { spawn } from 'node:child_process'; spawn(process.execPath, ['-e', ${JSON.stringify(IDLE)}], { stdio: 'ignore' });`;
const fakeWithWorker: TargetDefinition = fakeTargetDefinition(
  'fake-with-worker',
  'fake target with one idle worker process (tests only)',
  ['--import', `data:text/javascript,${encodeURIComponent(preload)}`],
);
const fakeEnv = { DATABASE_URL: 'postgres://unused', UPSTREAM_URL: 'http://127.0.0.1:9' };

describe('withTarget (fake target with a worker)', () => {
  it('reports a target killed during measure as the failure, and orphans nothing', async () => {
    let pid = 0;
    let members: number[] = [];
    const result = await withTarget(fakeWithWorker, fakeEnv, async (session) => {
      pid = session.target.pid;
      members = processGroupMembers(pid);
      return session.measure(async (signal) => {
        await sleep(300);
        process.kill(pid, 'SIGKILL');
        if (!signal.aborted) await once(signal, 'abort');
        return stubResult(fakeWithWorker.name);
      });
    });

    expect(members).toHaveLength(2); // the target and its worker
    expect(result.failure).toMatch(
      /^target fake-with-worker exited \(SIGKILL\) during the run; log tail:/,
    );
    expect(result.resources).toBeDefined();
    expect(result.meta['target.name']).toBe('fake-with-worker');
    // The worker outlived its killed parent until the runner stopped the group.
    expect(processGroupAlive(pid)).toBe(false);
    for (const member of members) {
      expect(processGroupMembers(pid)).not.toContain(member);
    }
  });

  it('stops the target (and its worker) when the callback throws', async () => {
    let pid = 0;
    const error = await withTarget(
      fakeWithWorker,
      fakeEnv,
      async (session) => {
        pid = session.target.pid;
        expect(processGroupMembers(pid)).toHaveLength(2);
        throw new Error('boom');
      },
      { verify: false, plan: { enabled: false, reason: 'test' } },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('boom');
    expect(processGroupAlive(pid)).toBe(false);
  });
});
