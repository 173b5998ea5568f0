import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus as osCpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { trackDir } from '../../infra/guard.ts';
import {
  logTail,
  makeScratchDir,
  type ServerProcess,
  spawnServer,
  stopServer,
} from '../../infra/local/process.ts';
import { PortInUseError, withPortRetry } from '../../infra/ports.ts';
import { sanityWarnings } from '../../stats/sanity.ts';
import { runInProcess } from '../inprocess/engine.ts';
import { runK6 } from '../k6/run.ts';
import {
  allowedCpus,
  type PinningPlan,
  pinnedCommand,
  pinningMeta,
  pinningPlan,
  pinProcess,
} from '../pinning.ts';
import { clockTicksPerSecond } from '../proc-sampler.ts';
import type { LoadSettings, Result } from '../result.ts';
import { runWrk } from '../wrk.ts';

/**
 * The harness measured against the physical limit: the in-process engine, k6 and wrk (C, the
 * reference) against a trivial node:http target (`GET /health`), the target pinned to its CPUs
 * and every generator to the others, engines interleaved over a few rounds so drifting noise
 * on a shared machine hits all of them alike. Reports each engine's throughput and its ratio
 * to wrk's (the median of per-round ratios: each engine against wrk in the same round).
 *
 * Pinning: the target runs under `taskset -c <targetCpus>`; wrk under `taskset -c
 * <generatorCpus>`; this process (the in-process engine's generator — in vitest, the forked
 * worker only) is pinned to the generator CPUs with `taskset -a -p` for the measurement and
 * given its old CPUs back afterwards; k6, started from it, inherits that affinity.
 */
export type PhysicalLimitEngine = 'wrk' | 'inprocess' | 'k6';

export const PHYSICAL_LIMIT_ENGINES: readonly PhysicalLimitEngine[] = ['wrk', 'inprocess', 'k6'];

export interface PhysicalLimitOptions {
  /** Default 3. */
  rounds?: number;
  /** Measured seconds per engine per round; default 5. */
  durationSeconds?: number;
  /** Unmeasured seconds before each measured run; default 1. */
  warmupSeconds?: number;
  /** Connections / VUs (closed model); default 16. */
  concurrency?: number;
  /** wrk threads; default 1 (one generator core on a 2-core machine). */
  wrkThreads?: number;
  /** Default `pinningPlan()`. */
  plan?: PinningPlan;
  /** Default all three. */
  engines?: readonly PhysicalLimitEngine[];
  log?: (line: string) => void;
}

export interface EngineSummary {
  engine: PhysicalLimitEngine;
  /** Requests per second, one per round (0 for a failed run). */
  throughputs: number[];
  /** Median of `throughputs`. */
  throughput: number;
  /** Per round: this engine's throughput / wrk's in the same round (null when either failed). */
  ratiosToWrk: Array<number | null>;
  /** Median of the per-round ratios; null without any. */
  ratioToWrk: number | null;
  /** Medians over the rounds: generator CPU (% of one core), target CPU, latency. */
  generatorCpuPercent: number | null;
  targetCpuPercent: number | null;
  p50Ms: number;
  p99Ms: number;
  failures: string[];
}

export interface PhysicalLimitReport {
  /** Every run, in the order they ran (`meta.round`, `meta.order`). */
  results: Result[];
  engines: EngineSummary[];
  /** Engine → median ratio of its throughput to wrk's (wrk itself: 1). */
  ratios: Partial<Record<PhysicalLimitEngine, number | null>>;
  /** Pinning, machine and settings: what every Result's meta also carries. */
  meta: Result['meta'];
}

const SERVER = fileURLToPath(new URL('./trivial-server.ts', import.meta.url));
export const TRIVIAL_SCENARIO = 'GET /health (trivial node:http)';
export const TRIVIAL_TARGET = 'node:http trivial';

/** `lscpu`'s "Model name", from /proc/cpuinfo. */
export function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {
    // not Linux
  }
  return osCpus()[0]?.model ?? 'unknown';
}

/** utime+stime (and the reaped children's) of a process in seconds, from /proc/<pid>/stat. */
export function processCpuSeconds(
  pid: number | 'self',
): { own: number; children: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = (field: number) => Number(fields[field - 3]);
    const hz = clockTicksPerSecond();
    return {
      own: (ticks(14) + ticks(15)) / hz,
      children: (ticks(16) + ticks(17)) / hz,
    };
  } catch {
    return undefined;
  }
}

const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

export interface TrivialServer {
  url: string;
  pid: number;
  /** The CPUs it runs on, read back from /proc (undefined when unreadable). */
  cpus: string | undefined;
  stop(): Promise<void>;
}

