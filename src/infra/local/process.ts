import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Tracked, trackProcessGroup } from '../guard.ts';
import { recordOwner } from './scratch-owner.ts';
import type { ServerUser } from './server-user.ts';

/** RAM-backed temp space where it exists: data dirs are throwaway and copies get cheap. */
export function scratchRoot(): string {
  return process.env.LAB_TMPDIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
}

/** A `lab-<prefix>-*` dir of its own, recording this process as its owner (scratch-owner.ts). */
export function makeScratchDir(prefix: string): string {
  const dir = mkdtempSync(join(scratchRoot(), `lab-${prefix}-`));
  recordOwner(dir);
  return dir;
}

export function logTail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

export interface ServerProcess {
  child: ChildProcess;
  tracked: Tracked;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
}

/**
 * Spawns a server in its own process group with output to a log file (never a pipe to us: a
 * pipe would break the server when we die) and registers the group with the watchdog before
 * anything else can fail. `stopSignal` is what the watchdog sends the leader before SIGKILL.
 */
export function spawnServer(
  command: string,
  args: string[],
  logFile: string,
  user: ServerUser | undefined,
  stopSignal?: NodeJS.Signals,
  spawnOptions: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ServerProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, {
    ...spawnOptions,
    detached: true,
    stdio: ['ignore', log, log],
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  closeSync(log); // the child holds its own copy
  if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
  const tracked = trackProcessGroup(child.pid, stopSignal);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => resolve(error.message));
  });
  child.unref();
  return { child, tracked, exited };
}

/**
 * Polls `ready()` until it is true, the process exits, or the timeout passes. On failure the
 * server's group is killed and released before the error is thrown: a server that never got
 * ready must not keep running (its caller deletes its data dir) until the watchdog notices.
 */
export async function waitUntilReady(
  server: ServerProcess,
  ready: () => boolean,
  what: string,
  logFile: string,
  timeoutMs = 15_000,
): Promise<void> {
  let exit: number | string | undefined;
  void server.exited.then((code) => {
    exit = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (exit !== undefined) {
      await stopServer(server, 'SIGKILL');
      throw new Error(
        `${what} exited (${exit}) before it was ready. Log tail:\n${logTail(logFile)}`,
      );
    }
    if (Date.now() > deadline) {
      await stopServer(server, 'SIGKILL');
      throw new Error(
        `${what} was not ready after ${timeoutMs} ms. Log tail:\n${logTail(logFile)}`,
      );
    }
    await sleep(3);
  }
}

/** Stops a server group: `signal` to the leader, SIGKILL to the group after `graceMs`. */
export async function stopServer(
  server: ServerProcess,
  signal: NodeJS.Signals,
  graceMs = 2000,
): Promise<void> {
  const pid = server.child.pid as number;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, graceMs);
  await server.exited;
  clearTimeout(timer);
  // Children of the leader (PostgreSQL backends) leave with it; make sure of it.
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // group already empty
  }
  server.tracked.release();
}
