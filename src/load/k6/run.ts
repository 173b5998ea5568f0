import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { trackDir, trackProcessGroup } from '../../infra/guard.ts';
import { makeScratchDir } from '../../infra/local/process.ts';
import { REPO_ROOT } from '../../targets/registry.ts';
import type { LoadSettings, Result } from '../result.ts';
import { findK6, K6_FIX, type K6Binary } from './binary.ts';
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
  /** Defaults to `findK6()`. */
  k6?: K6Binary;
  /** Kill k6 after this long; default: warm-up + duration + 60 s. */
  timeoutMs?: number;
}

/** k6's exit code when a threshold was crossed (here: a measured check failed). */
export const K6_THRESHOLDS_FAILED = 99;

const TAIL_BYTES = 16_384;

/** The `-e` variables the scripts read for the load model (see k6/lib/options.js). */
export function settingsEnv(settings: LoadSettings): Record<string, string> {
  const { model, durationSeconds, concurrency, ratePerSecond, warmupSeconds } = settings;
  if (!(durationSeconds > 0))
    throw new Error(`durationSeconds must be > 0, got ${durationSeconds}`);
  const env: Record<string, string> = { MODEL: model, DURATION: `${durationSeconds}s` };
  if (model === 'closed') {
    if (concurrency !== undefined) env.VUS = String(concurrency);
  } else if (ratePerSecond !== undefined) {
    env.RATE = String(ratePerSecond);
  }
  if (warmupSeconds) env.WARMUP = `${warmupSeconds}s`;
  return env;
}

function emptyResult(options: K6RunOptions, startedAt: string, failure: string): Result {
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

function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Runs one k6 script against a target and returns its Result. k6 runs in its own process group,
 * registered with the cleanup watchdog, so it dies with the runner. Failed checks and crossed
 * thresholds are results (`failedChecks`, `errors`, warnings), not exceptions; a run that
 * produced no summary (k6 missing, script error, timeout) comes back with `failure` set.
 */
export async function runK6(options: K6RunOptions): Promise<Result> {
  const startedAt = new Date().toISOString();
  const k6 = options.k6 ?? findK6();
  if (!k6) return emptyResult(options, startedAt, `k6 not found; ${K6_FIX}`);
  const script = isAbsolute(options.script) ? options.script : resolve(REPO_ROOT, options.script);
  if (!existsSync(script)) return emptyResult(options, startedAt, `no k6 script at ${script}`);

  const dir = makeScratchDir('k6');
  const trackedDir = trackDir(dir);
  const summaryFile = join(dir, 'summary.json');
  const variables: Record<string, string> = {
    ...settingsEnv(options.settings),
    ...options.env,
    BASE_URL: options.baseUrl,
    SUMMARY_FILE: summaryFile,
  };
  const args = [
    'run',
    '--quiet',
    '--no-color',
    '--no-usage-report',
    // __ENV holds exactly the -e variables: runs do not depend on the caller's environment.
    '--include-system-env-vars=false',
    ...Object.entries(variables).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    script,
  ];
  // K6_* variables (K6_VUS, K6_DURATION…) would override the script's options: never pass them.
  const childEnv = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('K6_')),
  );
  const { settings } = options;
  const timeoutMs =
    options.timeoutMs ?? ((settings.warmupSeconds ?? 0) + settings.durationSeconds) * 1000 + 60_000;

  try {
    const child = spawn(k6.path, args, {
      cwd: REPO_ROOT,
      env: childEnv,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tracked = child.pid === undefined ? undefined : trackProcessGroup(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-TAIL_BYTES);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-TAIL_BYTES);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    const exit = await new Promise<number | string>((done) => {
      child.once('error', (error) => done(error.message));
      child.once('close', (code, signal) => done(code ?? signal ?? 'unknown'));
    });
    clearTimeout(timer);
    tracked?.release();

    const meta: Result['meta'] = {
      'k6.version': k6.version,
      'k6.script': options.script,
      'k6.exitCode': typeof exit === 'number' ? exit : String(exit),
    };
    const output = tail(`${stderr}\n${stdout}`);
    if (!existsSync(summaryFile)) {
      const why = timedOut ? `timed out after ${timeoutMs} ms` : `exited (${exit})`;
      return {
        ...emptyResult(options, startedAt, `k6 ${why} without a summary:\n${output}`),
        meta,
      };
    }
    const result = parseK6Summary(JSON.parse(readFileSync(summaryFile, 'utf8')), {
      scenario: options.scenario,
      target: options.target,
      settings,
      startedAt,
      ...(options.variant ? { variant: options.variant } : {}),
      meta,
    });
    if (timedOut) result.failure = `k6 timed out after ${timeoutMs} ms:\n${output}`;
    else if (exit === K6_THRESHOLDS_FAILED) {
      result.warnings.push('k6 thresholds crossed (exit 99): measured checks failed');
    } else if (exit !== 0) result.failure = `k6 exited (${exit}):\n${output}`;
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    trackedDir.release();
  }
}
