import { existsSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { trackDir } from '../../infra/guard.ts';
import { makeScratchDir } from '../../infra/local/process.ts';
import { parseCpuList } from '../../launcher/launch.ts';
import { REPO_ROOT } from '../../launcher/registry.ts';
import { pinnedCommand } from '../pinning.ts';
import { startProcSampler } from '../proc-sampler.ts';
import type { LoadSettings, Result } from '../result.ts';
import { runTool, type ToolExit } from '../tool-process.ts';
import { K6_FIX, type K6Binary, type K6Runner, resolveK6 } from './binary.ts';
import { containerPath, runK6Container } from './container.ts';
import { parseK6Summary } from './summary.ts';

export interface K6RunOptions {
  /** Script path, absolute or relative to the repository root (e.g. `k6/basic/01-lightweight.js`). */
  script: string;
  baseUrl: string;
  /** Scenario id for the Result (e.g. `01-lightweight`). */
  scenario: string;
  /** Target name for the Result (e.g. `fastify`). */
  target: string;
  settings: LoadSettings;
  /** Scenario parameters passed to the script with `-e` (TOKEN, USERS, FILE_SIZE…). */
  env?: Record<string, string>;
  variant?: string;
  /** Defaults to `resolveK6()`: K6_BIN, PATH, else the grafana/k6 image when Docker answers. */
  k6?: K6Binary | K6Runner;
  /** taskset CPU list for the load generator (binary only; see src/load/pinning.ts). */
  cpus?: string;
  /** Kill k6 after this long; default: warm-up + duration + 60 s. */
  timeoutMs?: number;
  /** Called with k6's whole summary (metrics the Result does not keep: per-phase, per-window). */
  onSummary?: (summary: unknown) => void;
}

/** k6's exit code when a threshold was crossed (here: a measured check failed). */
export const K6_THRESHOLDS_FAILED = 99;

/** The `-e` variables the scripts read for the load model (see k6/lib/options.js). */
export function settingsEnv(settings: LoadSettings): Record<string, string> {
  const { model, durationSeconds, concurrency, ratePerSecond, warmupSeconds, operations } =
    settings;
  // A fixed iteration count (closed model): DURATION is then only its time limit.
  if (operations !== undefined) {
    if (!(Number.isInteger(operations) && operations > 0)) {
      throw new Error(`operations must be a positive integer, got ${operations}`);
    }
    if (model !== 'closed') throw new Error('a fixed iteration count needs the closed model');
  } else if (!(durationSeconds > 0)) {
    throw new Error(`durationSeconds must be > 0, got ${durationSeconds}`);
  }
  const env: Record<string, string> = { MODEL: model };
  if (durationSeconds > 0) env.DURATION = `${durationSeconds}s`;
  if (operations !== undefined) env.ITERATIONS = String(operations);
  if (model === 'closed') {
    if (concurrency !== undefined) env.VUS = String(concurrency);
  } else if (ratePerSecond !== undefined) {
    env.RATE = String(ratePerSecond);
  }
  if (warmupSeconds) env.WARMUP = `${warmupSeconds}s`;
  return env;
}

/** k6 arguments and environment for Prometheus remote write (monitoring/README.md). */
export interface RemoteWrite {
  args: string[];
  env: Record<string, string>;
}

/**
 * With `LAB_K6_PROMETHEUS_RW_URL` set, k6 also pushes its metrics to that Prometheus remote-write
 * endpoint (`--out experimental-prometheus-rw`), every series tagged with the lab's target and
 * scenario. The runner gives k6 no K6_* variable of the caller (they would override the scripts'
 * load options), except the output's own `K6_PROMETHEUS_RW_*` ones, which pass through.
 */
export function prometheusRemoteWrite(
  env: NodeJS.ProcessEnv,
  tags: { target: string; scenario: string; variant?: string },
): RemoteWrite | undefined {
  const url = env.LAB_K6_PROMETHEUS_RW_URL;
  if (!url) return undefined;
  if (!/^https?:\/\/[^/]/.test(url)) {
    throw new Error(
      `LAB_K6_PROMETHEUS_RW_URL=${JSON.stringify(url)} is not an http(s) URL (e.g. http://127.0.0.1:9090/api/v1/write)`,
    );
  }
  const own = Object.entries(env).filter(
    (entry): entry is [string, string] =>
      entry[0].startsWith('K6_PROMETHEUS_RW_') && entry[1] !== undefined,
  );
  return {
    args: [
      '--out',
      'experimental-prometheus-rw',
      ...[
        `lab_target=${tags.target}`,
        `lab_scenario=${tags.scenario}`,
        ...(tags.variant ? [`lab_variant=${tags.variant}`] : []),
      ].flatMap((tag) => ['--tag', tag]),
    ],
    env: {
      // Percentiles the dashboard charts, pushed often enough for runs of a few seconds.
      K6_PROMETHEUS_RW_TREND_STATS: 'p(50),p(95),p(99),max',
      K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
      ...Object.fromEntries(own),
      K6_PROMETHEUS_RW_SERVER_URL: url,
    },
  };
}

/** A k6 Result with no measurement, only the reason. */
export function emptyResult(options: K6RunOptions, startedAt: string, failure: string): Result {
  return {
    engine: 'k6',
    scenario: options.scenario,
    target: options.target,
    ...(options.variant ? { variant: options.variant } : {}),
    settings: options.settings,
    requests: 0,
    throughput: 0,
    latency: { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 },
    errors: 0,
    failedChecks: 0,
    statuses: {},
    failure,
    warnings: [],
    startedAt,
    meta: {},
  };
}

export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** What one k6 process is run with: arguments, environment and time limit. */
export interface K6Invocation {
  args: string[];
  childEnv: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/**
 * The `k6 run` command line of a lab run: the scenario's `-e` variables (load model, BASE_URL,
 * SUMMARY_FILE), no K6_* variable of the caller, `extraArgs` (execution segment, `--out`) before
 * the script.
 */
export function k6Invocation(
  options: K6RunOptions,
  k6: K6Runner,
  script: string,
  extra: { summaryFile: string; remoteWrite?: RemoteWrite | undefined; args?: string[] },
): K6Invocation {
  const variables: Record<string, string> = {
    ...settingsEnv(options.settings),
    ...options.env,
    BASE_URL: options.baseUrl,
    SUMMARY_FILE: extra.summaryFile,
  };
  const args = [
    'run',
    '--quiet',
    '--no-color',
    '--no-usage-report',
    // __ENV holds exactly the -e variables: runs do not depend on the caller's environment.
    '--include-system-env-vars=false',
    ...Object.entries(variables).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    ...(extra.remoteWrite?.args ?? []),
    ...(extra.args ?? []),
    k6.kind === 'container' ? containerPath(options.script) : script,
  ];
  // K6_* variables (K6_VUS, K6_DURATION…) would override the script's options: never pass them
  // (remote write's own settings excepted, see prometheusRemoteWrite).
  const childEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('K6_'))),
    ...extra.remoteWrite?.env,
  };
  const { settings } = options;
  const timeoutMs =
    options.timeoutMs ??
    ((settings.warmupSeconds ?? 0) + (settings.durationSeconds || 600)) * 1000 + 60_000;
  return { args, childEnv, timeoutMs };
}

