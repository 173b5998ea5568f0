import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type Lab, startLab } from '../src/infra/lab.ts';
import { runRanking } from '../src/load/ranking-run.ts';
import type { LoadSettings, Result } from '../src/load/result.ts';
import { createCollector } from '../src/report/collector.ts';
import { beginRun, finalizeRun } from '../src/report/run-report.ts';
import { getScenario } from '../src/scenarios/index.ts';
import { result as makeResult } from './support/run-report-fixture.ts';
import {
  eventually,
  isRunning,
  pgServerInfo,
  redisServerInfo,
  sharedMemoryOf,
} from './support/servers.ts';

/**
 * Real faults in the middle of a run: the PostgreSQL or Redis server killed, the upstream stub
 * hung, the reports directory full or read-only, two runs at once. Each must end in a failed
 * Result or an error that names what failed, within the run's own bounds (a measurement ends at
 * its duration plus the engine's 30 s drain; the targets' upstream calls time out after 10 s),
 * and leave nothing running and no half-written report. A target killed mid-run is
 * test/target-runner.test.ts's ("reports a target killed during measure as the failure").
 */

const SHORT: LoadSettings = {
  model: 'closed',
  concurrency: 2,
  durationSeconds: 3,
  warmupSeconds: 0,
};

const labs: Lab[] = [];
afterEach(async () => {
  // Stopping a lab whose server was killed must still finish (and clean up).
  await Promise.all(labs.splice(0).map((lab) => lab.stop()));
});

async function lab(): Promise<Lab> {
  const started = await startLab({ fixtures: ['users'], scale: 0.01, spec: inject('labProvider') });
  labs.push(started);
  return started;
}

/**
 * Ranks express and fastify on `scenario` in-process (short blocks), running `fault` one second
 * into the first measured block; returns the first failed slice (or the first slice).
 */
async function measureWithFault(
  scenarioId: string,
  labInstance: Lab,
  fault: () => void | Promise<void>,
): Promise<Result> {
  let injected = false;
  const run = await runRanking({
    scenario: getScenario(scenarioId),
    targets: ['express', 'fastify'],
    lab: labInstance,
    engine: 'inprocess',
    phases: ['throughput'],
    settings: SHORT,
    sliceSeconds: 3,
    warmupSeconds: 0.5,
    maxBlocks: 3,
    budgetSeconds: 1,
    // Fresh processes would not start without the killed server.
    restartEvery: 0,
    log: (line) => {
      if (!injected && line.includes('throughput: up to')) {
        injected = true;
        setTimeout(() => void fault(), 1000);
      }
    },
  });
  expect(injected).toBe(true);
  expect(run.results.length).toBeGreaterThan(0);
  return run.results.find((r) => r.failure) ?? (run.results[0] as Result);
}

/** /dev/shm/PostgreSQL.* files made since `since` that no process maps any more. */
function removeOrphanedPgSharedMemory(since: number): void {
  const mapped = new Set<string>();
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      for (const file of sharedMemoryOf(Number(pid)).files) mapped.add(file);
    } catch {
      // gone, or not ours to read
    }
  }
  for (const name of readdirSync('/dev/shm').filter((n) => n.startsWith('PostgreSQL.'))) {
    const file = join('/dev/shm', name);
    if (!mapped.has(file) && statSync(file).mtimeMs >= since - 1000) rmSync(file, { force: true });
  }
}

/** Processes started by this worker whose command line mentions `text`. */
function childrenMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return (
          ppid === process.pid &&
          readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text) &&
          isRunning(pid)
        );
      } catch {
        return false;
      }
    });
}

describe('faults during a measurement', () => {
  it('PostgreSQL killed: the Result fails naming PostgreSQL, and the lab still stops', async () => {
    const startedAt = Date.now();
    const running = await lab();
    const { postmasterPid } = await pgServerInfo(running.pg.url);
    try {
      const result = await measureWithFault('03-db-read', running, () => {
        process.kill(postmasterPid, 'SIGKILL');
      });
      expect(result.errors).toBeGreaterThan(0);
      expect(result.failure).toMatch(/PostgreSQL \(127\.0\.0\.1:\d+\) unreachable: ECONNREFUSED/);
      expect(isRunning(postmasterPid)).toBe(false);
    } finally {
      // A SIGKILLed postmaster leaves its dynamic shared memory: the fault's doing, not the lab's.
      await Promise.all(labs.splice(0).map((stopped) => stopped.stop()));
      removeOrphanedPgSharedMemory(startedAt);
    }
  }, 120_000);

  it('Redis killed: lab.reset() fails naming Redis, and the lab still stops', async () => {
    const running = await lab();
    const { pid } = await redisServerInfo(running.redis.url);
    process.kill(pid, 'SIGKILL');
    await expect(running.reset()).rejects.toThrow(
      /^lab\.reset\(\) failed: Redis \(127\.0\.0\.1:\d+\): /,
    );
  }, 60_000);

  it('upstream stub hung (SIGSTOP): GET /external answers 502 after the 10 s upstream timeout, the Result fails naming the stub', async () => {
    const running = await lab();
    let stub: number | undefined;
    try {
      const result = await measureWithFault('05-external-api', running, () => {
        [stub] = childrenMentioning('upstream-server.ts');
        if (stub) process.kill(stub, 'SIGSTOP');
      });
      expect(stub).toBeDefined();
      expect(result.statuses['502']).toBeGreaterThan(0);
      expect(result.failure).toMatch(
        /the upstream stub \(127\.0\.0\.1:\d+\) not serving: GET \/health got no answer/,
      );
    } finally {
      try {
        if (stub) process.kill(stub, 'SIGCONT');
      } catch {
        // Already gone: stopping the scenario SIGKILLs a stub that ignores SIGTERM.
      }
    }
    // The scenario stopped its stub, hung as it was: nothing left.
    expect(
      await eventually(() => childrenMentioning('upstream-server.ts').length === 0, 5000),
    ).toBe(true);
  }, 120_000);

  it('upstream stub gone (SIGKILL): the Result fails naming the stub as unreachable', async () => {
    const running = await lab();
    const result = await measureWithFault('05-external-api', running, () => {
      const [stub] = childrenMentioning('upstream-server.ts');
      if (stub) process.kill(stub, 'SIGKILL');
    });
    expect(result.statuses['502']).toBeGreaterThan(0);
    expect(result.failure).toMatch(
      /the upstream stub \(127\.0\.0\.1:\d+\) unreachable: ECONNREFUSED/,
    );
  }, 120_000);
});

