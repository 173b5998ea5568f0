import { summarizeMicros } from '../histogram.ts';
import { mergeTallies, type PhaseTally, type RampWindow } from '../inprocess/engine.ts';
import type { PhaseSummary, SeriesPoint } from './types.ts';

/** Ramp windows as report series and phase summaries (spike, soak). */

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
