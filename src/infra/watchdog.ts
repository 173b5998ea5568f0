/**
 * Watchdog process: cleans up after a parent that can no longer clean up after itself.
 *
 * The parent spawns this script detached (own process group, so Ctrl-C and a SIGKILL of the
 * parent's group spare it) with a pipe on stdin, then writes one JSON line per resource:
 *   {"op":"track","id":"…","pid":123}       a server's process group leader
 *   {"op":"track","id":"…","pid":123,"signal":"SIGQUIT"}  the same, stopped with that signal first
 *   {"op":"track","id":"…","dir":"/tmp/…"}  a temp dir to remove
 *   {"op":"release","id":"…"}              the parent cleaned it up itself
 * When stdin ends — the parent exited, crashed or was SIGKILLed; the kernel closes the pipe in
 * every case — every resource still tracked is destroyed: process groups get SIGKILL (their data
 * is throwaway), then the dirs are removed once those processes are gone. A group tracked with a
 * signal gets that first, briefly: PostgreSQL's immediate shutdown (SIGQUIT) removes its shared
 * memory (/dev/shm/PostgreSQL.*, a SysV segment), which a SIGKILLed postmaster leaks.
 */
import { readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';

interface Resource {
  pid?: number;
  dir?: string;
  signal?: NodeJS.Signals;
}

const tracked = new Map<string, Resource>();

/** A zombie has exited and released everything; only its reaping (by init, maybe slow) is left. */
const zombie = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !zombie(pid);
};

const killGroup = (pid: number): void => {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // Already gone, or not a group leader: the other form covers it.
    }
  }
};

async function waitGone(pids: number[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function cleanUp(): Promise<void> {
  const resources = [...tracked.values()];
  const pids = resources.flatMap((r) => (r.pid ? [r.pid] : []));
  const signalled: number[] = [];
  for (const { pid, signal } of resources) {
    if (!pid) continue;
    if (!signal) {
      killGroup(pid);
      continue;
    }
    try {
      process.kill(pid, signal);
      signalled.push(pid);
    } catch {
      // Already gone.
    }
  }
  await waitGone(signalled, 2000);
  for (const pid of pids) killGroup(pid);
  await waitGone(pids, 3000);
  // Every dir gets its own attempts: one that fails (a file still being written by a dying
  // server) must not leave the others behind.
  const dirs = resources.flatMap((r) => (r.dir ? [r.dir] : []));
  for (let attempt = 0; attempt < 5 && dirs.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    for (const dir of [...dirs]) {
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
        dirs.splice(dirs.indexOf(dir), 1);
      } catch {
        // next attempt
      }
    }
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  try {
    const message = JSON.parse(line) as { op: string; id: string } & Resource;
    if (message.op === 'track') {
      tracked.set(message.id, { pid: message.pid, dir: message.dir, signal: message.signal });
    } else if (message.op === 'release') tracked.delete(message.id);
  } catch {
    // A torn line can only come from a parent dying mid-write; the close handler runs next.
  }
});
lines.on('close', () => {
  cleanUp().finally(() => process.exit(0));
});
// The parent's signals must not reach us before cleanup is done.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
