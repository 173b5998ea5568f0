import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  OWNER_FILE,
  ownerGone,
  recordOwner,
  sweepStaleScratchDirs,
} from '../src/infra/local/scratch-owner.ts';

/** The fallback behind the watchdog: dirs whose owner is gone are swept at the next run's start. */
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function root(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scratch-owner-test-'));
  roots.push(dir);
  return dir;
}

/** The pid of a process that has already exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('scratch dir owners', () => {
  it('sweeps dirs whose owner exited, keeps live owners’ dirs, never touches unrecorded ones', () => {
    const dir = root();
    const mine = join(dir, 'lab-pg-mine');
    const dead = join(dir, 'lab-pg-template-dead');
    const reused = join(dir, 'lab-redis-reused-pid');
    const foreign = join(dir, 'lab-pg-unrecorded');
    const other = join(dir, 'not-lab-dead');
    for (const path of [mine, dead, reused, foreign, other]) mkdirSync(path);
    recordOwner(mine);
    writeFileSync(join(dead, OWNER_FILE), JSON.stringify({ pid: deadPid(), started: '1' }));
    // Our own pid with another start time: the pid was reused, the owner is gone.
    writeFileSync(join(reused, OWNER_FILE), JSON.stringify({ pid: process.pid, started: '1' }));
    writeFileSync(join(other, OWNER_FILE), JSON.stringify({ pid: deadPid(), started: '1' }));

    expect(ownerGone(mine)).toBe(false);
    expect(ownerGone(foreign)).toBe(false);
    expect(sweepStaleScratchDirs(dir).sort()).toEqual([dead, reused].sort());
    expect([mine, foreign, other].every(existsSync)).toBe(true);
    expect([dead, reused].some(existsSync)).toBe(false);
  });

  it('sweeps nothing in a root that does not exist', () => {
    expect(sweepStaleScratchDirs(join(root(), 'missing'))).toEqual([]);
  });
});
