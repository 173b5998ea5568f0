import { availableParallelism } from 'node:os';
import { median } from 'simple-statistics';
import type { Lab } from '../../infra/lab.ts';
import { startUpstream } from '../../infra/upstream.ts';
import { parseCpuList } from '../../launcher/launch.ts';
import { getTarget, type TargetDefinition } from '../../launcher/registry.ts';
import { type OpenTargetSession, openTargetSession } from '../../launcher/runner.ts';
import type { ScenarioDefinition } from '../../scenarios/types.ts';
import { type PairVerdict, RankingFamily } from '../../stats/family.ts';
import { fitUsl } from '../../stats/usl.ts';
import type { Verdict } from '../../stats/verdict.ts';
import {
  closeTargets,
  measureSlice,
  rotate,
  runMeta,
  scenarioContext,
  targetEnv,
} from '../http-scenario.ts';
import { type PinningPlan, pinningPlan } from '../pinning.ts';
import { generatorBound, unusable } from '../ranking-run.ts';
import type { Result } from '../result.ts';
import type { SweepAxis, SweepPoint, SweepRun, SweepStep } from './types.ts';

/**
 * The variant experiments of phase 10 as one procedure: a target measured at several levels of
 * one knob — concurrency (closed-model users), its database pool size, or its worker processes —
 * the other knobs fixed. The levels are measured in interleaved blocks (every level one slice
 * per block, in a rotated order reversed every other block, as rankings do), so drift hits all
 * levels alike, until every pair of adjacent levels is decided by throughput (RankingFamily:
 * Pocock repeated intervals, Holm across all pairs, at the sweep's α) or the budget is spent.
 *
 * - `vus`: one process, the load changes: the throughput–latency curve, and the Universal
 *   Scalability Law fitted to throughput over N with its knee (src/stats/usl.ts);
 * - `pool`: one process per pool size (`LAB_DB_POOL`), at the fixed concurrency;
 * - `workers`: one process per worker count (`{workers}`: node:cluster, uvicorn or gunicorn
 *   workers). `cpuMode` `fixed` keeps the target on its usual CPUs (what does a second process
 *   buy on the same cores?); `scaled` gives it one CPU per worker, which on a 2-core machine
 *   shares a CPU with the load generator (recorded, and warned about, on every point).
 *
 * A slice with errors or a generator at its limit never enters a verdict or the USL fit; a
 * point measured that way in most blocks is flagged as generator-bound.
 */
export interface SweepOptions {
  target: string;
  axis: SweepAxis;
  values: readonly number[];
  /** The knobs not swept. */
  fixed: { vus: number; pool: number; workers: number };
  cpuMode?: 'fixed' | 'scaled';
  scenario: ScenarioDefinition;
  lab: Lab;
  budgetSeconds: number;
  maxBlocks?: number;
  sliceSeconds: number;
  rewarmSeconds: number;
  warmupSeconds: number;
  alpha: number;
  log?: (line: string) => void;
  /** After every block: blocks done and the planned most. */
  onBlock?: (block: number, maxBlocks: number) => void;
}

interface Level {
  value: number;
  label: string;
  session: OpenTargetSession;
  vus: number;
  pool: number;
  workers: number;
}

const MIN_BLOCKS = 3;
const MAX_BLOCKS = 60;
const SLICE_OVERHEAD = 0.15;

export function levelLabel(axis: SweepAxis, value: number): string {
  if (axis === 'vus') return `${value} VU${value === 1 ? '' : 's'}`;
  if (axis === 'pool') return `pool ${value}`;
  return `${value} worker${value === 1 ? '' : 's'}`;
}

/** Whether a target's start command or environment takes `{workers}`. */
export function takesWorkers(definition: TargetDefinition): boolean {
  return [...definition.start, ...Object.values(definition.env)].some((s) =>
    s.includes('{workers}'),
  );
}

/** `scaled` CPUs for w workers: CPUs 0…w−1 for the target, the generator where it always is. */
export function scaledPlan(workers: number, base: PinningPlan = pinningPlan()): PinningPlan {
  if (!base.enabled) return base;
  const cores = availableParallelism();
  const last = Math.min(workers, cores) - 1;
  return { ...base, targetCpus: last === 0 ? '0' : `0-${last}` };
}

function sharedCpus(a: string | undefined, b: string | undefined): number[] {
  const left = a ? parseCpuList(a) : undefined;
  const right = b ? parseCpuList(b) : undefined;
  if (!left || !right) return [];
  return [...left].filter((cpu) => right.has(cpu));
}

/** A pair's verdict (from over to) as a step's: `from` faster means less throughput at `to`. */
const STEP_VERDICTS: Record<Verdict, SweepStep['verdict']> = {
  faster: 'less',
  slower: 'more',
  'no-difference': 'same',
  inconclusive: 'inconclusive',
};