/** Starts trivial-server.ts as its own process (group), pinned to `cpus` when given. */
export async function startTrivialServer(cpus?: string): Promise<TrivialServer> {
  const dir = makeScratchDir('trivial');
  const trackedDir = trackDir(dir);
  const logFile = join(dir, 'server.log');
  try {
    return await withPortRetry(async (port) => {
      const { command, args } = pinnedCommand(process.execPath, [SERVER], cpus);
      const server: ServerProcess = spawnServer(command, args, logFile, undefined, 'SIGTERM', {
        env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
      });
      const url = `http://127.0.0.1:${port}`;
      let exit: number | string | undefined;
      void server.exited.then((code) => {
        exit = code;
      });
      const deadline = Date.now() + 15_000;
      while (!(await healthy(url))) {
        if (exit !== undefined || Date.now() > deadline) {
          await stopServer(server, 'SIGKILL');
          const tail = logTail(logFile);
          if (/EADDRINUSE/.test(tail)) throw new PortInUseError(tail);
          throw new Error(`trivial server did not answer /health (exit ${exit}):\n${tail}`);
        }
        await sleep(20);
      }
      const pid = server.child.pid as number;
      return {
        url,
        pid,
        cpus: allowedCpus(pid),
        async stop() {
          await stopServer(server, 'SIGTERM', 3000);
          rmSync(dir, { recursive: true, force: true });
          trackedDir.release();
        },
      };
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    trackedDir.release();
    throw error;
  }
}

const rotate = <T>(items: readonly T[], by: number): T[] =>
  items.map((_, i) => items[(i + by) % items.length] as T);

/** Runs the physical-limit comparison; see the module comment. */
export async function runPhysicalLimit(
  options: PhysicalLimitOptions = {},
): Promise<PhysicalLimitReport> {
  const rounds = options.rounds ?? 3;
  const engines = options.engines ?? PHYSICAL_LIMIT_ENGINES;
  const log = options.log ?? (() => {});
  const plan = options.plan ?? pinningPlan();
  const durationSeconds = options.durationSeconds ?? 5;
  const warmupSeconds = options.warmupSeconds ?? 1;
  // wrk takes whole seconds, k6 scenarios last at least 1 s.
  for (const [name, value] of [
    ['durationSeconds', durationSeconds],
    ['warmupSeconds', warmupSeconds],
  ] as const) {
    if (!Number.isInteger(value) || value < (name === 'durationSeconds' ? 1 : 0)) {
      throw new Error(`${name} must be a whole number of seconds (wrk, k6), got ${value}`);
    }
  }
  const settings: LoadSettings = {
    model: 'closed',
    concurrency: options.concurrency ?? 16,
    durationSeconds,
    ...(warmupSeconds > 0 ? { warmupSeconds } : {}),
  };
  const targetCpus = plan.enabled ? plan.targetCpus : undefined;
  const generatorCpus = plan.enabled ? plan.generatorCpus : undefined;
  const wrkThreads = options.wrkThreads ?? 1;

  const cores = availableParallelism(); // before pinning narrows it
  const server = await startTrivialServer(targetCpus);
  const restoreCpus = allowedCpus('self');
  let runnerPinned = false;
  let restoreFailed: string | undefined;
  const results: Result[] = [];
  let meta: Result['meta'] = {};
  try {
    if (generatorCpus) runnerPinned = pinProcess(process.pid, generatorCpus);
    meta = {
      ...pinningMeta(plan),
      'target.cpus': server.cpus ?? null,
      'generator.cpus': allowedCpus('self') ?? null,
      'generator.runnerPinned': runnerPinned,
      'generator.k6': 'inherits the runner process affinity',
      'machine.cpuModel': cpuModel(),
      'machine.cores': cores,
      'node.version': process.version,
      rounds,
    };

    /** Generator CPU as % of one core, the same way for every engine. */
    const withGeneratorCpu = (result: Result): Result => {
      if (result.meta['generator.cpuPercent'] === undefined) {
        const cpu = result.meta['wrk.cpuPercentOfOneCore'] ?? result.meta.loadGeneratorCpuPercent;
        result.meta['generator.cpuPercent'] = typeof cpu === 'number' ? cpu : null;
        result.meta['generator.cpuWindow'] = 'measured window';
      }
      return result;
    };

    const runOne = async (engine: PhysicalLimitEngine): Promise<Result> => {
      const common = { baseUrl: server.url, scenario: TRIVIAL_SCENARIO, target: TRIVIAL_TARGET };
      if (engine === 'wrk') {
        return runWrk({
          ...common,
          path: '/health',
          settings,
          threads: wrkThreads,
          ...(generatorCpus ? { cpus: generatorCpus } : {}),
        });
      }
      if (engine === 'inprocess') {
        return runInProcess({
          ...common,
          settings,
          request: () => ({ method: 'GET', path: '/health' }),
          expectStatus: (status) => status === 200,
        });
      }
      // k6's CPU: what this process's reaped children used meanwhile (k6 is one of them).
      const before = processCpuSeconds('self');
      const started = performance.now();
      const result = await runK6({ ...common, script: 'k6/basic/01-lightweight.js', settings });
      const after = processCpuSeconds('self');
      const seconds = (performance.now() - started) / 1000;
      result.meta['generator.cpuPercent'] =
        before && after ? Math.round(((after.children - before.children) / seconds) * 100) : null;
      result.meta['generator.cpuWindow'] = 'k6 process lifetime (start-up and warm-up included)';
      return result;
    };

    let order = 0;
    for (let round = 0; round < rounds; round++) {
      for (const engine of rotate(engines, round)) {
        log(`[harness] round ${round + 1}/${rounds}: ${engine}…`);
        const before = processCpuSeconds(server.pid);
        const started = performance.now();
        const result = withGeneratorCpu(await runOne(engine));
        const after = processCpuSeconds(server.pid);
        const seconds = (performance.now() - started) / 1000;
        const targetCpuPercent =
          before && after ? Math.round(((after.own - before.own) / seconds) * 100) : null;
        result.warnings = [...new Set([...result.warnings, ...sanityWarnings(result)])];
        result.meta = {
          ...result.meta,
          ...meta,
          round,
          order: order++,
          // Over the whole run, warm-up and start-up included (the Result's window is shorter).
          'target.cpuPercent': targetCpuPercent,
        };
        results.push(result);
        log(
          `[harness]   ${engine}: ${Math.round(result.throughput).toLocaleString('en-US')} rps` +
            `${result.failure ? ` FAILED: ${result.failure.split('\n')[0]}` : ''}`,
        );
      }
    }
  } finally {
    if (runnerPinned && restoreCpus && !pinProcess(process.pid, restoreCpus)) {
      restoreFailed = `could not restore this process's CPUs to ${restoreCpus}`;
    }
    await server.stop();
  }
  if (restoreFailed) throw new Error(restoreFailed);

  const summaries = engines.map((engine) => summarizeEngine(engine, results, rounds));
  const ratios: PhysicalLimitReport['ratios'] = {};
  for (const summary of summaries) ratios[summary.engine] = summary.ratioToWrk;
  return { results, engines: summaries, ratios, meta };
}

function summarizeEngine(
  engine: PhysicalLimitEngine,
  results: readonly Result[],
  rounds: number,
): EngineSummary {
  const byRound = (name: PhysicalLimitEngine, round: number) =>
    results.find((result) => result.engine === name && result.meta.round === round);
  const usable = (result: Result | undefined) =>
    result && !result.failure && result.throughput > 0 ? result : undefined;
  const throughputs: number[] = [];
  const ratiosToWrk: Array<number | null> = [];
  const generatorCpu: number[] = [];
  const targetCpu: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  const failures: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const result = byRound(engine, round);
    if (result?.failure) failures.push(result.failure);
    const ok = usable(result);
    throughputs.push(ok?.throughput ?? 0);
    const wrk = usable(byRound('wrk', round));
    ratiosToWrk.push(ok && wrk ? ok.throughput / wrk.throughput : null);
    if (!ok) continue;
    const cpu = ok.meta['generator.cpuPercent'];
    if (typeof cpu === 'number') generatorCpu.push(cpu);
    if (typeof ok.meta['target.cpuPercent'] === 'number') {
      targetCpu.push(ok.meta['target.cpuPercent']);
    }
    p50.push(ok.latency.p50);
    p99.push(ok.latency.p99);
  }
  const ratios = ratiosToWrk.filter((ratio): ratio is number => ratio !== null);
  const orNull = (values: number[]) => (values.length ? median(values) : null);
  return {
    engine,
    throughputs,
    throughput: median(throughputs),
    ratiosToWrk,
    ratioToWrk: orNull(ratios),
    generatorCpuPercent: orNull(generatorCpu),
    targetCpuPercent: orNull(targetCpu),
    p50Ms: orNull(p50) ?? Number.NaN,
    p99Ms: orNull(p99) ?? Number.NaN,
    failures,
  };
}

/** A plain-text table of the report, one row per engine. */
export function formatPhysicalLimit(report: PhysicalLimitReport): string {
  const header = [
    'engine',
    'rps (median)',
    'ratio to wrk',
    'per round',
    'gen CPU %',
    'target CPU %',
    'p50 ms',
    'p99 ms',
  ];
  const fmt = (value: number | null, digits = 0) =>
    value === null || Number.isNaN(value)
      ? '–'
      : value.toLocaleString('en-US', {
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
        });
  const rows = report.engines.map((summary) => [
    summary.engine,
    fmt(summary.throughput),
    summary.ratioToWrk === null ? '–' : `${summary.ratioToWrk.toFixed(2)}×`,
    summary.ratiosToWrk.map((ratio) => (ratio === null ? '–' : ratio.toFixed(2))).join(' '),
    fmt(summary.generatorCpuPercent),
    fmt(summary.targetCpuPercent),
    fmt(summary.p50Ms, 3),
    fmt(summary.p99Ms, 3),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ');
  const failures = report.engines.flatMap((summary) =>
    summary.failures.map((failure) => `${summary.engine} failed: ${failure.split('\n')[0]}`),
  );
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)]
    .concat(failures)
    .join('\n');
}
