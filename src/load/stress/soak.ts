import type { TargetSession } from '../../launcher/runner.ts';
import type { ScenarioContext, ScenarioDefinition } from '../../scenarios/types.ts';
import { classifyTrend, slopeInterval } from '../../stats/trend.ts';
import { startHeapScraper } from './heap-scraper.ts';
import { measureRamp, seriesPoint, thinned } from './series.ts';
import type { MemoryTrend, SoakRun } from './types.ts';

/**
 * Scenario 21, soak with leak detection: a long constant closed-model load while the runner
 * samples the target's RSS from /proc (every process of its group) and, where the target
 * exposes it (Node targets with LAB_METRICS=1), the V8 heap in use from its /metrics. After the
 * warm-up, each memory series is regressed on time with an autocorrelation-robust interval
 * (src/stats/trend.ts, batch means); the slope is also given per 10,000 requests (at the run's
 * mean throughput), and that is what the threshold is stated in, so a busy and an idle target are
 * held to the same bytes-per-request standard:
 *
 *   leak          some series' whole interval above +threshold;
 *   no-leak       the RSS interval within ±threshold, and the heap's (if any) not above it;
 *   inconclusive  anything else (too short or too noisy: soak longer).
 *
 * RSS is what the OS sees (what gets a container killed), so it alone can clear a target; the
 * heap can only convict: a live V8 heap under load saw-tooths over a minute or more between
 * major collections, so proving it flat takes far longer soaks than finding it growing.
 * The series share the soak's α equally (Bonferroni).
 *
 * Warm-up: a target's RSS grows while V8 and the allocator size themselves to the load (fastify
 * on the mixed workload: 145 → 310 MiB in its first minute, flat after), which is not a leak.
 * The regression starts once RSS has settled — the first moment after `warmupSeconds` at which
 * the last SETTLE_SECONDS of RSS stayed within SETTLE_MIB (or within the threshold's worth of
 * the requests served meanwhile) — and at the latest at MAX_WARMUP_SHARE of the run. A leak
 * never settles, so it is measured from the cap. The start is chosen on earlier samples than
 * those regressed, so the choice does not bias the slope.
 */
export interface SoakSettings {
  vus: number;
  durationSeconds: number;
  /**
   * Seconds always excluded from the regression at the start (JIT, pools); more while RSS is
   * still settling, up to MAX_WARMUP_SHARE of the run.
   */
  warmupSeconds: number;
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
    durationSeconds: 90,
    warmupSeconds: 15,
    windowSeconds: 1,
    thresholdPer10k: DEFAULT_LEAK_THRESHOLD,
  },
  full: {
    vus: 10,
    durationSeconds: 300,
    warmupSeconds: 30,
    windowSeconds: 5,
    thresholdPer10k: DEFAULT_LEAK_THRESHOLD,
  },
};

export const SETTLE_SECONDS = 10;
export const SETTLE_MIB = 2;
export const MAX_WARMUP_SHARE = 2 / 3;

/**
 * When RSS settled (see above): seconds since the load started at which the regression begins.
 * `requestsPerSecond` converts the threshold into MiB allowed over the settle window.
 */
export function settledAt(
  rss: ReadonlyArray<{ t: number; value: number }>,
  settings: Pick<SoakSettings, 'warmupSeconds' | 'durationSeconds' | 'thresholdPer10k'>,
  requestsPerSecond: number,
): number {
  const cap = Math.max(settings.warmupSeconds, settings.durationSeconds * MAX_WARMUP_SHARE);
  const allowed = Math.max(
    SETTLE_MIB,
    (settings.thresholdPer10k * requestsPerSecond * SETTLE_SECONDS) / 10_000,
  );
  for (const point of rss) {
    if (point.t < settings.warmupSeconds || point.t < SETTLE_SECONDS) continue;
    if (point.t >= cap) break;
    const window = rss
      .filter((p) => p.t > point.t - SETTLE_SECONDS && p.t <= point.t)
      .map((p) => p.value);
    if (Math.max(...window) - Math.min(...window) <= allowed) return point.t;
  }
  return cap;
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

export function memoryTrend(
  series: MemoryTrend['series'],
  points: ReadonlyArray<{ t: number; value: number }>,
  requestsPerMinute: number,
  thresholdPer10k: number,
  confidence: number,
): MemoryTrend {
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
  return {
    series,
    samples: points.length,
    perMinute,
    per10kRequests,
    verdict: Number.isFinite(scale)
      ? classifyTrend(per10kRequests, thresholdPer10k)
      : 'inconclusive',
  };
}

export function soakVerdict(trends: readonly MemoryTrend[]): SoakRun['verdict'] {
  if (trends.some((t) => t.verdict === 'growing')) return 'leak';
  if (trends.find((t) => t.series === 'rss')?.verdict === 'flat') return 'no-leak';
  return 'inconclusive';
}

export async function runSoak(options: SoakOptions): Promise<SoakRun> {
  const { session, scenario, context, settings } = options;
  const startedAt = new Date().toISOString();
  const target = session.target.definition.name;
  let heap: Array<{ t: number; value: number }> = [];
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
  const start = settledAt(rss, settings, measured.throughput);
  const after = <T extends { t: number }>(points: readonly T[]) =>
    points.filter((p) => p.t >= start);
  const series: Array<[MemoryTrend['series'], Array<{ t: number; value: number }>]> = [
    ['rss', after(rss)],
  ];
  if (heap.length > 0) series.push(['heap', after(heap)]);
  const confidence = 1 - settings.alpha / series.length;
  const warnings = [...measured.warnings];
  const trends: MemoryTrend[] = [];
  for (const [name, points] of series) {
    try {
      trends.push(
        memoryTrend(name, points, requestsPerMinute, settings.thresholdPer10k, confidence),
      );
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
    warmupSeconds: Number(start.toFixed(2)),
    minWarmupSeconds: settings.warmupSeconds,
    thresholdPer10k: settings.thresholdPer10k,
    confidence,
    verdict: soakVerdict(trends),
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
