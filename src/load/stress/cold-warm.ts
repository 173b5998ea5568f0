import { Redis } from 'ioredis';
import { median } from 'simple-statistics';
import type { Lab } from '../../infra/lab.ts';
import type { TargetSession } from '../../launcher/runner.ts';
import type { ScenarioContext, ScenarioDefinition } from '../../scenarios/types.ts';
import { RankingFamily } from '../../stats/family.ts';
import { createInProcessDriver } from '../inprocess/engine.ts';
import { requestSequence } from './series.ts';
import type { ColdWarmCondition, ColdWarmRun } from './types.ts';

/**
 * Scenario 22, cold vs warm: the first requests after something became cold, against the
 * steady state that follows, repeated `repetitions` times per condition:
 *
 *   target-start  a fresh target process (no JIT, empty pools and caches; PostgreSQL warm);
 *   pg-cold       the database re-created from its snapshot: new relation files, so no page of
 *                 it in shared_buffers, and every connection terminated (new backends, cold
 *                 catalog caches) — what a PostgreSQL restart does to a database on tmpfs (the
 *                 lab's data dirs), without restarting the server; the target stays warm;
 *   redis-empty   FLUSHDB on the target's Redis database; the target and PostgreSQL stay warm.
 *
 * Each repetition traces every response of `measureSeconds` of closed-model load: the first
 * `firstN` are the cold sample, the second half of the time the steady state. Time to steady
 * state: the first window of WINDOW requests from which WINDOWS_STABLE consecutive windows have
 * a median within STEADY_TOLERANCE of the steady median. Cold vs warm per condition is a
 * verdict on the per-repetition medians (RankingFamily: Pocock looks, at the condition's α).
 */
export type ColdCondition = 'target-start' | 'pg-cold' | 'redis-empty';
export const COLD_CONDITIONS: readonly ColdCondition[] = ['target-start', 'pg-cold', 'redis-empty'];

const DESCRIPTIONS: Record<ColdCondition, string> = {
  'target-start': 'fresh target process (PostgreSQL and Redis warm)',
  'pg-cold':
    'database re-created from its snapshot: no page in shared_buffers, every connection new (target warm)',
  'redis-empty': 'Redis database flushed (target and PostgreSQL warm)',
};

const WINDOW = 20;
const WINDOWS_STABLE = 3;
const STEADY_TOLERANCE = 0.1;

export interface ColdWarmSettings {
  vus: number;
  firstN: number;
  measureSeconds: number;
  repetitions: number;
  /** Unmeasured load that warms everything that is not to be cold, seconds. */
  warmSeconds: number;
  /** α of the whole run (split over the conditions). */
  alpha: number;
}

export const COLD_WARM_DEFAULTS: Record<'quick' | 'full', Omit<ColdWarmSettings, 'alpha'>> = {
  // Repetitions are the verdict's blocks: with fewer than 5, a t interval at a run's share of α
  // is too wide to decide anything.
  // One second of load reaches the steady state (after 540–600 requests, ~0.4 s, in the quick
  // run 2026-12-04T22-00-15Z); full runs measure every default target (52 s each with six
  // repetitions of 1.5 s, 3.5 min of the full run 2026-12-04T22-50-58Z: too much for its goal).
  quick: { vus: 1, firstN: 50, measureSeconds: 1, repetitions: 5, warmSeconds: 1 },
  full: { vus: 1, firstN: 100, measureSeconds: 1, repetitions: 5, warmSeconds: 1 },
};

export interface ColdWarmOptions {
  session: TargetSession;
  lab: Lab;
  scenario: ScenarioDefinition;
  context: ScenarioContext;
  settings: ColdWarmSettings;
  conditions?: readonly ColdCondition[];
  meta?: Record<string, string | number | boolean | null>;
  log?: (line: string) => void;
}

interface Trace {
  /** Latency (ms) and end time (ms since the first send) of every answer, in completion order. */
  latency: number[];
  endMs: number[];
  errors: number;
}

/** Index (in requests) and time at which the rolling median settled, or null. */
export function steadyAfter(
  trace: Pick<Trace, 'latency' | 'endMs'>,
  steady: number,
): [number, number] | null {
  const windows: number[] = [];
  for (let i = 0; i + WINDOW <= trace.latency.length; i += WINDOW) {
    windows.push(median(trace.latency.slice(i, i + WINDOW)));
  }
  for (let w = 0; w + WINDOWS_STABLE <= windows.length; w++) {
    if (windows.slice(w, w + WINDOWS_STABLE).every((m) => m <= steady * (1 + STEADY_TOLERANCE))) {
      const index = w * WINDOW;
      return [index, Number((trace.endMs[index] ?? 0).toFixed(2))];
    }
  }
  return null;
}

