import hdr from 'hdr-histogram-js';
import { Pool } from 'undici';
import type { LatencySummary, LoadSettings, Result } from '../result.ts';

/**
 * In-process HTTP load engine: quick runs and a cross-check for k6. Latency is recorded in
 * microseconds into an HDR histogram (autocannon records whole milliseconds, which flattens
 * loopback latencies of a few hundred µs into 0 or 1).
 *
 * Closed model: `concurrency` workers, each sending its next request when the last one is
 * answered (throughput). Open model: requests start on a fixed schedule whatever the answers do,
 * and latency counts from the *scheduled* start, so a stalled server is not hidden by the
 * generator waiting for it (no coordinated omission).
 */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface InProcessOptions {
  baseUrl: string;
  scenario: string;
  target: string;
  variant?: string;
  settings: LoadSettings;
  /** Builds request number `i` (lets scenarios vary ids, pages, emails). */
  request: (i: number) => RequestSpec;
  /** Statuses that count as success; default: any 2xx. */
  expectStatus?: (status: number) => boolean;
  /** Abort the run early (e.g. the target crashed). */
  signal?: AbortSignal;
}

const MICROS_PER_MS = 1000;

function newHistogram() {
  // 1 µs to 60 s at 3 significant digits: enough range for a timed-out request.
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

type Histogram = ReturnType<typeof newHistogram>;

function summarize(histogram: Histogram): LatencySummary {
  const at = (percentile: number) => histogram.getValueAtPercentile(percentile) / MICROS_PER_MS;
  const count = histogram.totalCount;
  return {
    count,
    min: count ? histogram.minNonZeroValue / MICROS_PER_MS : 0,
    mean: histogram.mean / MICROS_PER_MS,
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: histogram.maxValue / MICROS_PER_MS,
  };
}

const nowMicros = (): number => Number(process.hrtime.bigint() / 1000n);

export async function runInProcess(options: InProcessOptions): Promise<Result> {
  const { settings } = options;
  const expectStatus = options.expectStatus ?? ((status: number) => status >= 200 && status < 300);
  const connections =
    settings.model === 'closed'
      ? (settings.concurrency ?? 10)
      : Math.max(1, Math.ceil((settings.ratePerSecond ?? 100) / 50));
  const pool = new Pool(options.baseUrl, { connections, pipelining: 1 });
  const startedAt = new Date().toISOString();
  let sequence = 0;

  const phase = async (seconds: number, record: boolean) => {
    const histogram = newHistogram();
    const statuses: Record<string, number> = {};
    let transportErrors = 0;
    let unexpected = 0;
    let requests = 0;

    const send = async (scheduledMicros: number) => {
      const spec = options.request(sequence++);
      try {
        const response = await pool.request({
          method: spec.method,
          path: spec.path,
          ...(spec.headers ? { headers: spec.headers } : {}),
          ...(spec.body === undefined ? {} : { body: spec.body }),
        });
        await response.body.dump();
        const latency = Math.max(1, nowMicros() - scheduledMicros);
        if (!record) return;
        requests++;
        histogram.recordValue(latency);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        if (!expectStatus(response.statusCode)) unexpected++;
      } catch {
        if (record) transportErrors++;
      }
    };

    const begin = nowMicros();
    const end = begin + seconds * 1_000_000;
    const cpuBefore = process.cpuUsage();
    if (settings.model === 'closed') {
      const worker = async () => {
        while (nowMicros() < end && !options.signal?.aborted) await send(nowMicros());
      };
      await Promise.all(Array.from({ length: connections }, worker));
    } else {
      const intervalMicros = 1_000_000 / (settings.ratePerSecond ?? 100);
      const inFlight = new Set<Promise<void>>();
      for (let k = 0; !options.signal?.aborted; k++) {
        const scheduled = begin + k * intervalMicros;
        if (scheduled >= end) break;
        const wait = scheduled - nowMicros();
        if (wait > 1000) await new Promise((resolve) => setTimeout(resolve, wait / 1000));
        const request = send(scheduled).finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      await Promise.all(inFlight);
    }
    const elapsedSeconds = (nowMicros() - begin) / 1_000_000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPercent = ((cpu.user + cpu.system) / 1_000_000 / elapsedSeconds) * 100;
    return {
      histogram,
      statuses,
      transportErrors,
      unexpected,
      requests,
      elapsedSeconds,
      cpuPercent,
    };
  };

  try {
    if (settings.warmupSeconds) await phase(settings.warmupSeconds, false);
    const measured = await phase(settings.durationSeconds, true);
    const latency = summarize(measured.histogram);
    return {
      engine: 'inprocess',
      scenario: options.scenario,
      target: options.target,
      ...(options.variant ? { variant: options.variant } : {}),
      settings,
      requests: measured.requests,
      throughput: measured.requests / measured.elapsedSeconds,
      latency,
      errors: measured.transportErrors + measured.unexpected,
      failedChecks: measured.unexpected,
      statuses: measured.statuses,
      ...(options.signal?.aborted ? { failure: String(options.signal.reason ?? 'aborted') } : {}),
      warnings: [],
      startedAt,
      meta: {
        connections,
        transportErrors: measured.transportErrors,
        loadGeneratorCpuPercent: Math.round(measured.cpuPercent),
        elapsedSeconds: Number(measured.elapsedSeconds.toFixed(3)),
      },
    };
  } finally {
    await pool.close();
  }
}
