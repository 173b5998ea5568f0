import type { TargetSession } from '../../launcher/runner.ts';
import type { ScenarioContext, ScenarioDefinition } from '../../scenarios/types.ts';
import { classifyTrend, DEFAULT_BATCHES, slopeInterval } from '../../stats/trend.ts';
import { createInProcessDriver, type RequestSpec } from '../inprocess/engine.ts';
import { groupRssMiB, processRunning } from '../proc-sampler.ts';
import { startHeapScraper } from './heap-scraper.ts';
import { measureRamp, requestSequence, seriesPoint, thinned } from './series.ts';
import type { MemoryTrend, SoakRun } from './types.ts';

/**
 * Scenario 21, soak with leak detection: a long constant closed-model load while the runner
 * samples the target's RSS from /proc (every process of its group) and, where the target
 * exposes it (Node targets with LAB_METRICS=1), the V8 heap in use from its /metrics. Each memory
 * series of the measured window is regressed on time with an autocorrelation-robust interval
 * (src/stats/trend.ts, batch means); the slope is also given per 10,000 requests (at the run's
 * mean throughput), and that is what the threshold is stated in, so a busy and an idle target are
 * held to the same bytes-per-request standard:
 *
 *   leak          some series' whole interval above +threshold;
 *   no-leak       the RSS interval within ±threshold (the warm-up having settled), and the
 *                 heap's (if any) not above it;
 *   inconclusive  anything else (too short or too noisy: soak longer).
 *
 * RSS is what the OS sees (what gets a container killed), so it alone can clear a target; the
 * heap can only convict, and only once the window spans MIN_GC_CYCLES major collections: a live
 * V8 heap under load saw-tooths over a minute or more between them (fastify on the mixed
 * workload: 25 ↔ 135 MiB), and batch means need batches longer than a cycle.
 * The series share the soak's α equally (Bonferroni).
 *
 * Warm-up: a target's RSS grows while V8 and the allocator size themselves to the load — in
 * proportion to the requests served, not to time (fastify on the mixed workload: 145 → 310 MiB
 * over its first ~170,000 requests, then flat within a megabyte for minutes) — which is not a
 * leak, and no regression can tell it from one. So the load first runs unmeasured until RSS has
 * settled — SETTLE_SECONDS within SETTLE_MIB (or within the threshold's worth of the requests
 * served meanwhile; fastify's RSS rests for 20 s between growth steps of its warm-up) — for at least `warmupSeconds` and at most `maxWarmupSeconds`; then the
 * measured window of `durationSeconds` starts. A leak never settles: it is measured after the
 * longest warm-up, and a target whose RSS had not settled can be called a leak but never cleared.
 */
export interface SoakSettings {
  vus: number;
  /** The measured window, after the warm-up. */
  durationSeconds: number;
  /** Least and most seconds of unmeasured load before it (until RSS settles). */
  warmupSeconds: number;
  maxWarmupSeconds: number;
  /** Window of the throughput/latency time series, seconds. */
  windowSeconds: number;
  /** MiB per 10,000 requests. */
  thresholdPer10k: number;
  /** Error rate of the verdict (shared by the series). */
  alpha: number;
}

/** Default threshold: 0.1 MiB per 10,000 requests, about 10 bytes kept per request. */
export const DEFAULT_LEAK_THRESHOLD = 0.1;

export const SOAK_DEFAULTS: Record<'quick' | 'full', Omit<SoakSettings, 'alpha'>> = {
  quick: {
    vus: 10,
    durationSeconds: 30,
    warmupSeconds: 15,
    maxWarmupSeconds: 150,
    windowSeconds: 1,
    thresholdPer10k: DEFAULT_LEAK_THRESHOLD,
  },
  // The detector's planted pair in a full run (real targets soak when LAB_TARGETS names them,
  // LAB_SOAK_SECONDS for hours): 1.5 times the quick window (60 s made the file 3 min).
  full: {
    vus: 10,
    durationSeconds: 45,
    warmupSeconds: 15,
    maxWarmupSeconds: 600,
    windowSeconds: 1,
    thresholdPer10k: DEFAULT_LEAK_THRESHOLD,
  },
};

export const SETTLE_SECONDS = 30;
export const SETTLE_MIB = 2;
/** Major collections the measured window must span before the heap's trend counts. */
export const MIN_GC_CYCLES = DEFAULT_BATCHES;
/** A heap sample this much below the previous one marks a major collection. */
const GC_DROP = 0.85;

/** Seconds between RSS samples during the warm-up. */
const SETTLE_POLL_SECONDS = 0.25;

/**
 * Whether RSS stayed within the allowed band over the last SETTLE_SECONDS of `samples`. The first
 * sample comes one poll after the start, so a series that began SETTLE_SECONDS ago spans one poll
 * less: without that allowance the check after 30 s of 5-s chunks failed by 0.25 s, and every
 * settled target warmed for a chunk more (the quick soak's control, 35 s instead of 30).
 */
