import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trackDir } from '../infra/guard.ts';
import { makeScratchDir } from '../infra/local/process.ts';
import { pinnedCommand } from './pinning.ts';
import { clockTicksPerSecond } from './proc-sampler.ts';
import type { LatencySummary, LoadSettings, Result } from './result.ts';
import { findTool, runTool, toolVersion } from './tool-process.ts';

/**
 * wrk as a load engine: the C reference for what one generator core can push through a target
 * (closed model only: wrk keeps `concurrency` connections busy, one request in flight on each,
 * no pipelining). A small Lua `done()` hook prints one JSON line with the counts, percentiles
 * (µs) and wrk's own CPU time, so nothing depends on wrk's human-readable output.
 *
 *   const result = await runWrk({ baseUrl, path: '/health', settings, threads: 1, cpus: '1' });
 */
export interface WrkOptions {
  baseUrl: string;
  /** Request path, e.g. `/health` (GET). */
  path: string;
  /** Closed model only: `concurrency` connections for `durationSeconds` (after `warmupSeconds`). */
  settings: LoadSettings;
  /** wrk threads (`-t`); default 1. Connections are spread over them. */
  threads?: number;
  /** taskset CPU list to run wrk on (see pinning.ts). */
  cpus?: string;
  /** Result fields; default `GET <path>` and the base URL. */
  scenario?: string;
  target?: string;
  /**
   * Count every status in a Lua `response()` hook (default): exact `statuses`, like the other
   * engines. The hook makes wrk hand each response to Lua, ~0.3–0.6 µs of wrk CPU per request
   * (≈3 %, measured against the trivial target); with `false` wrk only counts statuses ≥ 400
   * (`errors.status`) and `statuses` holds the classes `2xx/3xx` and `4xx/5xx`.
   */
  countStatuses?: boolean;
  /** Where WRK_BIN and PATH come from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Kill wrk after this long; default warm-up + duration + 30 s. */
  timeoutMs?: number;
}

export interface WrkBinary {
  path: string;
  /** e.g. `debian/4.1.0-3+b2` */
  version: string;
}

export const WRK_FIX =
  'install it with `apt-get install wrk` (Debian/Ubuntu) or `bash scripts/setup.sh`, or set ' +
  'WRK_BIN to a wrk binary';

/** wrk prints its version with `-v` (and exits 1): `wrk debian/4.1.0-3+b2 [epoll] …`. */
const wrkVersionOf = (file: string): string | undefined => toolVersion(file, ['-v'], /^wrk (\S+)/m);

export function findWrk(env: NodeJS.ProcessEnv = process.env): WrkBinary | { reason: string } {
  return findTool('wrk', 'WRK_BIN', wrkVersionOf, env);
}

/**
 * The Lua hook. `done()` runs in wrk's main thread after the run: it prints one line
 * `WRK_JSON {…}` with wrk's summary, latency percentiles in µs, the per-thread status counts
 * (when `response()` is defined) and wrk's utime/stime in clock ticks from /proc/self/stat.
 */
export function wrkScript(countStatuses: boolean): string {
  return `-- Written by src/load/wrk.ts for one run.
statuses = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
${
  countStatuses
    ? 'function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end'
    : ''
}
local function cpu_ticks()
  local f = io.open("/proc/self/stat", "r")
  if not f then return -1, -1 end
  local stat = f:read("*a")
  f:close()
  local fields = {}
  for word in string.gmatch(stat:match("%) (.*)$") or "", "%S+") do table.insert(fields, word) end
  -- fields[1] is the state (field 3 of proc(5)); utime and stime are fields 14 and 15.
  return tonumber(fields[12]) or -1, tonumber(fields[13]) or -1
end
function done(summary, latency, requests)
  local e = summary.errors
  local parts = {}
  for _, p in ipairs({50, 90, 95, 99, 99.9}) do
    table.insert(parts, string.format('"%s":%.0f', tostring(p), latency:percentile(p)))
  end
  local counts = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if type(s) == "table" then
      for status, n in pairs(s) do counts[status] = (counts[status] or 0) + n end
    end
  end
  local codes = {}
  for status, n in pairs(counts) do table.insert(codes, string.format('"%d":%d', status, n)) end
  local utime, stime = cpu_ticks()
  io.write(string.format(
    '\\nWRK_JSON {"requests":%.0f,"durationMicros":%.0f,"bytes":%.0f,' ..
    '"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f},' ..
    '"latencyMicros":{"min":%.0f,"max":%.0f,"mean":%.3f,"stdev":%.3f,"percentiles":{%s}},' ..
    '"statuses":{%s},"threads":%d,"utimeTicks":%.0f,"stimeTicks":%.0f}\\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.max, latency.mean, latency.stdev, table.concat(parts, ","),
    table.concat(codes, ","), #threads, utime, stime))
end
`;
}

