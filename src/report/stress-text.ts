import { median } from 'simple-statistics';
import type {
  ColdWarmCondition,
  MemoryTrend,
  SoakRun,
  StressRun,
  SweepRun,
  SweepStep,
} from '../load/stress/types.ts';
import type { Verdict } from '../stats/verdict.ts';

/**
 * Wording and tables of the stress scenarios and sweeps, shared by the Markdown and HTML reports
 * (rows of cells; each report escapes and lays them out its own way).
 */
export const STRESS_TITLES: Record<StressRun['kind'], string> = {
  spike: '20 spike: 10 → 100 → 10 users',
  soak: '21 soak: memory over time, leak verdict',
  'cold-warm': '22 cold vs warm: the first requests against the steady state',
  sweep: 'Variant sweeps: concurrency, pool size, workers',
};

export const STRESS_ORDER: ReadonlyArray<StressRun['kind']> = [
  'spike',
  'soak',
  'cold-warm',
  'sweep',
];

/** Verdicts a record makes, and the expected false calls among them (the run's error control). */
export function stressVerdicts(run: StressRun): { count: number; expectedFalseCalls: number } {
  switch (run.kind) {
    case 'sweep':
      return { count: run.comparisons, expectedFalseCalls: run.expectedFalseCalls };
    case 'soak':
      return {
        count: run.trends.length,
        expectedFalseCalls:
          run.trends.filter((t) => t.verdict !== 'inconclusive').length * (1 - run.confidence),
      };
    case 'cold-warm': {
      const decided = run.conditions.filter(
        (c) => c.verdict && c.verdict.verdict !== 'inconclusive',
      );
      return {
        count: run.conditions.filter((c) => c.verdict).length,
        expectedFalseCalls: decided.reduce((s, c) => s + (c.verdict?.level ?? 0), 0),
      };
    }
    default:
      return { count: 0, expectedFalseCalls: 0 };
  }
}

const num = (x: number | null | undefined, digits = 2): string =>
  typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—';
const rate = (x: number | null | undefined): string =>
  typeof x === 'number' && Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—';
const ms = (x: number | null | undefined): string =>
  typeof x === 'number' && Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : '—';

/** What a run is, in one line: target, scenario, knobs. */
export function stressHeading(run: StressRun): string {
  const workers = run.meta['target.workers'];
  const cpus = run.meta['target.cpus'];
  const generator = run.meta['generator.cpus'] ?? run.meta['pinning.generatorCpus'];
  const pinning = cpus
    ? `, target CPUs ${cpus}, generator CPUs ${generator ?? '?'}`
    : ', not pinned';
  const base = `${run.target} — scenario ${run.scenario}, engine ${run.engine}${workers !== undefined ? `, ${workers} worker${workers === 1 ? '' : 's'}` : ''}${pinning}`;
  if (run.kind === 'sweep') return `${base}; sweep of ${run.axis}`;
  return base;
}

export const SPIKE_HEADER = [
  'phase',
  'users',
  'seconds',
  'req/s',
  'p50 ms',
  'p99 ms',
  'errors',
  'note',
];

export function spikeRows(run: Extract<StressRun, { kind: 'spike' }>): string[][] {
  return run.phases.map((p) => [
    p.phase,
    String(p.vus),
    num(p.seconds, 1),
    rate(p.throughput),
    ms(p.p50),
    ms(p.p99),
    String(p.errors),
    p.generatorBound ?? '',
  ]);
}

export function spikeRecovery(run: Extract<StressRun, { kind: 'spike' }>): string {
  const threshold = `pre-spike window p99 ≤ ${ms(run.recoveryThresholdMs)} ms`;
  return run.recoverySeconds === null
    ? `not recovered to the ${threshold} within the ${run.profile.stages.at(-1)?.seconds ?? '?'} s after the spike`
    : `recovered to the ${threshold} ${num(run.recoverySeconds, 1)} s after the peak ended`;
}

export const TREND_HEADER = [
  'series',
  'samples',
  'MiB/min [interval]',
  'MiB per 10k requests [interval]',
  'verdict',
];

export function trendRows(run: SoakRun): string[][] {
  return run.trends.map((t: MemoryTrend) => [
    t.series === 'rss' ? 'RSS (/proc, process group)' : 'V8 heap used (/metrics)',
    String(t.samples),
    `${num(t.perMinute.slope, 3)} [${num(t.perMinute.lower, 3)}, ${num(t.perMinute.upper, 3)}]`,
    `${num(t.per10kRequests.slope, 3)} [${num(t.per10kRequests.lower, 3)}, ${num(t.per10kRequests.upper, 3)}]`,
    t.verdict,
  ]);
}

