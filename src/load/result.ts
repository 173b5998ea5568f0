/**
 * The one result model every load engine produces (k6, the in-process HTTP engine, and later
 * micro-benchmarks), so statistics and reports never care where numbers came from.
 * Latencies are in milliseconds with microsecond precision.
 */
export type EngineName = 'k6' | 'inprocess' | 'micro' | 'wrk';

export interface LatencySummary {
  /** Number of latency samples (completed requests). */
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LoadSettings {
  /** `closed` = fixed concurrency (throughput), `open` = fixed arrival rate (latency). */
  model: 'closed' | 'open';
  durationSeconds: number;
  /** Closed model: concurrent virtual users / connections. */
  concurrency?: number;
  /** Open model: requests per second offered. */
  ratePerSecond?: number;
  warmupSeconds?: number;
  /**
   * A fixed number of operations instead of a fixed duration (in-process timed loops); then
   * `durationSeconds` is 0 and the time taken is `requests / throughput`.
   */
  operations?: number;
}

/** The target process's resource use while measured, sampled from /proc. */
export interface ResourceUsage {
  /** Sampling interval in ms. */
  intervalMs: number;
  /** CPU time of the target's process group as % of one core (200 = two cores busy). */
  cpuPercent: { mean: number; max: number };
  /** Resident set size of the target's process group, MiB. */
  rssMiB: { mean: number; max: number };
  /** The time series, for charts: ms since the start of sampling. */
  samples: Array<{ tMs: number; cpuPercent: number; rssMiB: number }>;
}

export interface Result {
  engine: EngineName;
  scenario: string;
  target: string;
  /** Variant of the scenario (e.g. `offset`, `cursor`), when the scenario has several. */
  variant?: string;
  settings: LoadSettings;
  /** Completed requests (any status). */
  requests: number;
  /** Requests per second over the measured window. */
  throughput: number;
  latency: LatencySummary;
  /** Transport errors plus non-2xx answers the scenario did not expect. */
  errors: number;
  /** Failed checks (k6) or mismatched expectations (in-process). */
  failedChecks: number;
  /** HTTP status → count. */
  statuses: Record<string, number>;
  /** Set when the run itself failed (target crashed, engine missing…); numbers are then partial. */
  failure?: string;
  /** Target CPU and memory during the measured window, when the runner sampled them. */
  resources?: ResourceUsage;
  /** Problems worth a warning in the report (saturated load generator, Little's law, errors). */
  warnings: string[];
  startedAt: string;
  /** Anything else that changes results: pool sizes, pinning, versions. */
  meta: Record<string, string | number | boolean | null>;
}
