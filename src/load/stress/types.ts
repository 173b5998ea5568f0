import type { PairVerdict } from '../../stats/family.ts';
import type { SlopeInterval, TrendVerdict } from '../../stats/trend.ts';
import type { UslFit } from '../../stats/usl.ts';
import type { Result } from '../result.ts';

/**
 * What the stress scenarios (20 spike, 21 soak, 22 cold vs warm) and the variant sweeps record
 * in the run report (`stress` in reports/run-*.json): time series and the numbers read from
 * them, with every knob. One record per target and scenario (per sweep).
 */
export type StressRun = SpikeRun | SoakRun | ColdWarmRun | SweepRun;

/** One window of a time series: what completed in it. */
export interface SeriesPoint {
  /** Seconds since the load started (window start). */
  t: number;
  seconds: number;
  vus: number;
  requests: number;
  throughput: number;
  p50: number;
  p99: number;
  errors: number;
  generatorCpuPercent: number;
}

export interface PhaseSummary {
  phase: string;
  vus: number;
  seconds: number;
  requests: number;
  throughput: number;
  p50: number;
  p99: number;
  errors: number;
  /** Why the generator may have limited this phase (CPU ≥ 90%), when so. */
  generatorBound?: string;
}

/** Facts every stress record carries: the target and how it ran. */
interface StressBase {
  scenario: string;
  target: string;
  engine: 'inprocess' | 'k6';
  startedAt: string;
  /** Pinning, versions, pool, workers: the session's meta (same keys as Result.meta). */
  meta: Result['meta'];
  warnings: string[];
  failure?: string;
}

export interface SpikeRun extends StressBase {
  kind: 'spike';
  profile: { base: number; peak: number; stages: Array<{ seconds: number; target: number }> };
  windowSeconds: number;
  series: SeriesPoint[];
  phases: PhaseSummary[];
  /** Per-window p99 the post-spike windows must be back under (90th percentile of the pre-spike windows'). */
  recoveryThresholdMs: number;
  /** Seconds from the end of the peak until p99 stayed at or under the threshold; null: never. */
  recoverySeconds: number | null;
}

export interface MemoryTrend {
  /** `rss` (whole process group, /proc) or `heap` (V8 heap used, the target's /metrics). */
  series: 'rss' | 'heap';
  /** Samples after the warm-up that the regression used. */
  samples: number;
  /** MiB per minute, with the batch-means interval. */
  perMinute: SlopeInterval;
  /** The same per 10,000 requests (at the run's mean throughput). */
  per10kRequests: { slope: number; lower: number; upper: number };
  verdict: TrendVerdict;
}

export interface SoakRun extends StressBase {
  kind: 'soak';
  vus: number;
  /** The measured window, after the warm-up. */
  durationSeconds: number;
  /** Unmeasured load before it, until RSS settled (soak.ts), and whether it did. */
  warmupSeconds: number;
  warmupRequests: number;
  settled: boolean;
  /** Decision threshold, MiB per 10,000 requests, and the confidence of each interval. */
  thresholdPer10k: number;
  confidence: number;
  /** `leak` when a series grows beyond the threshold, `no-leak` when all are flat within it. */
  verdict: 'leak' | 'no-leak' | 'inconclusive';
  trends: MemoryTrend[];
  /** Memory over time (thinned for the report): seconds since load start, MiB. */
  memory: Array<{ t: number; rssMiB: number; heapMiB?: number }>;
  series: SeriesPoint[];
  throughput: number;
  requests: number;
  errors: number;
}

export interface ColdWarmCondition {
  /** `target-start`, `pg-cold`, `redis-empty`. */
  condition: string;
  description: string;
  /** Per repetition: median latency of the first N requests and of the steady state, ms. */
  cold: number[];
  warm: number[];
  /** Per repetition: request index and ms at which the rolling median reached steady state. */
  steadyAfterRequests: Array<number | null>;
  steadyAfterMs: Array<number | null>;
  /** Per request index (first N): the median latency over the repetitions, ms. */
  firstRequests: number[];
  /** Cold ÷ warm median latency: a verdict with its interval (warm faster = cold is slower). */
  verdict: PairVerdict | null;
  errors: number;
}

export interface ColdWarmRun extends StressBase {
  kind: 'cold-warm';
  vus: number;
  firstN: number;
  measureSeconds: number;
  repetitions: number;
  alpha: number;
  conditions: ColdWarmCondition[];
}

export type SweepAxis = 'vus' | 'pool' | 'workers';

export interface SweepPoint {
  level: number;
  label: string;
  /** Every knob of the point: vus, pool, workers, target and generator CPUs. */
  knobs: Record<string, string | number | boolean | null>;
  /** Geometric mean throughput over the usable blocks; medians of p50 and p99. */
  throughput: number;
  p50: number;
  p99: number;
  blocks: number;
  errors: number;
  /** Set when the load generator may have limited this point (most of its slices). */
  generatorBound?: string;
  /** Per-block throughput values (null: unusable slice). */
  values: Array<number | null>;
}

export interface SweepStep {
  from: string;
  to: string;
  /** Throughput of `to` over `from`: > 1 = more throughput at the next level. */
  ratio: number;
  lower: number;
  upper: number;
  verdict: 'more' | 'less' | 'same' | 'inconclusive';
  note?: string;
}

export interface SweepRun extends StressBase {
  kind: 'sweep';
  axis: SweepAxis;
  points: SweepPoint[];
  /** Adjacent levels compared by throughput (RankingFamily: Pocock looks, Holm). */
  steps: SweepStep[];
  alpha: number;
  comparisons: number;
  expectedFalseCalls: number;
  blocks: number;
  stoppedBy: 'decided' | 'blocks' | 'time';
  /** Concurrency sweeps: the Universal Scalability Law fit and its knee. */
  usl?: UslFit & { excluded: string[] };
  /** Worker sweeps: how CPUs were given (`fixed`: the target's CPUs; `scaled`: one per worker). */
  cpuMode?: 'fixed' | 'scaled';
}