/** What the Lua hook prints. */
export interface WrkSummary {
  requests: number;
  durationMicros: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyMicros: {
    min: number;
    max: number;
    mean: number;
    stdev: number;
    percentiles: Record<string, number>;
  };
  /** Status → count; empty unless statuses were counted. */
  statuses: Record<string, number>;
  threads: number;
  /** wrk's CPU time in clock ticks (-1 when /proc was unreadable). */
  utimeTicks: number;
  stimeTicks: number;
}

/** Finds and parses the `WRK_JSON` line in wrk's stdout; undefined when there is none. */
export function parseWrkOutput(stdout: string): WrkSummary | undefined {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('WRK_JSON '));
  if (!line) return undefined;
  try {
    const parsed = JSON.parse(line.slice('WRK_JSON '.length)) as WrkSummary;
    return typeof parsed.requests === 'number' && typeof parsed.durationMicros === 'number'
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

const EMPTY_LATENCY: LatencySummary = {
  count: 0,
  min: 0,
  mean: 0,
  p50: 0,
  p90: 0,
  p95: 0,
  p99: 0,
  p999: 0,
  max: 0,
};

function baseResult(options: WrkOptions, startedAt: string): Result {
  return {
    engine: 'wrk',
    scenario: options.scenario ?? `GET ${options.path}`,
    target: options.target ?? options.baseUrl,
    settings: options.settings,
    requests: 0,
    throughput: 0,
    latency: { ...EMPTY_LATENCY },
    errors: 0,
    failedChecks: 0,
    statuses: {},
    warnings: [],
    startedAt,
    meta: {},
  };
}

const tail = (text: string, lines = 15) => text.trimEnd().split('\n').slice(-lines).join('\n');

function summarize(summary: WrkSummary): LatencySummary {
  const ms = (micros: number | undefined) => (micros ?? 0) / 1000;
  const { latencyMicros: l, requests } = summary;
  if (!requests) return { ...EMPTY_LATENCY };
  return {
    count: requests,
    min: ms(l.min),
    mean: ms(l.mean),
    p50: ms(l.percentiles['50']),
    p90: ms(l.percentiles['90']),
    p95: ms(l.percentiles['95']),
    p99: ms(l.percentiles['99']),
    p999: ms(l.percentiles['99.9']),
    max: ms(l.max),
  };
}

/**
 * Runs wrk against `baseUrl + path` and returns its Result. A missing wrk, an open-model
 * request or a run without a summary come back as a Result with `failure` set, not as an
 * exception. `errors` = socket errors (connect, read, write, timeout) + statuses ≥ 400.
 */
export async function runWrk(options: WrkOptions): Promise<Result> {
  const startedAt = new Date().toISOString();
  const result = baseResult(options, startedAt);
  const { settings } = options;
  const threads = options.threads ?? 1;
  const concurrency = settings.concurrency ?? 10;
  if (settings.model !== 'closed') {
    return { ...result, failure: 'wrk runs the closed model only (concurrency, no fixed rate)' };
  }
  if (!(Number.isInteger(settings.durationSeconds) && settings.durationSeconds > 0)) {
    return {
      ...result,
      failure: `wrk takes whole seconds: durationSeconds must be an integer > 0, got ${settings.durationSeconds}`,
    };
  }
  if (!(threads >= 1 && concurrency >= threads)) {
    return {
      ...result,
      failure: `wrk needs 1 ≤ threads ≤ connections, got ${threads} threads, ${concurrency} connections`,
    };
  }
  const wrk = findWrk(options.env);
  if (!('path' in wrk)) return { ...result, failure: `${wrk.reason}; ${WRK_FIX}` };

  const countStatuses = options.countStatuses ?? true;
  const dir = makeScratchDir('wrk');
  const trackedDir = trackDir(dir);
  const script = join(dir, 'summary.lua');
  writeFileSync(script, wrkScript(countStatuses));
  const url = new URL(options.path, options.baseUrl).toString();
  const argsFor = (seconds: number) => [
    '-t',
    String(threads),
    '-c',
    String(concurrency),
    '-d',
    `${seconds}s`,
    '--timeout',
    '10s',
    '--latency',
    '-s',
    script,
    url,
  ];
  const timeoutMs =
    options.timeoutMs ?? ((settings.warmupSeconds ?? 0) + settings.durationSeconds) * 1000 + 30_000;
  const meta: Result['meta'] = {
    'wrk.version': wrk.version,
    'wrk.threads': threads,
    connections: concurrency,
    'wrk.cpus': options.cpus ?? null,
    'wrk.statusesCounted': countStatuses,
  };

  try {
    const run = (seconds: number) => {
      const { command, args } = pinnedCommand(wrk.path, argsFor(seconds), options.cpus);
      return runTool(command, args, { timeoutMs });
    };
    if (settings.warmupSeconds) {
      // A separate, unrecorded run (wrk has no warm-up phase), in whole seconds.
      const warmup = await run(Math.ceil(settings.warmupSeconds));
      if (warmup.code !== 0) {
        return {
          ...result,
          meta,
          failure: `wrk warm-up exited (${warmup.code}):\n${tail(`${warmup.stderr}\n${warmup.stdout}`)}`,
        };
      }
    }
    const exit = await run(settings.durationSeconds);
    meta['wrk.exitCode'] = exit.code;
    const summary = parseWrkOutput(exit.stdout);
    const output = tail(`${exit.stderr}\n${exit.stdout}`);
    if (!summary) {
      const why = exit.timedOut ? `timed out after ${timeoutMs} ms` : `exited (${exit.code})`;
      return { ...result, meta, failure: `wrk ${why} without a summary:\n${output}` };
    }

    const { errors } = summary;
    const transportErrors = errors.connect + errors.read + errors.write + errors.timeout;
    const elapsedSeconds = summary.durationMicros / 1_000_000;
    const cpuSeconds =
      summary.utimeTicks >= 0 && summary.stimeTicks >= 0
        ? (summary.utimeTicks + summary.stimeTicks) / clockTicksPerSecond()
        : undefined;
    const cpuPercent =
      cpuSeconds === undefined || elapsedSeconds <= 0
        ? null
        : Math.round((cpuSeconds / elapsedSeconds) * 100);
    const statuses: Record<string, number> = countStatuses
      ? summary.statuses
      : {
          ...(summary.requests - errors.status > 0
            ? { '2xx/3xx': summary.requests - errors.status }
            : {}),
          ...(errors.status > 0 ? { '4xx/5xx': errors.status } : {}),
        };
    // Generator saturation is judged by the sanity checks (src/stats/sanity.ts) from the meta.
    const warnings: string[] = [];
    if (errors.timeout > 0) warnings.push(`${errors.timeout} requests timed out (10 s)`);
    Object.assign(meta, {
      transportErrors,
      'wrk.errors.connect': errors.connect,
      'wrk.errors.read': errors.read,
      'wrk.errors.write': errors.write,
      'wrk.errors.timeout': errors.timeout,
      'wrk.errors.status': errors.status,
      'wrk.bytes': summary.bytes,
      // % of one core, and per thread (each wrk thread can keep one core busy), which is the
      // 0–100 scale the sanity checks read.
      'wrk.cpuPercentOfOneCore': cpuPercent,
      loadGeneratorCpuPercent: cpuPercent === null ? null : Math.round(cpuPercent / threads),
      elapsedSeconds: Number(elapsedSeconds.toFixed(3)),
    });
    return {
      ...result,
      requests: summary.requests,
      throughput: elapsedSeconds > 0 ? summary.requests / elapsedSeconds : 0,
      latency: summarize(summary),
      errors: transportErrors + errors.status,
      failedChecks: errors.status,
      statuses,
      ...(exit.timedOut
        ? { failure: `wrk timed out after ${timeoutMs} ms:\n${output}` }
        : exit.code !== 0
          ? { failure: `wrk exited (${exit.code}):\n${output}` }
          : {}),
      warnings,
      meta,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    trackedDir.release();
  }
}
