import type { TargetSession } from '../../launcher/runner.ts';
import type { ScenarioContext, ScenarioDefinition } from '../../scenarios/types.ts';
import {
  createInProcessDriver,
  mergeTallies,
  type RampStage,
  type RampWindow,
  resultOf,
} from '../inprocess/engine.ts';
import { phaseSummary, seriesPoint } from './series.ts';
import type { SeriesPoint, SpikeRun } from './types.ts';

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
    before: 6,
    rampUp: 1,
    hold: 4,
    rampDown: 1,
    after: 6,
    windowSeconds: 0.5,
  },
  full: {
    base: 10,
    peak: 100,
    before: 15,
    rampUp: 2,
    hold: 15,
    rampDown: 2,
    after: 20,
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
  /** Metadata merged into the record (run meta: pool, versions). */
  meta?: Record<string, string | number | boolean | null>;
}

export async function runSpike(options: SpikeOptions): Promise<SpikeRun> {
  const { session, scenario, context, profile } = options;
  const startedAt = new Date().toISOString();
  const stages = spikeStages(profile);
  const target = session.target.definition.name;
  let windows: RampWindow[] = [];
  const measured = await session.measure(async (signal) => {
    const driver = createInProcessDriver({
      baseUrl: session.url,
      settings: { model: 'closed', concurrency: profile.peak, durationSeconds: 0 },
      request: (i) => scenario.request?.(i, context) ?? { method: 'GET', path: '/' },
      signal,
      ...(scenario.expectStatus ? { expectStatus: scenario.expectStatus } : {}),
    });
    try {
      windows = await driver.ramp(profile.base, stages, profile.windowSeconds);
    } finally {
      driver.close();
    }
    return resultOf(mergeTallies(windows.map((w) => w.tally)), {
      scenario: '20-spike',
      target,
      settings: {
        model: 'closed',
        concurrency: profile.peak,
        durationSeconds: stages.reduce((s, x) => s + x.seconds, 0),
      },
      startedAt,
      connections: driver.connections,
      failure: signal.aborted ? String(signal.reason ?? 'aborted') : undefined,
    });
  });
  const series = windows.map(seriesPoint);
  const peakStart = profile.before + profile.rampUp;
  const peakEnd = peakStart + profile.hold;
  const end = peakEnd + profile.rampDown + profile.after;
  const phases = [
    phaseSummary('before', profile.base, windows, 0, profile.before),
    phaseSummary('peak', profile.peak, windows, peakStart, peakEnd),
    phaseSummary('after', profile.base, windows, peakEnd + profile.rampDown, end),
  ];
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
    target,
    engine: 'inprocess',
    startedAt,
    meta: { ...measured.meta, ...options.meta },
    warnings,
    ...(measured.failure ? { failure: measured.failure } : {}),
    profile: { base: profile.base, peak: profile.peak, stages },
    windowSeconds: profile.windowSeconds,
    series,
    phases,
    recoveryThresholdMs: threshold,
    recoverySeconds: threshold > 0 ? recoverySeconds(series, peakEnd, threshold) : null,
  };
}