export function rssSettled(
  samples: ReadonlyArray<{ t: number; value: number }>,
  allowedMiB: number,
): boolean {
  const last = samples.at(-1);
  const span = last ? last.t - (samples[0]?.t ?? last.t) : 0;
  if (!last || span < SETTLE_SECONDS - SETTLE_POLL_SECONDS - 1e-9) return false;
  const recent = samples.filter((p) => p.t > last.t - SETTLE_SECONDS).map((p) => p.value);
  return Math.max(...recent) - Math.min(...recent) <= allowedMiB;
}

/** Major collections in a heap series: drops of more than 15% from one sample to the next. */
export function gcCycles(heap: ReadonlyArray<{ value: number }>): number {
  let cycles = 0;
  for (let i = 1; i < heap.length; i++) {
    if ((heap[i] as { value: number }).value < (heap[i - 1] as { value: number }).value * GC_DROP) {
      cycles++;
    }
  }
  return cycles;
}

/** Load without measuring until RSS settles (see above); what the warm-up took. */
async function warmUntilSettled(
  options: SoakOptions,
  request: () => RequestSpec,
): Promise<{ seconds: number; settled: boolean; requests: number }> {
  const { session, scenario, settings } = options;
  const chunk = 5;
  const samples: Array<{ t: number; value: number }> = [];
  const started = performance.now();
  const poll = setInterval(() => {
    if (processRunning(session.target.pid)) {
      samples.push({
        t: (performance.now() - started) / 1000,
        value: groupRssMiB(session.target.pid),
      });
    }
  }, SETTLE_POLL_SECONDS * 1000);
  const driver = createInProcessDriver({
    baseUrl: session.url,
    settings: { model: 'closed', concurrency: settings.vus, durationSeconds: 0 },
    request,
    ...(scenario.expectStatus ? { expectStatus: scenario.expectStatus } : {}),
  });
  let requests = 0;
  let settled = false;
  try {
    for (;;) {
      const windows = await driver.ramp(
        settings.vus,
        [{ seconds: chunk, target: settings.vus }],
        chunk,
      );
      requests += windows.reduce((sum, w) => sum + w.tally.requests, 0);
      const seconds = (performance.now() - started) / 1000;
      const perSecond = requests / seconds;
      const allowed = Math.max(
        SETTLE_MIB,
        (settings.thresholdPer10k * perSecond * SETTLE_SECONDS) / 10_000,
      );
      settled = rssSettled(samples, allowed);
      if (!processRunning(session.target.pid)) break;
      if ((settled && seconds >= settings.warmupSeconds) || seconds >= settings.maxWarmupSeconds)
        break;
    }
  } finally {
    clearInterval(poll);
    driver.close();
  }
  return { seconds: (performance.now() - started) / 1000, settled, requests };
}

/** Report points per memory series, whatever the soak's length. */
const MEMORY_POINTS = 1500;

export interface SoakOptions {
  session: TargetSession;
  scenario: ScenarioDefinition;
  context: ScenarioContext;
  settings: SoakSettings;
  /** Scrape the target's /metrics for the heap (Node targets started with LAB_METRICS=1). */
  heap: boolean;
  meta?: Record<string, string | number | boolean | null>;
}

/** Slope of MiB over seconds, as MiB per minute and per 10,000 requests, and its zone. */
function trendOf(
  points: ReadonlyArray<{ t: number; value: number }>,
  requestsPerMinute: number,
  thresholdPer10k: number,
  confidence: number,
) {
  const perMinute = slopeInterval(
    points.map((p) => p.t / 60),
    points.map((p) => p.value),
    { confidence },
  );
  // MiB per minute → MiB per 10,000 requests.
  const scale = requestsPerMinute > 0 ? 10_000 / requestsPerMinute : Number.NaN;
  const per10kRequests = {
    slope: perMinute.slope * scale,
    lower: perMinute.lower * scale,
    upper: perMinute.upper * scale,
  };
  const verdict = Number.isFinite(scale)
    ? classifyTrend(per10kRequests, thresholdPer10k)
    : 'inconclusive';
  return { perMinute, per10kRequests, verdict };
}

/**
 * The window's trend. `growing` needs sustained growth: the whole window's interval above the
 * threshold and each half's too. A one-off step (an allocator or heap growing once more, late in
 * a warm-up) lies in one half and leaves the other flat, so it never reads as a leak; a leak
 * grows in both. Requiring both halves as well only makes the call stricter (the error rate of
 * the whole-window test still bounds it).
 */