function stepOf(pair: PairVerdict | undefined, from: string, to: string): SweepStep {
  if (!pair)
    return {
      from,
      to,
      ratio: Number.NaN,
      lower: Number.NaN,
      upper: Number.NaN,
      verdict: 'inconclusive',
    };
  // The pair is oriented from → to (a over b, > 1: more at `from`); a step reads to ÷ from.
  const verdict = STEP_VERDICTS[pair.verdict];
  return {
    from,
    to,
    ratio: 1 / pair.ratio,
    lower: 1 / pair.upper,
    upper: 1 / pair.lower,
    verdict,
    ...(pair.note ? { note: pair.note } : {}),
  };
}

export async function runSweep(options: SweepOptions): Promise<SweepRun> {
  const { axis, lab, scenario } = options;
  const log = options.log ?? (() => {});
  const definition = getTarget(options.target);
  if (options.values.length < 2) throw new Error('a sweep needs at least two levels');
  if (axis === 'workers' && !takesWorkers(definition)) {
    throw new Error(
      `${definition.name} does not take {workers} in its manifest (Go targets use GOMAXPROCS = their pinned CPUs)`,
    );
  }
  if (!scenario.request) throw new Error(`${scenario.id} has no in-process request builder`);
  const cpuMode = options.cpuMode ?? 'fixed';
  const startedAt = new Date().toISOString();
  const context = await scenarioContext(lab);
  const upstream = await startUpstream();
  const env = targetEnv(lab, upstream);
  const sessions: OpenTargetSession[] = [];
  const warnings: string[] = [];
  try {
    const levels: Level[] = [];
    const values = [...options.values];
    const processes = axis === 'vus' ? [undefined] : values;
    for (const [i, value] of processes.entries()) {
      const pool = axis === 'pool' ? (value as number) : options.fixed.pool;
      const workers = axis === 'workers' ? (value as number) : options.fixed.workers;
      const variant: TargetDefinition = {
        ...definition,
        name:
          axis === 'vus'
            ? definition.name
            : `${definition.name} ${levelLabel(axis, value as number)}`,
        env: { ...definition.env, LAB_DB_POOL: String(pool) },
      };
      log(
        `[sweep ${definition.name}] starting ${variant.name} (pool ${pool}, ${workers} worker${workers === 1 ? '' : 's'})`,
      );
      sessions.push(
        await openTargetSession(variant, env, {
          // Only the last session pins this process as the load generator.
          generator: i === processes.length - 1 ? 'inprocess' : 'external',
          workers,
          ...(axis === 'workers' && cpuMode === 'scaled' ? { plan: scaledPlan(workers) } : {}),
        }),
      );
    }
    for (const [i, value] of values.entries()) {
      const session = (axis === 'vus' ? sessions[0] : sessions[i]) as OpenTargetSession;
      levels.push({
        value,
        label: levelLabel(axis, value),
        session,
        vus: axis === 'vus' ? value : options.fixed.vus,
        pool: axis === 'pool' ? value : options.fixed.pool,
        workers: axis === 'workers' ? value : options.fixed.workers,
      });
    }
    await lab.reset();
    const slice = (level: Level, seconds: number, warmup: number): Promise<Result> =>
      measureSlice({
        scenario,
        session: level.session,
        engine: 'inprocess',
        settings: {
          model: 'closed',
          concurrency: level.vus,
          durationSeconds: seconds,
          warmupSeconds: warmup,
        },
        context,
      });
    for (const level of levels) {
      log(`[sweep ${definition.name}] warming up at ${level.label} (${options.warmupSeconds} s)`);
      await slice(level, options.warmupSeconds, 0);
    }

    const labels = levels.map((l) => l.label);
    const blockSeconds =
      levels.length * (options.sliceSeconds + options.rewarmSeconds + SLICE_OVERHEAD);
    const maxBlocks = Math.min(
      options.maxBlocks ?? MAX_BLOCKS,
      MAX_BLOCKS,
      Math.max(MIN_BLOCKS, Math.floor(options.budgetSeconds / blockSeconds)),
    );
    const family = new RankingFamily(labels, {
      metric: 'throughput',
      alpha: options.alpha,
      plan: { minLooks: MIN_BLOCKS, maxLooks: maxBlocks },
    });
    const byLevel = new Map<string, Result[]>(labels.map((l) => [l, []]));
    const bound = new Map<string, string[]>(labels.map((l) => [l, []]));
    const valuesOf = new Map<string, Array<number | null>>(labels.map((l) => [l, []]));
    let stoppedBy: SweepRun['stoppedBy'] = 'blocks';
    let steps: SweepStep[] = [];
    let evaluation = family.evaluate();
    const started = performance.now();
    log(
      `[sweep ${definition.name}] ${axis} ${values.join(', ')}: up to ${maxBlocks} blocks of ${levels.length} × ${options.sliceSeconds} s (budget ${options.budgetSeconds} s), α ${options.alpha}`,
    );
    let blocks = 0;
    for (let block = 0; block < maxBlocks; block++) {
      const order = rotate(levels, block);
      if (block % 2 === 1) order.reverse();
      const blockValues: Record<string, number | null> = {};
      for (const level of order) {
        if (scenario.mutates) await lab.reset();
        const result = await slice(level, options.sliceSeconds, options.rewarmSeconds);
        (byLevel.get(level.label) as Result[]).push(result);
        const bad = unusable(result);
        const limited = bad ? undefined : generatorBound(result);
        if (limited) (bound.get(level.label) as string[]).push(limited);
        if (bad) warnings.push(`${level.label} block ${block + 1}: ${bad}`);
        blockValues[level.label] = bad || limited ? null : result.throughput;
        (valuesOf.get(level.label) as Array<number | null>).push(
          blockValues[level.label] as number | null,
        );
      }
      family.addBlock(blockValues);
      blocks = block + 1;
      for (const [label, reasons] of bound) {
        if (reasons.length > blocks / 2)
          family.markUndecidable(label, `generator-bound: ${reasons[0]}`);
      }
      evaluation = family.evaluate();
      const pairs = new Map(evaluation.pairs.map((p) => [`${p.a}\u0000${p.b}`, p]));
      steps = labels
        .slice(1)
        .map((to, i) => stepOf(pairs.get(`${labels[i]}\u0000${to}`), labels[i] as string, to));
      const decided = steps.filter((s) => s.verdict !== 'inconclusive' || s.note).length;
      log(
        `[sweep ${definition.name}] block ${blocks}/${maxBlocks}: ${levels
          .map((l) => `${l.label} ${Math.round(blockValues[l.label] ?? Number.NaN)}/s`)
          .join(', ')}; decided ${decided}/${steps.length}`,
      );
      options.onBlock?.(blocks, maxBlocks);
      if (blocks >= MIN_BLOCKS && decided === steps.length) {
        stoppedBy = 'decided';
        break;
      }
      if (blocks >= MIN_BLOCKS && (performance.now() - started) / 1000 > options.budgetSeconds) {
        stoppedBy = 'time';
        break;
      }
    }

    const estimates = new Map(evaluation.ranking.map((r) => [r.target, r.estimate]));
    const points: SweepPoint[] = levels.map((level) => {
      const results = (byLevel.get(level.label) as Result[]).filter((r) => !unusable(r));
      const reasons = bound.get(level.label) as string[];
      const targetCpus = level.session.target.cpus ?? null;
      const generatorCpus = level.session.generatorCpus ?? null;
      const shared = sharedCpus(targetCpus ?? undefined, generatorCpus ?? undefined);
      if (shared.length > 0) {
        warnings.push(`${level.label}: target and load generator share CPU ${shared.join(', ')}`);
      }
      return {
        level: level.value,
        label: level.label,
        knobs: {
          target: definition.name,
          scenario: scenario.id,
          vus: level.vus,
          pool: level.pool,
          workers: level.workers,
          targetCpus,
          generatorCpus,
          cpuMode: axis === 'workers' ? cpuMode : null,
          sharedCpus: shared.length > 0 ? shared.join(',') : null,
          sliceSeconds: options.sliceSeconds,
          engine: 'inprocess',
        },
        throughput: estimates.get(level.label) ?? Number.NaN,
        p50: results.length > 0 ? median(results.map((r) => r.latency.p50)) : Number.NaN,
        p99: results.length > 0 ? median(results.map((r) => r.latency.p99)) : Number.NaN,
        blocks: (valuesOf.get(level.label) as Array<number | null>).filter((v) => v !== null)
          .length,
        errors: (byLevel.get(level.label) as Result[]).reduce((s, r) => s + r.errors, 0),
        ...(reasons.length > blocks / 2 ? { generatorBound: reasons[0] as string } : {}),
        values: valuesOf.get(level.label) as Array<number | null>,
      };
    });
    let usl: SweepRun['usl'];
    if (axis === 'vus') {
      const fitted = points.filter((p) => !p.generatorBound && Number.isFinite(p.throughput));
      const excluded = points
        .filter((p) => !fitted.includes(p))
        .map((p) => `${p.label}: ${p.generatorBound ?? 'no usable block'}`);
      try {
        usl = {
          ...fitUsl(fitted.map((p) => ({ n: p.level, throughput: p.throughput }))),
          excluded,
        };
      } catch (error) {
        warnings.push(`no USL fit: ${(error as Error).message}`);
      }
    }
    const first = sessions[0] as OpenTargetSession;
    return {
      kind: 'sweep',
      scenario: scenario.id,
      target: definition.name,
      engine: 'inprocess',
      startedAt,
      meta: {
        ...first.meta,
        ...runMeta(lab, upstream),
        'sweep.axis': axis,
        'db.pool': options.fixed.pool,
      },
      warnings: [...new Set(warnings)],
      axis,
      points,
      steps,
      alpha: options.alpha,
      comparisons: evaluation.comparisons,
      expectedFalseCalls: evaluation.expectedFalseCalls,
      blocks,
      stoppedBy,
      ...(usl ? { usl } : {}),
      ...(axis === 'workers' ? { cpuMode } : {}),
    };
  } finally {
    try {
      await closeTargets(sessions);
    } finally {
      await upstream.stop();
    }
  }
}