/**
 * Runs one k6 script against a target and returns its Result. k6 runs in its own process group,
 * registered with the cleanup watchdog, so it dies with the runner. Failed checks and crossed
 * thresholds are results (`failedChecks`, `errors`, warnings), not exceptions; a run that
 * produced no summary (k6 missing, script error, timeout) comes back with `failure` set.
 */
export async function runK6(options: K6RunOptions): Promise<Result> {
  const startedAt = new Date().toISOString();
  const k6: K6Runner | undefined = options.k6
    ? 'kind' in options.k6
      ? options.k6
      : { kind: 'binary', ...options.k6 }
    : await resolveK6();
  if (!k6) return emptyResult(options, startedAt, `k6 not found; ${K6_FIX}`);
  const script = isAbsolute(options.script) ? options.script : resolve(REPO_ROOT, options.script);
  if (!existsSync(script)) return emptyResult(options, startedAt, `no k6 script at ${script}`);
  if (k6.kind === 'container' && isAbsolute(options.script)) {
    return emptyResult(
      options,
      startedAt,
      'the k6 container needs a script path inside the repository',
    );
  }

  let remoteWrite: RemoteWrite | undefined;
  try {
    remoteWrite = prometheusRemoteWrite(process.env, options);
  } catch (error) {
    return emptyResult(options, startedAt, (error as Error).message);
  }

  const dir = makeScratchDir('k6');
  const trackedDir = trackDir(dir);
  const summaryFile = join(dir, 'summary.json');
  const { args, childEnv, timeoutMs } = k6Invocation(options, k6, script, {
    summaryFile,
    remoteWrite,
  });

  try {
    if (k6.kind === 'container') {
      const run = await runK6Container(args, dir, timeoutMs, remoteWrite?.env);
      return finish(
        options,
        startedAt,
        summaryFile,
        k6,
        run.exit,
        tail(run.output),
        false,
        timeoutMs,
      );
    }
    const { run, cpuPercent: generatorCpu } = await runK6Process(k6.path, args, {
      cpus: options.cpus,
      env: childEnv,
      timeoutMs,
    });
    const { stdout, stderr, timedOut } = run;
    const exit = run.code;

    const result = finish(
      options,
      startedAt,
      summaryFile,
      k6,
      exit,
      tail(`${stderr}\n${stdout}`),
      timedOut,
      timeoutMs,
    );
    if (generatorCpu !== undefined) {
      // k6 is multi-threaded: saturation is 100% of every core it may use, so report per core.
      const cores =
        (options.cpus ? parseCpuList(options.cpus)?.size : undefined) ?? availableParallelism();
      result.meta['k6.cpuPercent'] = Math.round(generatorCpu);
      result.meta.loadGeneratorCpuPercent = Math.round(generatorCpu / cores);
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    trackedDir.release();
  }
}

/**
 * One k6 process (pinned to `cpus` when given) run to its end, with its own CPU use sampled from
 * /proc for the "load generator saturated" check: % of one core, mean over the run.
 */
export async function runK6Process(
  k6Path: string,
  args: string[],
  options: { cpus: string | undefined; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ run: ToolExit; cpuPercent: number | undefined }> {
  const pinned = pinnedCommand(k6Path, args, options.cpus);
  let sampler: ReturnType<typeof startProcSampler> | undefined;
  const run = await runTool(pinned.command, pinned.args, {
    cwd: REPO_ROOT,
    env: options.env,
    timeoutMs: options.timeoutMs,
    onSpawn: (pid) => {
      sampler = startProcSampler(pid);
    },
  });
  return { run, cpuPercent: sampler?.stop().cpuPercent.mean };
}

/** Turns k6's exit and summary file into the Result. */
export function finish(
  options: K6RunOptions,
  startedAt: string,
  summaryFile: string,
  k6: K6Runner,
  exit: number | string,
  output: string,
  timedOut: boolean,
  timeoutMs: number,
): Result {
  const meta: Result['meta'] = {
    'k6.version': k6.version,
    'k6.runner': k6.kind === 'binary' ? k6.path : k6.image,
    'k6.script': options.script,
    'k6.exitCode': typeof exit === 'number' ? exit : String(exit),
    'k6.cpus': options.cpus ?? null,
    // Pushing metrics costs the generator CPU: the report says when a run did.
    ...(process.env.LAB_K6_PROMETHEUS_RW_URL
      ? { 'k6.prometheusRemoteWrite': process.env.LAB_K6_PROMETHEUS_RW_URL }
      : {}),
  };
  if (!existsSync(summaryFile)) {
    const why = timedOut ? `timed out after ${timeoutMs} ms` : `exited (${exit})`;
    return { ...emptyResult(options, startedAt, `k6 ${why} without a summary:\n${output}`), meta };
  }
  const summary: unknown = JSON.parse(readFileSync(summaryFile, 'utf8'));
  options.onSummary?.(summary);
  const result = parseK6Summary(summary, {
    scenario: options.scenario,
    target: options.target,
    settings: options.settings,
    startedAt,
    ...(options.variant ? { variant: options.variant } : {}),
    meta,
  });
  // A container that wrote its summary finished the run: a failed one-shot exit is a crossed
  // threshold (k6 exits 99), the only non-zero exit that still writes a summary.
  const thresholds = exit === K6_THRESHOLDS_FAILED || (k6.kind === 'container' && exit !== 0);
  if (timedOut) result.failure = `k6 timed out after ${timeoutMs} ms:\n${output}`;
  else if (thresholds) {
    result.warnings.push('k6 thresholds crossed (exit 99): measured checks failed');
  } else if (exit !== 0) result.failure = `k6 exited (${exit}):\n${output}`;
  return result;
}
