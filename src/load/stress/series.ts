import type { TargetSession } from '../../launcher/runner.ts';
import type { ScenarioContext, ScenarioDefinition } from '../../scenarios/types.ts';
import { summarizeMicros } from '../histogram.ts';
import {
  createInProcessDriver,
  mergeTallies,
  type PhaseTally,
  type RampStage,
  type RampWindow,
  type RequestSpec,
  resultOf,
} from '../inprocess/engine.ts';
import type { Result } from '../result.ts';
import type { PhaseSummary, SeriesPoint } from './types.ts';

/** Ramps on a target (spike, soak), their windows as report series and phase summaries. */

/**
 * A scenario's requests numbered across every driver of a run: scenario 08 writes users with
 * emails made from the request number, so a second driver starting again at 0 would repeat them
 * (409 Conflict) within one database state.
 */
export function requestSequence(
  scenario: ScenarioDefinition,
  context: ScenarioContext,
): () => RequestSpec {
  let sequence = 0;
  return () => scenario.request?.(sequence++, context) ?? { method: 'GET', path: '/' };
}

export interface RampOptions {
  session: TargetSession;
  scenario: ScenarioDefinition;
  context: ScenarioContext;
  /** Scenario id of the Result (`20-spike`, `21-soak`). */
  id: string;
  startVus: number;
  stages: readonly RampStage[];
  windowSeconds: number;
  /** Default: a fresh `requestSequence`. */
  request?: () => RequestSpec;
}

/**
 * Runs a ramp on the in-process engine while the runner samples the target: the windows, and
 * all of them as one Result (with the target's CPU and RSS series in `resources`).
 */
export async function measureRamp(
  options: RampOptions,
): Promise<{ measured: Result; windows: RampWindow[] }> {
  const { session, scenario, context, stages } = options;
  const startedAt = new Date().toISOString();
  const peak = Math.max(options.startVus, ...stages.map((s) => s.target));
  let windows: RampWindow[] = [];
  const measured = await session.measure(async (signal) => {
    const driver = createInProcessDriver({
      baseUrl: session.url,
      settings: { model: 'closed', concurrency: peak, durationSeconds: 0 },
      request: options.request ?? requestSequence(scenario, context),
      signal,
      ...(scenario.expectStatus ? { expectStatus: scenario.expectStatus } : {}),
    });
    try {
      windows = await driver.ramp(options.startVus, stages, options.windowSeconds);
    } finally {
      driver.close();
    }
    return resultOf(mergeTallies(windows.map((w) => w.tally)), {
      scenario: options.id,
      target: session.target.definition.name,
      settings: {
        model: 'closed',
        concurrency: peak,
        durationSeconds: stages.reduce((s, x) => s + x.seconds, 0),
      },
      startedAt,
      connections: driver.connections,
      failure: signal.aborted ? String(signal.reason ?? 'aborted') : undefined,
    });
  });
  return { measured, windows };
}

/** The generator CPU (% of its core) from which a window or phase may be generator-bound. */
export const GENERATOR_CPU_LIMIT = 90;

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

function errorsOf(tally: PhaseTally): number {
  return tally.transportErrors + tally.unexpected;
}

export function seriesPoint(window: RampWindow): SeriesPoint {
  const { tally } = window;
  const latency = summarizeMicros(tally.histogram);
  return {
    t: round(window.startSeconds),
    seconds: round(tally.elapsedSeconds),
    vus: window.vus,
    requests: tally.requests,
    throughput: round(tally.requests / tally.elapsedSeconds, 1),
    p50: latency.p50,
    p99: latency.p99,
    errors: errorsOf(tally),
    generatorCpuPercent: Math.round(tally.cpuPercent),
  };
}

/** Merges the windows that start within [from, to) seconds into one phase. */
export function phaseSummary(
  phase: string,
  vus: number,
  windows: readonly RampWindow[],
  from: number,
  to: number,
): PhaseSummary {
  const inside = windows.filter((w) => w.startSeconds >= from - 1e-6 && w.startSeconds < to - 1e-6);
  if (inside.length === 0) {
    return { phase, vus, seconds: 0, requests: 0, throughput: 0, p50: 0, p99: 0, errors: 0 };
  }
  const merged = mergeTallies(inside.map((w) => w.tally));
  const latency = summarizeMicros(merged.histogram);
  const cpu = Math.round(merged.cpuPercent);
  return {
    phase,
    vus,
    seconds: round(merged.elapsedSeconds),
    requests: merged.requests,
    throughput: round(merged.requests / merged.elapsedSeconds, 1),
    p50: latency.p50,
    p99: latency.p99,
    errors: errorsOf(merged),
    ...(cpu >= GENERATOR_CPU_LIMIT
      ? { generatorBound: `load generator CPU ${cpu}% (≥ ${GENERATOR_CPU_LIMIT}%)` }
      : {}),
  };
}

/** Evenly thinned to at most `max` items, keeping the last (report size for hours-long soaks). */
export function thinned<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.floor(i * step)] as T);
  const last = items[items.length - 1] as T;
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}
