import type { TargetSession } from '../../launcher/runner.ts';
import type { ScenarioContext, ScenarioDefinition } from '../../scenarios/types.ts';
import { type RampStage, rampVus } from '../inprocess/engine.ts';
import { runK6 } from '../k6/run.ts';
import type { Result } from '../result.ts';
import { GENERATOR_CPU_LIMIT, measureRamp, phaseSummary, seriesPoint } from './series.ts';
import type { PhaseSummary, SeriesPoint, SpikeRun } from './types.ts';

/**
 * Scenario 20, spike: the closed model ramps from `base` users to `peak` and back (k6's
 * ramping-vus; the in-process engine's `ramp`), recorded in short windows. Read from them:
 * throughput, p50/p99 and errors per phase (before, at the peak, after), and how long after the
 * peak the per-window p99 took to come back to the pre-spike level — the 90th percentile of the
 * window p99s before the spike, so that ordinary window-to-window noise is not taken for "not
 * recovered" (and one outlier window does not set the bar); recovered means two consecutive
 * windows at or under it.
 */
export interface SpikeProfile {
  base: number;
  peak: number;
  before: number;
  rampUp: number;
  hold: number;
  rampDown: number;
  after: number;
  windowSeconds: number;
}

export const SPIKE_PROFILES: Record<'quick' | 'full', SpikeProfile> = {
  quick: {
    base: 10,
    peak: 100,
    before: 5,
    rampUp: 1,
    hold: 4,
    rampDown: 1,
    after: 5,
    windowSeconds: 0.5,
  },
  // 30 s a target: four targets' spikes fit a full run's time goal (docs/measurement.md).
  full: {
    base: 10,
    peak: 100,
    before: 8,
    rampUp: 1,
    hold: 8,
    rampDown: 1,
    after: 12,
    windowSeconds: 0.5,
  },
};

export function spikeStages(p: SpikeProfile): RampStage[] {
  return [
    { seconds: p.before, target: p.base },
    { seconds: p.rampUp, target: p.peak },
    { seconds: p.hold, target: p.peak },
    { seconds: p.rampDown, target: p.base },
    { seconds: p.after, target: p.base },
  ];
}

/** Seconds at the start of the pre-spike phase left out of its baseline p99. */
const BASELINE_SKIP = 1;

/** Which of the pre-spike windows' p99 values is the level to recover to (one outlier dropped). */
const BASELINE_QUANTILE = 0.9;

/** The q-quantile (nearest rank) of some values; 0 when there are none. */
function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

/** Consecutive windows at or under the threshold that count as recovered. */
const RECOVERED_WINDOWS = 2;

/**
 * Seconds from `peakEnd` until the first of RECOVERED_WINDOWS consecutive windows with p99 at or
 * under `threshold`; null when that never happens.
 */
export function recoverySeconds(
  series: readonly SeriesPoint[],
  peakEnd: number,
  threshold: number,
): number | null {
  const after = series.filter((p) => p.t >= peakEnd - 1e-6 && p.requests > 0);
  for (let i = 0; i + RECOVERED_WINDOWS <= after.length; i++) {
    const run = after.slice(i, i + RECOVERED_WINDOWS);
    if (run.every((p) => p.p99 <= threshold))
      return Number(((after[i] as SeriesPoint).t - peakEnd).toFixed(3));
  }
  return null;
}

export interface SpikeOptions {
  session: TargetSession;
  scenario: ScenarioDefinition;
  context: ScenarioContext;
  profile: SpikeProfile;
  /** Default `inprocess`. */
  engine?: 'inprocess' | 'k6';
  /** Metadata merged into the record (run meta: pool, versions). */
  meta?: Record<string, string | number | boolean | null>;
}

/**
 * The in-process engine's ramp, or k6's ramping-vus (`engine: 'k6'`: k6/stress/20-spike.js, its
 * per-phase and per-window sub-metrics read from the summary; windows of at least one second).
 */
export async function runSpike(options: SpikeOptions): Promise<SpikeRun> {
  const { session, scenario, profile } = options;
  const startedAt = new Date().toISOString();
  const stages = spikeStages(profile);
  const { measured, series, phases, windowSeconds } =
    options.engine === 'k6'
      ? await spikeWithK6(options, stages)
      : await spikeInProcess(options, stages);
  const peakEnd = profile.before + profile.rampUp + profile.hold;
  // The first second includes connecting and the target's first answers: not the baseline.
  const baseline = series.filter(
    (p) => p.t >= BASELINE_SKIP && p.t < profile.before - 1e-6 && p.requests > 0,
  );
  const threshold = quantile(
    baseline.map((p) => p.p99),
    BASELINE_QUANTILE,
  );
  const warnings = [...measured.warnings];
  for (const phase of phases) {
    if (phase.generatorBound) warnings.push(`${phase.phase}: ${phase.generatorBound}`);
  }
  return {
    kind: 'spike',
    scenario: scenario.id,
    target: session.target.definition.name,
    engine: options.engine ?? 'inprocess',
    startedAt,
    meta: { ...measured.meta, ...options.meta },
    warnings,
    ...(measured.failure ? { failure: measured.failure } : {}),
    profile: { base: profile.base, peak: profile.peak, stages },
    windowSeconds,
    series,
    phases,
    recoveryThresholdMs: threshold,
    recoverySeconds: threshold > 0 ? recoverySeconds(series, peakEnd, threshold) : null,
  };
}

