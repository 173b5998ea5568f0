import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ChildReport } from './support/lab-child.ts';
import {
  childrenOf,
  eventually,
  isRunning,
  privateScratchRoot,
  sharedMemoryOf,
  sysvSegmentKeys,
} from './support/servers.ts';

/**
 * A suite process that dies mid-run — killed, interrupted, terminated; no exit handler runs — must
 * leave no server process, temp dir or shared memory behind: the watchdog cleans up after it.
 * The child (test/support/lab-child.ts) starts a lab with LAB_INFRA=local and LAB_TMPDIR set to a
 * scratch root of its own inside the usual one (/dev/shm), so everything it creates there is
 * known exactly even while other suites run.
 */
const CHILD = fileURLToPath(new URL('./support/lab-child.ts', import.meta.url));
const CLEANUP_WITHIN_MS = 5000;

interface RunningChild {
  child: ChildProcess;
  report: ChildReport;
}

function startChild(root: string): Promise<RunningChild> {
  // Own process group, like a `vitest` started from a shell: SIGINT can go to the whole group.
  const child = spawn(process.execPath, [CHILD], {
    env: { ...process.env, LAB_INFRA: 'local', LAB_TMPDIR: root },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline >= 0) resolve({ child, report: JSON.parse(stdout.slice(0, newline)) });
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`lab child exited (${code ?? signal}) before reporting:\n${stderr}`)),
    );
    child.once('error', reject);
  });
}

/**
 * After a failed assertion: do not let the test leak what it checks. The watchdog gets its chance
 * first (SIGKILLing a postmaster ourselves would leak its shared memory), then force.
 */
async function abandon(running: RunningChild | undefined, root: string): Promise<void> {
  if (running) {
    const { child, report } = running;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    const servers = [report.postmasterPid, report.redisPid];
    await eventually(
      () => !servers.some(isRunning) && (!existsSync(root) || readdirSync(root).length === 0),
      10_000,
    );
    for (const pid of servers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}

describe('cleanup after a suite process dies', () => {
  it.each([
    ['SIGKILL', 'the process'],
    ['SIGTERM', 'the process'],
    ['SIGINT', 'its process group (Ctrl-C)'],
  ] as const)('%s to %s: servers, temp dirs and shared memory go away', async (signal, target) => {
    const root = privateScratchRoot('leak-test');
    let running: RunningChild | undefined;
    try {
      running = await startChild(root);
      const { child, report } = running;
      const pid = child.pid as number;

      // The child reported a live lab, and everything it created is in its scratch root.
      expect(report.provider).toBe('local');
      expect(isRunning(report.postmasterPid)).toBe(true);
      expect(isRunning(report.redisPid)).toBe(true);
      expect(report.watchdogPid).toBeDefined();
      const watchdog = report.watchdogPid as number;
      expect(isRunning(watchdog)).toBe(true);
      expect(dirname(report.pgDir)).toBe(root);
      expect(dirname(report.redisDir)).toBe(root);
      const names = report.scratchEntries.map((entry) => basename(entry));
      expect(names).toHaveLength(3);
      expect(names).toEqual(
        expect.arrayContaining([basename(report.pgDir), basename(report.redisDir)]),
      );
      expect(names.filter((name) => name.startsWith('lab-pg-template-'))).toHaveLength(1);
      const serverChildren = childrenOf(report.postmasterPid);
      expect(serverChildren.length).toBeGreaterThan(0);
      const shm = sharedMemoryOf(report.postmasterPid);
      for (const file of shm.files) expect(existsSync(file)).toBe(true);

      const exited = once(child, 'exit');
      process.kill(target === 'the process' ? pid : -pid, signal);
      const [code, killedBy] = await exited;
      // Killed by the signal: no exit handler of ours ran, only the watchdog can clean up.
      expect({ code, killedBy }).toEqual({ code: null, killedBy: signal });

      const processes = [report.postmasterPid, report.redisPid, ...serverChildren, watchdog];
      const clean = () => processes.every((p) => !isRunning(p)) && readdirSync(root).length === 0;
      await eventually(clean, CLEANUP_WITHIN_MS);

      expect(processes.filter(isRunning)).toEqual([]);
      expect(readdirSync(root)).toEqual([]);
      expect(shm.files.filter((file) => existsSync(file))).toEqual([]);
      const segments = sysvSegmentKeys();
      expect(shm.sysvKeys.filter((key) => segments.includes(key))).toEqual([]);
    } finally {
      await abandon(running, root);
    }
  });
});

/**
 * The same for a whole vitest run (test/fixtures/killed-run: the project's global setup, which
 * makes the template cluster, and one file holding a lab): after SIGKILL of the vitest main
 * process, or of the worker running the file, nothing of the run is left, neither in the scratch
 * root (LAB_TMPDIR, normally /dev/shm) nor in the OS temp dir (TMPDIR).
 */
const VITEST = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const KILLED_RUN_CONFIG = fileURLToPath(
  new URL('./fixtures/killed-run/vitest.config.ts', import.meta.url),
);

/** Pids of processes whose command line mentions `path` (servers get their dirs as arguments). */
function processesUsing(path: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path) && isRunning(pid);
      } catch {
        return false;
      }
    });
}

const labEntries = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('lab-'));

describe('cleanup after a vitest run is killed', () => {
  it.each(['the vitest main process', 'the worker running the file'] as const)(
    'SIGKILL to %s: no server, no lab-* dir in the scratch root or the temp dir',
    async (victim) => {
      const root = privateScratchRoot('killed-run');
      const temp = mkdtempSync(join(tmpdir(), 'killed-run-tmp-'));
      const ready = join(temp, 'ready');
      const run = spawn(process.execPath, [VITEST, 'run', '--config', KILLED_RUN_CONFIG], {
        env: {
          ...process.env,
          CI: '',
          LAB_INFRA: 'local',
          LAB_TMPDIR: root,
          TMPDIR: temp,
          LAB_TEST_READY_FILE: ready,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      });
      let stderr = '';
      run.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = once(run, 'exit');
      try {
        const started = await eventually(() => existsSync(ready), 90_000);
        expect(started, `the run never held a lab:\n${stderr}`).toBe(true);
        const worker = Number(readFileSync(ready, 'utf8'));
        // Mid-run: a template cluster and the file's own servers and dirs.
        expect(labEntries(root).filter((name) => name.startsWith('lab-pg-template-'))).toHaveLength(
          1,
        );
        expect(labEntries(root).length).toBeGreaterThan(1);
        expect(processesUsing(root).length).toBeGreaterThan(0);

        process.kill(
          victim === 'the vitest main process' ? (run.pid as number) : worker,
          'SIGKILL',
        );
        await exited;

        const clean = () => processesUsing(root).length === 0 && labEntries(root).length === 0;
        await eventually(clean, CLEANUP_WITHIN_MS);
        expect(processesUsing(root)).toEqual([]);
        expect(labEntries(root)).toEqual([]);
        expect(labEntries(temp)).toEqual([]);
      } finally {
        try {
          process.kill(-(run.pid as number), 'SIGKILL');
        } catch {
          // gone
        }
        await eventually(() => processesUsing(root).length === 0, 10_000);
        rmSync(root, { recursive: true, force: true, maxRetries: 3 });
        rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
      }
    },
    120_000,
  );
});
