import type { LatencySummary, Result } from '../result.ts';

/**
 * The part of a tinybench task result (what vitest's `bench().run()` / `bench.compare()` give)
 * that a micro-benchmark Result is made of. Latencies are milliseconds, as in tinybench.
 */
export interface TinybenchLike {
  name?: string;
  latency: {
    samplesCount: number;
    min: number;
    max: number;
    mean: number;
    p50: number;
    p75: number;
    p99: number;
    p999: number;
    /** Relative margin of error of the mean, in percent. */
    rme?: number;
    /** Sorted samples, present when the bench ran with `retainSamples: true`. */
    samples?: readonly number[] | undefined;
  };
  /** Sum of the measured samples, ms (not wall time: excludes warm-up and hooks). */
  totalTime: number;
  runtime?: string;
  runtimeVersion?: string;
}

export interface MicroResultOptions {
  scenario: string;
  target: string;
  variant?: string;
  /** When the measurement started (ISO 8601). */
  startedAt: string;
  /** The status every measured response had (the bench throws on any other). */
  expectedStatus?: number;
  warmupSeconds?: number;
  /**
   * The configured measuring time (tinybench `time`), so results of one configuration group
   * together in reports; default the measured total time.
   */
  durationSeconds?: number;
  meta?: Result['meta'];
}

/** Above this relative margin of error (%) the mean is too noisy to compare without a warning. */
const NOISY_RME_PERCENT = 5;

/** Linear-interpolated quantile of sorted samples: the same rule tinybench uses for p50…p999. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const low = sorted[below] as number;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return low + (at - below) * (high - low);
}

/**
 * One tinybench result as the lab's shared Result (engine `micro`). A micro-benchmark is a serial
 * loop, so it is a closed model with concurrency 1 and throughput = samples / measured time.
 * tinybench has no p90/p95: they come from the retained samples, or are interpolated between
 * p75 and p99 (with a warning) when the samples were not kept.
 */
export function microResult(bench: TinybenchLike, options: MicroResultOptions): Result {
  const { latency, totalTime } = bench;
  const count = latency.samplesCount;
  const warnings: string[] = [];
  const sorted = latency.samples && latency.samples.length === count ? latency.samples : undefined;
  let p90: number;
  let p95: number;
  if (sorted && count > 0) {
    p90 = quantile(sorted, 0.9);
    p95 = quantile(sorted, 0.95);
  } else {
    const between = (q: number) =>
      latency.p75 + ((q - 0.75) / (0.99 - 0.75)) * (latency.p99 - latency.p75);
    p90 = between(0.9);
    p95 = between(0.95);
    warnings.push('p90/p95 interpolated between p75 and p99 (samples not retained)');
  }
  if (latency.rme !== undefined && latency.rme > NOISY_RME_PERCENT) {
    warnings.push(
      `relative margin of error of the mean is ${latency.rme.toFixed(1)}% (> ${NOISY_RME_PERCENT}%)`,
    );
  }
  if (count < 10) warnings.push(`only ${count} samples`);

  const summary: LatencySummary = {
    count,
    min: latency.min,
    mean: latency.mean,
    p50: latency.p50,
    p90,
    p95,
    p99: latency.p99,
    p999: latency.p999,
    max: latency.max,
  };
  const result: Result = {
    engine: 'micro',
    scenario: options.scenario,
    target: options.target,
    settings: {
      model: 'closed',
      concurrency: 1,
      durationSeconds: options.durationSeconds ?? totalTime / 1000,
      ...(options.warmupSeconds === undefined ? {} : { warmupSeconds: options.warmupSeconds }),
    },
    requests: count,
    throughput: totalTime > 0 ? count / (totalTime / 1000) : 0,
    latency: summary,
    errors: 0,
    failedChecks: 0,
    statuses: options.expectedStatus === undefined ? {} : { [options.expectedStatus]: count },
    warnings,
    startedAt: options.startedAt,
    meta: {
      transport: 'in-process (no sockets)',
      ...(bench.runtime === undefined ? {} : { runtime: bench.runtime }),
      ...(bench.runtimeVersion === undefined ? {} : { runtimeVersion: bench.runtimeVersion }),
      ...(latency.rme === undefined ? {} : { rmePercent: latency.rme }),
      ...options.meta,
    },
  };
  if (options.variant !== undefined) result.variant = options.variant;
  return result;
}