interface SpikeMeasurement {
  measured: Result;
  series: SeriesPoint[];
  phases: PhaseSummary[];
  windowSeconds: number;
}

/** Phase boundaries: [from, to) seconds of before, peak and after. */
function phaseBounds(p: SpikeProfile): Array<[string, number, number, number]> {
  const peakStart = p.before + p.rampUp;
  const peakEnd = peakStart + p.hold;
  return [
    ['before', p.base, 0, p.before],
    ['peak', p.peak, peakStart, peakEnd],
    ['after', p.base, peakEnd + p.rampDown, peakEnd + p.rampDown + p.after],
  ];
}

async function spikeInProcess(
  options: SpikeOptions,
  stages: RampStage[],
): Promise<SpikeMeasurement> {
  const { profile } = options;
  const { measured, windows } = await measureRamp({
    session: options.session,
    scenario: options.scenario,
    context: options.context,
    id: '20-spike',
    startVus: profile.base,
    stages,
    windowSeconds: profile.windowSeconds,
  });
  return {
    measured,
    series: windows.map(seriesPoint),
    phases: phaseBounds(profile).map(([name, vus, from, to]) =>
      phaseSummary(name, vus, windows, from, to),
    ),
    windowSeconds: profile.windowSeconds,
  };
}

type K6Values = Record<string, number>;

async function spikeWithK6(options: SpikeOptions, stages: RampStage[]): Promise<SpikeMeasurement> {
  const { session, scenario, context, profile } = options;
  const window = Math.max(1, profile.windowSeconds);
  const total = stages.reduce((sum, s) => sum + s.seconds, 0);
  let metrics: Record<string, { values: K6Values }> = {};
  const measured = await session.measure(() =>
    runK6({
      script: 'k6/stress/20-spike.js',
      baseUrl: session.url,
      scenario: '20-spike',
      target: session.target.definition.name,
      settings: { model: 'closed', concurrency: profile.peak, durationSeconds: total },
      env: {
        ...scenario.k6?.env?.(context),
        BASE: String(profile.base),
        PEAK: String(profile.peak),
        BEFORE: String(profile.before),
        RAMP_UP: String(profile.rampUp),
        HOLD: String(profile.hold),
        RAMP_DOWN: String(profile.rampDown),
        AFTER: String(profile.after),
        WINDOW: String(window),
      },
      ...(session.generatorCpus ? { cpus: session.generatorCpus } : {}),
      onSummary: (summary) => {
        metrics = (summary as { metrics?: typeof metrics }).metrics ?? {};
      },
    }),
  );
  const values = (name: string): K6Values => metrics[name]?.values ?? {};
  const generatorCpu = Number(measured.meta.loadGeneratorCpuPercent ?? 0);
  const summary = (tag: string, seconds: number) => {
    const count = values(`http_reqs{${tag}}`).count ?? 0;
    const latency = values(`http_req_duration{${tag}}`);
    return {
      requests: count,
      throughput: seconds > 0 ? count / seconds : 0,
      p50: latency.med ?? 0,
      p99: latency['p(99)'] ?? 0,
      errors: values(`http_req_failed{${tag}}`).passes ?? 0,
    };
  };
  const series: SeriesPoint[] = [];
  for (let w = 0; w * window < total; w++) {
    const seconds = Math.min(window, total - w * window);
    series.push({
      t: w * window,
      seconds,
      vus: rampVus(profile.base, stages, (w + 1) * window),
      ...summary(`w:${w}`, seconds),
      generatorCpuPercent: generatorCpu,
    });
  }
  const bound =
    generatorCpu >= GENERATOR_CPU_LIMIT
      ? { generatorBound: `k6 CPU ${generatorCpu}% per core (≥ ${GENERATOR_CPU_LIMIT}%)` }
      : {};
  const phases = phaseBounds(profile).map(([name, vus, from, to]) => ({
    phase: name,
    vus,
    seconds: to - from,
    ...summary(`spike:${name}`, to - from),
    ...bound,
  }));
  return { measured, series, phases, windowSeconds: window };
}
