import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * CPU pinning: the target and the load generator on different cores, so neither steals the
 * other's CPU and runs are comparable. Uses util-linux `taskset` when present; without it (or on
 * a single core) nothing is pinned and the plan says so, which reports record.
 */
export interface PinningPlan {
  /** Whether taskset is used at all. */
  enabled: boolean;
  /** Why not, when disabled (no taskset, one core, LAB_PIN=0). */
  reason?: string;
  /** taskset CPU lists, e.g. `0` and `1`, or `0-1` and `2-3` on 4 cores. */
  targetCpus?: string;
  generatorCpus?: string;
}

let tasksetPath: string | null | undefined;

/** Path of `taskset`, or null when it is not installed. */
export function findTaskset(): string | null {
  if (tasksetPath === undefined) {
    const out = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' });
    tasksetPath = out.status === 0 && out.stdout.trim() ? out.stdout.trim() : null;
  }
  return tasksetPath;
}

const range = (from: number, to: number): string => (from === to ? `${from}` : `${from}-${to}`);

/**
 * Splits the cores in two halves: the target on the lower half, the generator on the upper.
 * `LAB_PIN=0` turns pinning off; `LAB_TARGET_CPUS` / `LAB_GENERATOR_CPUS` override the lists.
 */
export function pinningPlan(env: NodeJS.ProcessEnv = process.env): PinningPlan {
  if (env.LAB_PIN === '0') return { enabled: false, reason: 'LAB_PIN=0' };
  if (!findTaskset()) {
    return { enabled: false, reason: 'taskset not found (Debian package util-linux)' };
  }
  const cores = availableParallelism();
  if (cores < 2 && !(env.LAB_TARGET_CPUS && env.LAB_GENERATOR_CPUS)) {
    return { enabled: false, reason: `only ${cores} core available` };
  }
  const half = Math.floor(cores / 2);
  return {
    enabled: true,
    targetCpus: env.LAB_TARGET_CPUS ?? range(0, half - 1),
    generatorCpus: env.LAB_GENERATOR_CPUS ?? range(half, cores - 1),
  };
}

/** `command args` prefixed with `taskset -c <cpus>` when `cpus` is set. */
export function pinnedCommand(
  command: string,
  args: readonly string[],
  cpus: string | undefined,
): { command: string; args: string[] } {
  const taskset = cpus ? findTaskset() : null;
  if (!cpus || !taskset) return { command, args: [...args] };
  return { command: taskset, args: ['-c', cpus, command, ...args] };
}

/**
 * Pins an already running process (all its threads, `-a`) — used for the runner process itself
 * when the in-process engine generates load. Returns false when it could not.
 */
export function pinProcess(pid: number, cpus: string): boolean {
  const taskset = findTaskset();
  if (!taskset) return false;
  return (
    spawnSync(taskset, ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' }).status === 0
  );
}

/** The CPU list a process may run on (from /proc), e.g. `0-1`; undefined when unreadable. */
export function allowedCpus(pid: number | 'self' = 'self'): string | undefined {
  const out = spawnSync('sh', ['-c', `grep Cpus_allowed_list /proc/${pid}/status`], {
    encoding: 'utf8',
  });
  return /Cpus_allowed_list:\s*(\S+)/.exec(out.stdout)?.[1];
}

/** Metadata for results: what was pinned where. */
export function pinningMeta(plan: PinningPlan): Record<string, string | boolean> {
  return plan.enabled
    ? {
        'pinning.enabled': true,
        'pinning.targetCpus': plan.targetCpus ?? '',
        'pinning.generatorCpus': plan.generatorCpus ?? '',
      }
    : { 'pinning.enabled': false, 'pinning.reason': plan.reason ?? '' };
}