export async function runColdWarm(options: ColdWarmOptions): Promise<ColdWarmRun> {
  const { session, lab, scenario, context, settings } = options;
  const log = options.log ?? (() => {});
  const startedAt = new Date().toISOString();
  const target = session.target.definition.name;
  const conditions = options.conditions ?? COLD_CONDITIONS;
  const alpha = settings.alpha / conditions.length;
  const warnings: string[] = [];

  const request = requestSequence(scenario, context);
  const load = async (seconds: number, trace?: Trace) => {
    let first = 0;
    const driver = createInProcessDriver({
      baseUrl: session.url,
      settings: { model: 'closed', concurrency: settings.vus, durationSeconds: seconds },
      request,
      ...(scenario.expectStatus ? { expectStatus: scenario.expectStatus } : {}),
      ...(trace
        ? {
            onResponse: (_status: number, latencyMs: number, endMs: number) => {
              if (trace.latency.length === 0) first = endMs - latencyMs;
              trace.latency.push(latencyMs);
              trace.endMs.push(endMs - first);
            },
          }
        : {}),
    });
    try {
      const tally = await driver.phase(seconds, trace !== undefined);
      if (trace) trace.errors = tally.transportErrors + tally.unexpected;
    } finally {
      driver.close();
    }
  };
  const flushRedis = async () => {
    const redis = new Redis(lab.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      await redis.flushdb();
    } finally {
      redis.disconnect();
    }
  };
  const prepare = async (condition: ColdCondition) => {
    await lab.reset();
    if (condition === 'pg-cold') return;
    await load(settings.warmSeconds);
    if (condition === 'target-start') await session.restart();
    else await flushRedis();
  };

  const results: ColdWarmCondition[] = [];
  for (const condition of conditions) {
    const cold: number[] = [];
    const warm: number[] = [];
    const steadyAfterRequests: Array<number | null> = [];
    const steadyAfterMs: Array<number | null> = [];
    const firsts: number[][] = [];
    let errors = 0;
    for (let rep = 0; rep < settings.repetitions; rep++) {
      await prepare(condition);
      const trace: Trace = { latency: [], endMs: [], errors: 0 };
      await load(settings.measureSeconds, trace);
      errors += trace.errors;
      const half = (trace.endMs[trace.endMs.length - 1] ?? 0) / 2;
      const steady = trace.latency.filter((_, i) => (trace.endMs[i] as number) >= half);
      if (trace.latency.length < settings.firstN * 2 || steady.length === 0) {
        warnings.push(
          `${condition} repetition ${rep + 1}: ${trace.latency.length} answers, fewer than 2 × ${settings.firstN}: measure longer`,
        );
        continue;
      }
      const first = trace.latency.slice(0, settings.firstN);
      const steadyMedian = median(steady);
      cold.push(median(first));
      warm.push(steadyMedian);
      firsts.push(first);
      const settled = steadyAfter(trace, steadyMedian);
      steadyAfterRequests.push(settled?.[0] ?? null);
      steadyAfterMs.push(settled?.[1] ?? null);
      log(
        `[22-cold-warm ${target}] ${condition} ${rep + 1}/${settings.repetitions}: first ${settings.firstN} median ${median(first).toFixed(3)} ms, steady ${steadyMedian.toFixed(3)} ms, steady after ${settled ? `${settled[0]} requests (${settled[1]} ms)` : '—'}`,
      );
    }
    let verdict: ColdWarmCondition['verdict'] = null;
    if (cold.length >= 3) {
      const family = new RankingFamily(['cold', 'warm'], {
        metric: 'median',
        alpha,
        plan: { minLooks: 3, maxLooks: cold.length },
      });
      cold.forEach((c, i) => {
        family.addBlock({ cold: c, warm: warm[i] });
      });
      verdict = family.evaluate().pairs[0] ?? null;
    }
    results.push({
      condition,
      description: DESCRIPTIONS[condition],
      cold,
      warm,
      steadyAfterRequests,
      steadyAfterMs,
      firstRequests:
        firsts.length === 0
          ? []
          : Array.from({ length: settings.firstN }, (_, i) =>
              Number(median(firsts.map((f) => f[i] as number)).toFixed(4)),
            ),
      verdict,
      errors,
    });
  }
  return {
    kind: 'cold-warm',
    scenario: scenario.id,
    target,
    engine: 'inprocess',
    startedAt,
    meta: { ...session.meta, ...options.meta },
    warnings,
    vus: settings.vus,
    firstN: settings.firstN,
    measureSeconds: settings.measureSeconds,
    repetitions: settings.repetitions,
    alpha,
    conditions: results,
  };
}
