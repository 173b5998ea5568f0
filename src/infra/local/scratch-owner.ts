import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Who a scratch dir belongs to. Every `lab-*` dir the harness makes records the process that made
 * it (pid and start time, so a reused pid is not mistaken for the owner). The watchdog removes a
 * dead owner's dirs; should that ever fail (or the watchdog be killed too), the next run's sweep
 * removes them: a dir whose owner is gone is garbage. A dir without the record is never touched:
 * it is not ours, or it belongs to a run of an older version.
 */
export const OWNER_FILE = '.lab-owner';

interface Owner {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot. */
  started: string;
}

/** A process's start time, or undefined when it does not exist (or has exited, as a zombie). */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

export function recordOwner(dir: string): void {
  const owner: Owner = { pid: process.pid, started: startTime(process.pid) ?? 'unknown' };
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner));
}

/** Whether `dir`'s recorded owner has exited; false when there is no (readable) record. */
export function ownerGone(dir: string): boolean {
  let owner: Owner;
  try {
    owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Owner;
  } catch {
    return false;
  }
  if (!Number.isInteger(owner.pid) || owner.pid < 1) return false;
  return startTime(owner.pid) !== owner.started;
}

/** Removes the `lab-*` dirs in `root` whose owner has exited; returns what it removed. */
export function sweepStaleScratchDirs(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root).filter((name) => name.startsWith('lab-'));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const dir = join(root, name);
    if (!ownerGone(dir)) continue;
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      removed.push(dir);
    } catch {
      // Still in use after all, or not ours to remove: leave it.
    }
  }
  return removed;
}