/** A tmpfs of `size` (e.g. 64k) at a new dir, read-only with `ro`; undefined where mount is not allowed. */
function tmpfs(size: string, ro = false): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'lab-faults-reports-'));
  const mounted = spawnSync('mount', [
    '-t',
    'tmpfs',
    '-o',
    `size=${size}${ro ? ',ro' : ''}`,
    'tmpfs',
    dir,
  ]);
  if (mounted.status === 0) return dir;
  rmSync(dir, { recursive: true, force: true });
  return undefined;
}

function unmount(dir: string): void {
  spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
}

const canMount = (() => {
  const probe = tmpfs('16k');
  if (probe) unmount(probe);
  return probe !== undefined;
})();

/** A run directory (records of a finished run) with `results` Results, outside `reportsDir`. */
function recordedRun(results: number): string {
  const { runDir } = beginRun({ reportsDir: mkdtempSync(join(tmpdir(), 'lab-faults-runs-')) });
  const collector = createCollector(runDir);
  for (let i = 0; i < results; i++) {
    collector.recordResult(makeResult('01-lightweight', `target-${i}`, 1000), { suite: 'faults' });
  }
  return runDir;
}

describe.skipIf(!canMount)('faults while writing reports', () => {
  const mounts: string[] = [];
  afterEach(() => {
    for (const dir of mounts.splice(0)) unmount(dir);
  });

  it.each([
    ['full', '64k', false, /ENOSPC/],
    ['read-only', '1m', true, /EROFS/],
  ] as const)(
    'a %s reports dir: a clear error, no report or temp file, the records kept',
    (_, size, ro, code) => {
      const reportsDir = tmpfs(size, ro) as string;
      mounts.push(reportsDir);
      const runDir = recordedRun(ro ? 1 : 40);
      expect(() => finalizeRun(runDir, { reportsDir, stepSummary: null })).toThrow(
        new RegExp(`could not write ${reportsDir}/run-[^:]+\\.json: .*${code.source}`),
      );
      expect(readdirSync(reportsDir)).toEqual([]);
      // Nothing is lost: the records stay for `pnpm lab report` once there is room.
      expect(readdirSync(runDir).some((name) => name.endsWith('.jsonl'))).toBe(true);
      rmSync(join(runDir, '..'), { recursive: true, force: true });
    },
  );
});

describe('two runs at once', () => {
  it('get distinct run ids and directories, and distinct whole reports even in the same second', () => {
    const reportsDir = mkdtempSync(join(tmpdir(), 'lab-faults-two-runs-'));
    try {
      const [a, b] = [beginRun({ reportsDir }), beginRun({ reportsDir })];
      expect(a?.runId).not.toBe(b?.runId);
      expect(a?.runDir).not.toBe(b?.runDir);
      const now = new Date('2026-12-01T10:00:00Z');
      for (const run of [a, b]) {
        createCollector(run.runDir).recordResult(makeResult('01-lightweight', run.runId, 1000), {
          suite: 'two-runs',
        });
      }
      const outcomes = [a, b].map((run) =>
        finalizeRun(run.runDir, { reportsDir, stepSummary: null, now }),
      );
      const files = outcomes.map((o) => (o.written ? o.json : ''));
      expect(new Set(files).size).toBe(2);
      for (const [i, file] of files.entries()) {
        const report = JSON.parse(readFileSync(file, 'utf8'));
        expect(report.results[0].result.target).toBe([a, b][i]?.runId);
      }
      expect(readdirSync(reportsDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    } finally {
      rmSync(reportsDir, { recursive: true, force: true });
    }
  });

  it('get distinct servers, ports and scratch dirs when their labs start together', async () => {
    const [a, b] = await Promise.all([lab(), lab()]);
    expect(a.pg.url).not.toBe(b.pg.url);
    expect(a.redis.url).not.toBe(b.redis.url);
    const [pgA, pgB] = await Promise.all([pgServerInfo(a.pg.url), pgServerInfo(b.pg.url)]);
    expect(pgA.suiteDir).not.toBe(pgB.suiteDir);
    expect(existsSync(pgA.suiteDir) && existsSync(pgB.suiteDir)).toBe(true);
  }, 60_000);
});
