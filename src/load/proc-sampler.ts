import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResourceUsage } from './result.ts';

/**
 * Samples a target's CPU and memory from /proc (Linux only) while it is measured: the process
 * and every process of its process group, so a target that forks workers (cluster, PostgreSQL-
 * style backends) is counted fully.
 *
 * Hand-written rather than `pidusage`: pidusage measures the pids it is given and knows nothing
 * about process groups or descendants (finding them would need a second package, `pidtree`,
 * which walks `ps` output), and its per-pid CPU deltas lose the time of workers that exit between
 * samples. Here the group's cumulative CPU time includes `cutime`/`cstime`, the time of children
 * a member has reaped, so a worker that exits moves its time to its parent instead of losing it.
 */

/** One process as read from /proc/<pid>/stat. */
interface ProcStat {
  pid: number;
  state: string;
  pgrp: number;
  /** utime + stime + cutime + cstime, in clock ticks. */
  ticks: number;
}

let clockTicks: number | undefined;

/** USER_HZ, the unit of CPU times in /proc (`getconf CLK_TCK`); 100 when getconf fails. */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const value = Number(out.stdout?.trim());
    clockTicks = out.status === 0 && Number.isInteger(value) && value > 0 ? value : 100;
  }
  return clockTicks;
}

/** Parses /proc/<pid>/stat; undefined when the process is gone (or the file is unreadable). */
function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid pgrp …`: comm may contain spaces and parentheses, so split after the
  // last `)`. Field n of proc(5) is then at index n - 3.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  return {
    pid,
    state: fields[0] ?? '?',
    pgrp: field(5),
    ticks: field(14) + field(15) + field(16) + field(17),
  };
}

/** VmRSS of a process in MiB; 0 when it is gone or has no memory (a zombie). */
function readRssMiB(pid: number): number {
  try {
    const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Number(kib) / 1024 : 0;
  } catch {
    return 0;
  }
}

function allPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}

/** Whether process `pid` exists and is not a zombie (an exited child not yet reaped). */
export function processRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** Pids of the processes in process group `pgid` that are still running (zombies excluded). */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push(pid);
  }
  return members;
}

/**
 * Whether any process of group `pgid` is left. `kill(-pgid, 0)` answers quickly when the group is
 * empty (ESRCH), but it also counts zombies, and where PID 1 does not reap orphans (some
 * container and VM inits) a killed worker stays a zombie forever: those are treated as gone.
 */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: the group exists but belongs to someone else; look in /proc.
  }
  return processGroupMembers(pgid).length > 0;
}

/**
 * CPU time in seconds of the running members of process group `pgid` (all their threads),
 * with nanosecond resolution: the sum of the first field of /proc/<pid>/task/<tid>/schedstat
 * (time on CPU). The tick counters of /proc/<pid>/stat have 10 ms resolution, too coarse to
 * tell 30 µs of CPU per request from 33 µs in a one-second slice; schedstat is exact. Threads
 * that exited before the call are not counted, so take differences over windows in which the
 * group's threads live on (a server under steady load). Undefined when the group is gone.
 */
export function groupCpuSeconds(
  pgid: number,
  members: readonly number[] = processGroupMembers(pgid),
): number | undefined {
  let nanos = 0;
  let seen = false;
  for (const pid of members) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const first = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0];
        nanos += Number(first);
        seen = true;
      } catch {
        // the thread ended between the listing and the read
      }
    }
  }
  return seen ? nanos / 1e9 : undefined;
}

/** Resident memory of group `pgid`'s running members, MiB. */
export function groupRssMiB(
  pgid: number,
  members: readonly number[] = processGroupMembers(pgid),
): number {
  return members.reduce((sum, pid) => sum + readRssMiB(pid), 0);
}

/** Polls until group `pgid` is gone; resolves false if it is still there after `timeoutMs`. */
export async function waitForGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processGroupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

export interface ProcSamplerOptions {
  /** Sampling interval, ms (default 250). */
  intervalMs?: number;
  /**
   * How often the whole of /proc is scanned for new members of the group, ms (default 1000).
   * A scan reads every process's stat file (a few ms, synchronously, on the generator's event
   * loop), so between scans only the known members are read; a worker found late loses nothing,
   * since its cumulative CPU time is counted when it is found.
   */
  rescanMs?: number;
}

export interface ProcSampler {
  /** Takes a last sample, stops the timer and summarizes. Safe to call more than once. */
  stop(): ResourceUsage;
}

interface Reading {
  atMs: number;
  ticks: number;
  rssMiB: number;
  /** Members seen, zombies included (their times count until reaped), for the next round. */
  members: number[];
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * Starts sampling process `pid` and its process group (`pid` is the group id of a process
 * spawned detached). Never throws when processes vanish: a sample with no process left is not
 * recorded, and sampling ends there. The timer is unref()ed and does not keep Node alive.
 */
export function startProcSampler(pid: number, options: ProcSamplerOptions = {}): ProcSampler {
  const intervalMs = options.intervalMs ?? 250;
  const rescanMs = options.rescanMs ?? 1000;
  const hz = clockTicksPerSecond();
  const started = performance.now();
  const samples: ResourceUsage['samples'] = [];
  const weights: number[] = [];
  let known: number[] = [pid];
  let lastScanAt = Number.NEGATIVE_INFINITY;
  let gone = false;

  function read(): Reading | undefined {
    const atMs = performance.now() - started;
    let candidates: number[];
    if (atMs - lastScanAt >= rescanMs) {
      lastScanAt = atMs;
      candidates = allPids();
    } else {
      candidates = known;
    }
    const members: number[] = [];
    let running = 0;
    let ticks = 0;
    let rssMiB = 0;
    for (const candidate of candidates) {
      const stat = readStat(candidate);
      if (!stat || (stat.pid !== pid && stat.pgrp !== pid)) continue;
      // A zombie's own times stay in its stat file until it is reaped (then they move to its
      // parent's cutime/cstime), so it keeps counting; it just has no memory.
      members.push(candidate);
      ticks += stat.ticks;
      if (stat.state === 'Z' || stat.state === 'X') continue;
      running++;
      rssMiB += readRssMiB(candidate);
    }
    if (running === 0) return undefined;
    return { atMs, ticks, rssMiB, members };
  }

  let previous = read();
  if (previous) known = previous.members;
  else gone = true;

  function sample(final: boolean): void {
    if (gone || !previous) return;
    const current = read();
    if (!current) {
      gone = true;
      return;
    }
    const elapsedMs = current.atMs - previous.atMs;
    // Too short a window at the end is noise (ticks are 10 ms); keep it only if it is all we have.
    if (final && elapsedMs < intervalMs / 2 && samples.length > 0) return;
    if (elapsedMs <= 0) return;
    // A member leaving the group without being reaped by another member takes its time along;
    // the total can then drop, which is not negative CPU use.
    const ticks = Math.max(0, current.ticks - previous.ticks);
    samples.push({
      tMs: Math.round(current.atMs),
      cpuPercent: round1(((ticks / hz) * 1000 * 100) / elapsedMs),
      rssMiB: round1(current.rssMiB),
    });
    weights.push(elapsedMs);
    previous = current;
    known = current.members;
  }

  const timer = setInterval(() => {
    try {
      sample(false);
    } catch {
      // /proc unreadable (not Linux?): stop sampling rather than crash the run.
      gone = true;
    }
    if (gone) clearInterval(timer);
  }, intervalMs);
  timer.unref();

  let summary: ResourceUsage | undefined;
  return {
    stop() {
      if (summary) return summary;
      clearInterval(timer);
      try {
        sample(true);
      } catch {
        gone = true;
      }
      const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
      const weightedMean = (pick: (s: ResourceUsage['samples'][number]) => number) =>
        totalWeight > 0
          ? round1(
              samples.reduce((sum, s, i) => sum + pick(s) * (weights[i] ?? 0), 0) / totalWeight,
            )
          : 0;
      const max = (pick: (s: ResourceUsage['samples'][number]) => number) =>
        samples.reduce((best, s) => Math.max(best, pick(s)), 0);
      summary = {
        intervalMs,
        cpuPercent: { mean: weightedMean((s) => s.cpuPercent), max: max((s) => s.cpuPercent) },
        rssMiB: { mean: weightedMean((s) => s.rssMiB), max: max((s) => s.rssMiB) },
        samples,
      };
      return summary;
    },
  };
}