export function soakSummary(run: SoakRun): string {
  const warmup = run.settled
    ? `after ${run.warmupSeconds} s of warm-up (${rate(run.warmupRequests)} requests) RSS had settled`
    : `RSS had not settled after ${run.warmupSeconds} s of warm-up (${rate(run.warmupRequests)} requests): a leak can be found, the target not cleared`;
  return (
    `${warmup}; then ${run.vus} users for ${run.durationSeconds} s (${rate(run.throughput)} req/s, ${run.errors} errors), ` +
    `regressed by batch means, ${Math.round(run.confidence * 1000) / 10}% intervals; ` +
    `leak when an interval lies above ${run.thresholdPer10k} MiB per 10,000 requests, no leak when within ±${run.thresholdPer10k}`
  );
}

export function coldSummary(run: Extract<StressRun, { kind: 'cold-warm' }>): string {
  return `${run.repetitions} repetitions per condition, ${run.vus} user${run.vus === 1 ? '' : 's'}, first ${run.firstN} requests against the second half of ${run.measureSeconds} s; α ${Number(run.alpha.toPrecision(3))} per condition`;
}

export const COLD_HEADER = [
  'condition',
  'first-N median ms',
  'steady median ms',
  'steady after (requests / ms)',
  'cold ÷ warm latency [interval]',
  'verdict',
  'errors',
];

function medianOf(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length > 0 ? median(finite) : Number.NaN;
}

/** The pair is cold over warm: cold `slower` means the first requests took longer. */
const COLD_VERDICTS: Record<Verdict, string> = {
  slower: 'cold slower',
  faster: 'cold faster',
  'no-difference': 'same',
  inconclusive: 'inconclusive',
};

export function coldRows(conditions: readonly ColdWarmCondition[]): string[][] {
  return conditions.map((c) => {
    const settled = c.steadyAfterRequests.map((r, i) =>
      r === null ? 'never' : `${r} / ${ms(c.steadyAfterMs[i] ?? Number.NaN)}`,
    );
    const v = c.verdict;
    // The pair is cold over warm by median latency: ratio > 1 = cold faster; show cold ÷ warm.
    const interval = v ? `${num(1 / v.ratio)} [${num(1 / v.upper)}, ${num(1 / v.lower)}]` : '—';
    const verdict = v ? COLD_VERDICTS[v.verdict] : 'fewer than 3 repetitions';
    return [
      `${c.condition}: ${c.description}`,
      ms(medianOf(c.cold)),
      ms(medianOf(c.warm)),
      settled.join(', ') || '—',
      interval,
      verdict,
      String(c.errors),
    ];
  });
}

export const SWEEP_HEADER = [
  'level',
  'req/s',
  'p50 ms',
  'p99 ms',
  'blocks',
  'errors',
  'knobs',
  'note',
];

export function sweepRows(run: SweepRun): string[][] {
  return run.points.map((p) => [
    p.label,
    rate(p.throughput),
    ms(p.p50),
    ms(p.p99),
    String(p.blocks),
    String(p.errors),
    Object.entries(p.knobs)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    p.generatorBound ? `generator-bound: ${p.generatorBound}` : '',
  ]);
}

export function stepText(step: SweepStep): string {
  const words = {
    more: 'more throughput',
    less: 'less throughput',
    same: 'the same throughput (±5%)',
    inconclusive: 'inconclusive',
  } as const;
  return `${step.from} → ${step.to}: ${words[step.verdict]}, ratio ${num(step.ratio)} [${num(step.lower)}, ${num(step.upper)}]${step.note ? ` (${step.note})` : ''}`;
}

export function uslText(run: SweepRun): string | undefined {
  const u = run.usl;
  if (!u) return undefined;
  const peak = Number.isFinite(u.peakN)
    ? `peak throughput ${rate(u.peakThroughput)} req/s at N ≈ ${num(u.peakN, 1)} (the knee)`
    : 'no peak in the model (κ ≈ 0)';
  const notes = [...u.notes, ...u.excluded.map((e) => `left out: ${e}`)];
  return `USL fit: λ ${num(u.lambda, 0)} req/s, σ ${num(u.sigma, 4)}, κ ${num(u.kappa, 6)}, R² ${num(u.r2, 3)}; ${peak}${notes.length ? `. ${notes.join('; ')}` : ''}`;
}
