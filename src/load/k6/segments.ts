import { createReadStream, existsSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { trackDir } from '../../infra/guard.ts';
import { makeScratchDir } from '../../infra/local/process.ts';
import { parseCpuList } from '../../launcher/launch.ts';
import { REPO_ROOT } from '../../launcher/registry.ts';
import { type LatencyHistogram, newLatencyHistogram, summarizeMicros } from '../histogram.ts';
import type { Result } from '../result.ts';
import { K6_FIX, type K6Runner, resolveK6 } from './binary.ts';
import {
  emptyResult,
  finish,
  type K6RunOptions,
  k6Invocation,
  prometheusRemoteWrite,
  runK6Process,
  tail,
} from './run.ts';

/**
 * One k6 scenario split across N k6 processes with k6's own execution segments
 * (`--execution-segment i/N:(i+1)/N --execution-segment-sequence 0,1/N,…,1`): every process runs
 * its share of the VUs, of the arrival rate or of a fixed iteration count, the same script, and
 * writes its summary and, with `--out json`, every sample. The lab then merges:
 *
 *  - counts (requests, statuses, errors, checks, iterations, dropped iterations, the script's
 *    counters) by adding the instances' summaries;
 *  - latency from the raw samples: each instance's measured `http_req_duration` points go into
 *    its own HDR histogram (µs, 3 significant digits, src/load/histogram.ts) and the histograms
 *    are added, so the percentiles are those of the union of every request of every instance.
 *    k6 itself never merges percentiles across instances, and averaging per-instance p99s is not
 *    a p99;
 *  - the generators' CPU: every process is sampled from /proc; `loadGeneratorCpuPercent` is their
 *    sum over the cores they may use, so the ranking's saturation rule sees all N together.
 *
 * Locally each process gets one generator CPU (round-robin over the generator CPU list); with
 * more processes than generator CPUs they share (2-core machine: all on CPU 1), which the Result
 * says. The k6-operator path (src/load/k6/operator.ts) runs the same segments as pods.
 */

export interface SegmentPlan {
  /** `--execution-segment` of each instance, e.g. `0:1/2`, `1/2:1`. */
  segments: string[];
  /** `--execution-segment-sequence`, e.g. `0,1/2,1`. */
  sequence: string;
}

/** N equal execution segments of one k6 run (k6's fraction syntax). */
export function executionSegments(n: number): SegmentPlan {
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new Error(`generators must be a positive integer, got ${n}`);
  }
  const point = (i: number) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`);
  const points = Array.from({ length: n + 1 }, (_, i) => point(i));
  return {
    segments: Array.from({ length: n }, (_, i) => `${points[i]}:${points[i + 1]}`),
    sequence: points.join(','),
  };
}

/**
 * CPU list of each of `n` generators: one generator CPU each, round-robin (several share one
 * when there are more generators than CPUs); undefined entries when nothing is pinned.
 */
export function generatorCpuLists(n: number, cpus: string | undefined): Array<string | undefined> {
  const list = cpus ? [...(parseCpuList(cpus) ?? [])].sort((a, b) => a - b) : [];
  return Array.from({ length: n }, (_, i) =>
    list.length === 0 ? undefined : String(list[i % list.length]),
  );
}

/** System tags the lab's scripts do not need in the raw samples (smaller `--out json` lines). */
const SYSTEM_TAGS = 'status,method,name,group,check,error_code,scenario,expected_response';

/** The measured latency samples of one k6 `--out json` file. */
export interface K6Samples {
  histogram: LatencyHistogram;
  /** Every measured duration, ms (only when asked for: tests compare with the histogram). */
  durationsMs?: number[];
  /** Earliest request start and latest end of the measured phase, epoch ms (NaN when none). */
  firstStartMs: number;
  lastEndMs: number;
  /** Measured requests by status tag (`0`: transport error). */
  statuses: Record<string, number>;
  /** Measured requests k6 did not count as expected responses (`http_req_failed`). */
  unexpected: number;
}

/**
 * Reads the measured-phase `http_req_duration` points of a k6 JSON output file (one JSON object
 * per line; other metrics and warm-up points skipped) into an HDR histogram in µs.
 */
export async function readK6Samples(file: string, keep = false): Promise<K6Samples> {
  const histogram = newLatencyHistogram();
  const durationsMs: number[] = [];
  let firstStartMs = Number.POSITIVE_INFINITY;
  let lastEndMs = Number.NEGATIVE_INFINITY;
  const statuses: Record<string, number> = {};
  let unexpected = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    // Cheap filters first: most lines are other metrics.
    if (!line.includes('"http_req_duration"') || !line.includes('"Point"')) continue;
    let point: { metric?: string; type?: string; data?: PointData };
    try {
      point = JSON.parse(line) as typeof point;
    } catch {
      continue; // a log line on the same stream (k6-operator pods' stdout)
    }
    if (point.metric !== 'http_req_duration' || point.type !== 'Point' || !point.data) continue;
    const { value, time, tags } = point.data;
    if (tags?.phase !== 'measure' || typeof value !== 'number') continue;
    // 1 µs to the histogram's 60 s ceiling (k6's own request timeout is 60 s).
    histogram.recordValue(Math.min(60_000_000, Math.max(1, Math.round(value * 1000))));
    if (keep) durationsMs.push(value);
    const status = tags.status ?? 'other';
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (tags.expected_response === 'false') unexpected++;
    const end = Date.parse(time);
    if (Number.isFinite(end)) {
      firstStartMs = Math.min(firstStartMs, end - value);
      lastEndMs = Math.max(lastEndMs, end);
    }
  }
  return {
    histogram,
    ...(keep ? { durationsMs } : {}),
    firstStartMs: Number.isFinite(firstStartMs) ? firstStartMs : Number.NaN,
    lastEndMs: Number.isFinite(lastEndMs) ? lastEndMs : Number.NaN,
    statuses,
    unexpected,
  };
}

interface PointData {
  time: string;
  value: number;
  tags?: Record<string, string>;
}

/** One instance's part of a split run: its own Result (from its summary) and its samples. */
export interface SegmentPart {
  segment: string;
  result: Result;
  samples: K6Samples | undefined;
  /** CPU of this k6 process, % of one core (mean over the run), when sampled. */
  cpuPercent?: number;
  cpus?: string;
}

const sum = (values: number[]) => values.reduce((s, x) => s + x, 0);
const num = (value: unknown) => (typeof value === 'number' ? value : 0);

/**
 * The Result of a split run from its parts: counts added, latency from the added histograms,
 * throughput over the measured window (a fixed iteration count: the span of the samples).
 */
export function mergeSegmentParts(parts: readonly SegmentPart[], plan: SegmentPlan): Result {
  const first = parts[0];
  if (!first) throw new Error('no k6 instance to merge');
  const n = parts.length;
  const label = (i: number) => `k6 generator ${i + 1}/${n} (segment ${parts[i]?.segment})`;
  const failures = parts.flatMap((p, i) =>
    p.result.failure ? [`${label(i)}: ${p.result.failure}`] : [],
  );
  const missing = parts.flatMap((p, i) =>
    !p.result.failure && !p.samples
      ? [`${label(i)}: no raw samples (--out json) were written`]
      : [],
  );

  const histogram = newLatencyHistogram();
  for (const part of parts) if (part.samples) histogram.add(part.samples.histogram);
  const requests = sum(parts.map((p) => p.result.requests));
  const statuses: Record<string, number> = {};
  for (const part of parts) {
    for (const [status, count] of Object.entries(part.result.statuses)) {
      statuses[status] = (statuses[status] ?? 0) + count;
    }
  }
  const { settings } = first.result;
  let seconds = settings.durationSeconds;
  if (settings.operations !== undefined) {
    const starts = parts.map((p) => p.samples?.firstStartMs ?? Number.NaN).filter(Number.isFinite);
    const ends = parts.map((p) => p.samples?.lastEndMs ?? Number.NaN).filter(Number.isFinite);
    seconds = starts.length ? (Math.max(...ends) - Math.min(...starts)) / 1000 : 0;
  }

  // The script's own counters and k6's counts add up; versions and the script are the same.
  const meta: Result['meta'] = { ...first.result.meta };
  for (const key of Object.keys(meta)) {
    if (key.startsWith('k6.') && typeof meta[key] === 'number' && !NOT_ADDED.has(key)) {
      meta[key] = sum(parts.map((p) => num(p.result.meta[key])));
    }
  }
  const cpus = parts.map((p) => p.cpus);
  const shared = new Set(cpus.filter(Boolean)).size < cpus.filter(Boolean).length;
  Object.assign(meta, {
    'k6.cpus': [...new Set(cpus.filter(Boolean))].join(',') || null,
    'k6.generators': n,
    'k6.segments': plan.segments.join(' '),
    'k6.segmentSequence': plan.sequence,
    'k6.generatorCpus': cpus.every((c) => c === undefined)
      ? null
      : cpus.map((c) => c ?? '-').join(' '),
    'k6.instanceRequests': parts.map((p) => p.result.requests).join(' '),
    'k6.exitCode': parts.map((p) => String(p.result.meta['k6.exitCode'])).join(' '),
    'k6.latencySource': 'raw samples of every instance, merged HDR histograms (µs, 3 digits)',
  });
  const cpuParts = parts.map((p) => p.cpuPercent).filter((x): x is number => x !== undefined);
  if (cpuParts.length === n) {
    const total = sum(cpuParts);
    // Saturation over all N processes: their CPU against every core they may use together.
    const cores = new Set(cpus.flatMap((c) => [...(c ? (parseCpuList(c) ?? []) : [])])).size;
    meta['k6.cpuPercent'] = Math.round(total);
    meta['k6.instanceCpuPercent'] = cpuParts.map((x) => Math.round(x)).join(' ');
    meta.loadGeneratorCpuPercent = Math.round(total / (cores || parts.length));
  }

  const warnings = parts.flatMap((p, i) => p.result.warnings.map((w) => `${label(i)}: ${w}`));
  if (shared) {
    warnings.push(
      `${n} k6 processes shared generator CPUs ${[...new Set(cpus)].join(',')}: k6 is CPU-bound ` +
        'here; the in-process engine remains the default for verdicts',
    );
  }
  const failure = [...failures, ...missing].join('\n');
  return {
    ...first.result,
    requests,
    throughput: seconds > 0 ? requests / seconds : 0,
    latency: histogram.totalCount > 0 ? summarizeMicros(histogram) : first.result.latency,
    errors: sum(parts.map((p) => p.result.errors)),
    failedChecks: sum(parts.map((p) => p.result.failedChecks)),
    statuses,
    ...(failure ? { failure } : {}),
    warnings: [...new Set(warnings)],
    meta,
  };
}

/** Numeric k6 meta that describes the run rather than counting in it. */
const NOT_ADDED = new Set(['k6.testRunDurationMs', 'k6.exitCode']);

/**
 * Runs one scenario on `options.generators` k6 processes at once (execution segments), each
 * pinned to its generator CPU, and merges them (mergeSegmentParts). Needs the k6 binary.
 */
export async function runK6Segments(
  options: K6RunOptions & {
    generators: number;
    /** Sees every instance's part before the merge, raw durations kept (tests compare them). */
    inspect?: (parts: readonly SegmentPart[]) => void;
  },
): Promise<Result> {
  const startedAt = new Date().toISOString();
  const plan = executionSegments(options.generators);
  const k6: K6Runner | undefined = options.k6
    ? 'kind' in options.k6
      ? options.k6
      : { kind: 'binary', ...options.k6 }
    : await resolveK6();
  const fail = (failure: string): Result => ({
    ...emptyResult(options, startedAt, failure),
    meta: { 'k6.generators': options.generators },
  });
  if (!k6) return fail(`k6 not found; ${K6_FIX}`);
  if (k6.kind !== 'binary') {
    return fail('several k6 generators need the k6 binary (K6_BIN or k6 on PATH), not the image');
  }
  const script = isAbsolute(options.script) ? options.script : resolve(REPO_ROOT, options.script);
  if (!existsSync(script)) return fail(`no k6 script at ${script}`);
  let remoteWrite: ReturnType<typeof prometheusRemoteWrite>;
  try {
    remoteWrite = prometheusRemoteWrite(process.env, options);
  } catch (error) {
    return fail((error as Error).message);
  }

  const dir = makeScratchDir('k6-segments');
  const trackedDir = trackDir(dir);
  const cpuLists = generatorCpuLists(options.generators, options.cpus);
  try {
    const parts = await Promise.all(
      plan.segments.map(async (segment, i): Promise<SegmentPart> => {
        const summaryFile = join(dir, `summary-${i}.json`);
        const samplesFile = join(dir, `samples-${i}.json`);
        const { args, childEnv, timeoutMs } = k6Invocation(options, k6, script, {
          summaryFile,
          remoteWrite,
          args: [
            '--execution-segment',
            segment,
            '--execution-segment-sequence',
            plan.sequence,
            '--system-tags',
            SYSTEM_TAGS,
            '--out',
            `json=${samplesFile}`,
          ],
        });
        const cpus = cpuLists[i];
        const { run, cpuPercent } = await runK6Process(k6.path, args, {
          cpus,
          env: childEnv,
          timeoutMs,
        });
        const result = finish(
          { ...options, ...(cpus ? { cpus } : {}) },
          startedAt,
          summaryFile,
          k6,
          run.code,
          tail(`${run.stderr}\n${run.stdout}`),
          run.timedOut,
          timeoutMs,
        );
        const samples = existsSync(samplesFile)
          ? await readK6Samples(samplesFile, options.inspect !== undefined)
          : undefined;
        return {
          segment,
          result,
          samples,
          ...(cpuPercent !== undefined ? { cpuPercent } : {}),
          ...(cpus ? { cpus } : {}),
        };
      }),
    );
    options.inspect?.(parts);
    return mergeSegmentParts(parts, plan);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    trackedDir.release();
  }
}
