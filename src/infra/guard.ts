import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/**
 * Parent side of the cleanup watchdog (see watchdog.ts). Every server process group and temp dir
 * the harness creates is tracked here first, so nothing survives this process, however it ends.
 */
export interface Tracked {
  readonly id: string;
  /** Forget the resource: the caller cleaned it up itself. */
  release(): void;
}

const WATCHDOG = fileURLToPath(new URL('./watchdog.ts', import.meta.url));

let watchdog: ChildProcess | undefined;

function ensureWatchdog(): ChildProcess {
  if (watchdog?.stdin?.writable) return watchdog;
  const child = spawn(process.execPath, [WATCHDOG], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.unref();
  // The pipe must not keep this process alive; its closing at exit is the whole point.
  (child.stdin as unknown as { unref(): void }).unref();
  child.stdin?.on('error', () => {});
  watchdog = child;
  return child;
}

function send(message: object): void {
  ensureWatchdog().stdin?.write(`${JSON.stringify(message)}\n`);
}

/**
 * Track a process group (pass the leader's pid: servers are spawned with `detached: true`). With
 * `signal`, the watchdog sends it to the leader first and SIGKILLs the group only if it lingers.
 */
export function trackProcessGroup(pid: number, signal?: NodeJS.Signals): Tracked {
  return track(signal ? { pid, signal } : { pid });
}

export function trackDir(dir: string): Tracked {
  return track({ dir });
}

function track(resource: { pid?: number; dir?: string; signal?: NodeJS.Signals }): Tracked {
  const id = randomUUID();
  send({ op: 'track', id, ...resource });
  return { id, release: () => send({ op: 'release', id }) };
}

/** The watchdog's pid, for tests. */
export function watchdogPid(): number | undefined {
  return watchdog?.pid;
}