export function memoryTrend(
  series: MemoryTrend['series'],
  points: ReadonlyArray<{ t: number; value: number }>,
  requestsPerMinute: number,
  thresholdPer10k: number,
  confidence: number,
): MemoryTrend {
  const whole = trendOf(points, requestsPerMinute, thresholdPer10k, confidence);
  let verdict = whole.verdict;
  if (verdict === 'growing') {
    const middle = ((points[0]?.t ?? 0) + (points.at(-1)?.t ?? 0)) / 2;
    const halves = [points.filter((p) => p.t < middle), points.filter((p) => p.t >= middle)];
    const sustained = halves.every((half) => {
      try {
        return trendOf(half, requestsPerMinute, thresholdPer10k, confidence).verdict === 'growing';
      } catch {
        return false; // too few samples in a half to tell
      }
    });
    if (!sustained) verdict = 'inconclusive';
  }
  return {
    series,
    samples: points.length,
    perMinute: whole.perMinute,
    per10kRequests: whole.per10kRequests,
    verdict,
  };
}

export function soakVerdict(trends: readonly MemoryTrend[], settled = true): SoakRun['verdict'] {
  if (trends.some((t) => t.verdict === 'growing')) return 'leak';
  if (settled && trends.find((t) => t.series === 'rss')?.verdict === 'flat') return 'no-leak';
  return 'inconclusive';
}

export async function runSoak(options: SoakOptions): Promise<SoakRun> {
  const { session, scenario, context, settings } = options;
  const startedAt = new Date().toISOString();
  const target = session.target.definition.name;
  let heap: Array<{ t: number; value: number }> = [];
  // One numbering for the warm-up and the measured window: no write repeats an earlier one.
  const request = requestSequence(scenario, context);
  const warmup = await warmUntilSettled(options, request);
  const scraper = options.heap ? startHeapScraper(session.url) : undefined;
  let ramp: Awaited<ReturnType<typeof measureRamp>>;
  try {
    ramp = await measureRamp({
      session,
      scenario,
      context,
      id: '21-soak',
      startVus: settings.vus,
      stages: [{ seconds: settings.durationSeconds, target: settings.vus }],
      windowSeconds: settings.windowSeconds,
      request,
    });
  } finally {
    heap = (await scraper?.stop()) ?? [];
  }
  const { measured, windows } = ramp;
  const rss = (measured.resources?.samples ?? []).map((s) => ({
    t: s.tMs / 1000,
    value: s.rssMiB,
  }));
  const requestsPerMinute = measured.throughput * 60;
  const series: Array<[MemoryTrend['series'], Array<{ t: number; value: number }>]> = [
    ['rss', rss],
  ];
  if (heap.length > 0) series.push(['heap', heap]);
  const confidence = 1 - settings.alpha / series.length;
  const warnings = [...measured.warnings];
  if (!warmup.settled) {
    warnings.push(
      `RSS had not settled after ${Math.round(warmup.seconds)} s of warm-up (${warmup.requests} requests): a leak can be found, but the target cannot be cleared`,
    );
  }
  const trends: MemoryTrend[] = [];
  for (const [name, points] of series) {
    try {
      const trend = memoryTrend(
        name,
        points,
        requestsPerMinute,
        settings.thresholdPer10k,
        confidence,
      );
      const cycles = name === 'heap' ? gcCycles(points) : MIN_GC_CYCLES;
      if (cycles < MIN_GC_CYCLES && trend.verdict !== 'inconclusive') {
        warnings.push(
          `heap: ${cycles} major collections in the window, fewer than ${MIN_GC_CYCLES}: its trend does not count (soak longer)`,
        );
        trend.verdict = 'inconclusive';
      }
      trends.push(trend);
    } catch (error) {
      warnings.push(`${name}: no trend (${(error as Error).message})`);
    }
  }
  const memory = thinned(rss, MEMORY_POINTS).map((p) => {
    const near = heap.length > 0 ? nearest(heap, p.t) : undefined;
    return {
      t: Number(p.t.toFixed(2)),
      rssMiB: p.value,
      ...(near !== undefined ? { heapMiB: near } : {}),
    };
  });
  return {
    kind: 'soak',
    scenario: scenario.id,
    target,
    engine: 'inprocess',
    startedAt,
    meta: { ...measured.meta, ...options.meta },
    warnings,
    ...(measured.failure ? { failure: measured.failure } : {}),
    vus: settings.vus,
    durationSeconds: settings.durationSeconds,
    warmupSeconds: Number(warmup.seconds.toFixed(1)),
    warmupRequests: warmup.requests,
    settled: warmup.settled,
    thresholdPer10k: settings.thresholdPer10k,
    confidence,
    verdict: soakVerdict(trends, warmup.settled),
    trends,
    memory,
    series: thinned(windows.map(seriesPoint), MEMORY_POINTS),
    throughput: measured.throughput,
    requests: measured.requests,
    errors: measured.errors,
  };
}

/** The heap sample closest in time (within 2 s), MiB. */
function nearest(
  points: ReadonlyArray<{ t: number; value: number }>,
  t: number,
): number | undefined {
  let best: { t: number; value: number } | undefined;
  for (const p of points) if (!best || Math.abs(p.t - t) < Math.abs(best.t - t)) best = p;
  return best && Math.abs(best.t - t) <= 2 ? Number(best.value.toFixed(2)) : undefined;
}
