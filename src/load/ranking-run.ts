import pg from 'pg';
import { unreachableDependencies } from '../infra/dependencies.ts';
import type { Lab } from '../infra/lab.ts';
import { startUpstream, type Upstream } from '../infra/upstream.ts';
import { EXTERNAL_WARNING, externalRefusal } from '../launcher/external.ts';
import type { TargetDefinition } from '../launcher/registry.ts';
import type { TargetSession } from '../launcher/runner.ts';
import { isQuick } from '../scenarios/index.ts';
import type { ScenarioDefinition } from '../scenarios/types.ts';
import { RankingFamily, type RankingResult } from '../stats/family.ts';
import type { Metric } from '../stats/metric.ts';
import { sanityWarnings } from '../stats/sanity.ts';
import {
  expectedStatuses,
  type HttpEngine,
  measureSlice,
  requestBuilder,
  rotate,
  runMeta,
  type ScenarioVariant,
  scenarioContext,
  targetEnv,
  withTargets,
} from './http-scenario.ts';
import { createInProcessDriver, resultOf } from './inprocess/engine.ts';
import { type InterleavedSideResult, runInterleavedBlock } from './inprocess/interleaved.ts';
import { groupRssMiB, processRunning } from './proc-sampler.ts';
import type { LoadSettings, Result } from './result.ts';

/**
 * A scenario's ranking with verdicts, sampled until decided: every target is started once
 * (pinned, conformance-checked) and warmed up, then measured in blocks — each block measures
 * every target for one short slice, in a rotated order that is reversed every other block, so
 * that drift and position effects hit all targets alike. After each block the ranking family
 * (src/stats/family.ts) is evaluated; sampling stops when every reported comparison is decided,
 * the look plan is exhausted or the time budget runs out.
 *
 * Two families, each at half the scenario's α (Bonferroni across the two):
 *  - throughput, closed model (the scenario's connections): which target serves more;
 *  - median latency, open model at one rate for every target, half of the slowest target's
 *    measured throughput (so no target is overloaded and latency is not a queueing artefact).
 *
 * Verdicts come only from measurements the load generator could make: a slice whose generator
 * was saturated (CPU ≥ 90%) or broke Little's law by > 20% (closed model) does not count, and a
 * target measured that way in most of its slices is "faster than the generator can measure":
 * its comparisons stay inconclusive with that note. A slice with errors or failed checks never
 * enters a verdict (it is reported as a problem).
 */
export interface RankingRunOptions {
  scenario: ScenarioDefinition;
  /** Registered names, or definitions (calibration's trivial servers). */
  targets: ReadonlyArray<string | TargetDefinition>;
  /** Run the conformance verifier at start (default true; off for non-contract servers). */
  verify?: boolean;
  lab: Lab;
  /** Default `inprocess`: the engine that reaches the targets' limit here. */
  engine?: HttpEngine;
  /**
   * k6 only: every slice runs on this many k6 processes (execution segments), latency merged from
   * their raw samples; generator saturation is judged over all of them (src/load/k6/segments.ts).
   */
  generators?: number;
  /** Family-wise error rate of the scenario's verdicts. Default 0.05. */
  alpha?: number;
  /** Time budget for the measured blocks of both families, seconds (`budgetSeconds()`). */
  budgetSeconds?: number;
  /** In-process engine: fine interleaving of the targets (default true, `LAB_INTERLEAVE`). */
  interleave?: boolean;
  /**
   * Fresh processes every this many blocks (`LAB_RESTART_EVERY` wins; default
   * `defaultRestartEvery()`: 1, 0 in quick runs; 0 = never).
   */
  restartEvery?: number;
  /** Seconds of unmeasured turns after a restart (default 1; 0.5 in quick runs). */
  restartWarmupSeconds?: number;
  /** Families to measure; default both: throughput, then median latency. */
  phases?: ReadonlyArray<'throughput' | 'latency'>;
  /** Open-model rate of the latency family; default half the slowest target's throughput. */
  latencyRate?: number;
  /**
   * Margins of the verdicts (default `rankingMargins`: 1.05 both — faster ≥ 5%, the same within
   * ±5% — when processes are replicated, 1.1 when they are kept).
   */
  minRatio?: number;
  equivalenceMargin?: number;
  /** Cap on blocks per family (default: what the budget allows, at most 60). */
  maxBlocks?: number;
  /** Measured seconds per slice and unmeasured warm-up per target (default `sliceSettings()`). */
  sliceSeconds?: number;
  warmupSeconds?: number;
  /** Base load settings (connections); default the scenario's quick or full load. */
  settings?: LoadSettings;
  variant?: ScenarioVariant;
  /**
   * Targets already started and verified (a suite measuring several variants starts them once);
   * their upstream stub. Default: start `targets` now and stop them at the end.
   */
  started?: { sessions: readonly TargetSession[]; upstream: Upstream };
  log?: (line: string) => void;
  onResult?: (result: Result) => void;
}

export interface FamilyRun extends RankingResult {
  phase: 'throughput' | 'latency';
  /** Open-model rate of the latency family, requests/s. */
  ratePerSecond?: number;
  stoppedBy: 'decided' | 'looks' | 'time' | 'failed';
  /** Target → its slices left out because the generator was limited, and the last reason. */
  generatorBound: Record<string, { slices: number; why: string }>;
  seconds: number;
  sliceSeconds: number;
}

export interface RankingRun {
  scenario: string;
  variant?: string;
  engine: HttpEngine;
  targets: string[];
  alpha: number;
  budgetSeconds: number;
  families: FamilyRun[];
  results: Result[];
  /** Slices that failed or had errors: never part of a verdict. */
  problems: string[];
  /** Target → why its comparisons are undecided (generator saturated). */
  saturated: Record<string, string>;
  /**
   * Target → the script's own outcome counters summed over its measured slices (e.g. scenario
   * 13's applied, conflicting and retried decrements), when the script has any.
   */
  outcomes: Record<string, Record<string, number>>;
}

/** k6's own meta entries; the others named `k6.*` are the script's outcome counters. */
const K6_OWN_META = new Set([
  'k6.testRunDurationMs',
  'k6.vusMax',
  'k6.iterations',
  'k6.droppedIterations',
  'k6.cpuPercent',
  'k6.generators',
]);

/**
 * How long a variant's preparation holds: well inside the contract's default TTLs of what it
 * stores (cache entries 300 s, sessions and JWTs 900 s).
 */
const PREPARE_REFRESH_SECONDS = 120;

/** Slice settings by mode: short slices, many blocks. LAB_SLICE overrides the measured seconds. */
export function sliceSettings(env: NodeJS.ProcessEnv = process.env): {
  slice: number;
  rewarm: number;
  warmup: number;
} {
  const quick = isQuick(env);
  const fromEnv = env.LAB_SLICE === undefined ? undefined : Number(env.LAB_SLICE);
  if (fromEnv !== undefined && !(fromEnv > 0)) {
    throw new Error(`LAB_SLICE must be > 0 seconds, got ${JSON.stringify(env.LAB_SLICE)}`);
  }
  return { slice: fromEnv ?? (quick ? 0.5 : 1), rewarm: 0.5, warmup: quick ? 1 : 5 };
}

/**
 * Margins of a ranking's verdicts follow what it replicates. Fresh processes every few blocks put
 * process-to-process variation (~5% in the noise pilot, docs/measurement.md) into the blocks'
 * spread, so 5% margins hold; processes kept for the whole ranking leave it out, so the verdicts
 * use 10%, about twice that offset. Explicit margins (a caller's) win.
 */
export const REPLICATED_MARGIN = 1.05;
export const KEPT_PROCESS_MARGIN = 1.1;

/**
 * Fresh processes every how many blocks unless the caller or `LAB_RESTART_EVERY` says: 1 for
 * `lab run` and calibration, 0 in quick runs. Restarting four targets before every block left 3
 * blocks in the 25-s quick budget, and at a quick run's share of α (~0.05% per ranking, 35 suites
 * sharing 5%) three blocks decided 1 of the 607 comparisons of the quick run
 * 2026-12-04T16-09-54Z; kept processes fit about three times as many. The bench suites keep
 * their processes in every mode (src/load/http-suite.ts).
 */
export function defaultRestartEvery(env: NodeJS.ProcessEnv = process.env): number {
  return isQuick(env) ? 0 : 1;
}

/** The margins a ranking uses when its caller gives none: see `REPLICATED_MARGIN`. */
export function rankingMargins(restartEvery: number): {
  minRatio: number;
  equivalenceMargin: number;
} {
  const margin = restartEvery > 0 ? REPLICATED_MARGIN : KEPT_PROCESS_MARGIN;
  return { minRatio: margin, equivalenceMargin: margin };
}

/** Seconds of measured blocks per scenario: LAB_BUDGET, else 25 quick / 180 full. */
export function budgetSeconds(
  env: NodeJS.ProcessEnv = process.env,
  defaults: { quick: number; full: number } = { quick: 25, full: 180 },
): number {
  if (env.LAB_BUDGET !== undefined) {
    const value = Number(env.LAB_BUDGET);
    if (!(value > 0)) {
      throw new Error(`LAB_BUDGET must be > 0 seconds, got ${JSON.stringify(env.LAB_BUDGET)}`);
    }
    return value;
  }
  return isQuick(env) ? defaults.quick : defaults.full;
}

/**
 * Fine interleaving (in-process engine): 100-ms turns per target with 20 ms unmeasured after
 * each switch, and fresh processes before every block (`LAB_RESTART_EVERY`, default 1; 0 keeps
 * the processes for the whole run), warmed up for 1 s of turns (0.5 s in quick mode). `LAB_INTERLEAVE=0` measures one
 * whole slice per target instead. Why both: docs/measurement.md (noise pilot).
 */
export function interleaveSettings(
  engine: HttpEngine,
  options: { interleave?: boolean; restartEvery?: number; restartWarmupSeconds?: number },
  env: NodeJS.ProcessEnv = process.env,
): {
  interleave: boolean;
  subSlice: number;
  subRewarm: number;
  restartEvery: number;
  restartWarmup: number;
} {
  if (env.LAB_INTERLEAVE !== undefined && !['0', '1'].includes(env.LAB_INTERLEAVE)) {
    throw new Error(`LAB_INTERLEAVE must be 0 or 1, got ${JSON.stringify(env.LAB_INTERLEAVE)}`);
  }
  const interleave = engine === 'inprocess' && (options.interleave ?? env.LAB_INTERLEAVE !== '0');
  let restartEvery = options.restartEvery ?? 1;
  if (env.LAB_RESTART_EVERY !== undefined) {
    restartEvery = Number(env.LAB_RESTART_EVERY);
    if (!(Number.isInteger(restartEvery) && restartEvery >= 0)) {
      throw new Error(
        `LAB_RESTART_EVERY must be an integer ≥ 0 (blocks per process; 0 = never), got ${JSON.stringify(env.LAB_RESTART_EVERY)}`,
      );
    }
  }
  return {
    interleave,
    subSlice: 0.1,
    subRewarm: 0.02,
    restartEvery: interleave ? restartEvery : 0,
    // Quick runs warm fresh processes for half a second: enough for a ranking of big gaps.
    restartWarmup: options.restartWarmupSeconds ?? (isQuick(env) ? 0.5 : 1),
  };
}

/**
 * Request numbers of one interleaved call per target (far above the ~10^5 a block sends) and of
 * one target in a ranking (room for 10^5 calls): all well inside exact integers.
 */
const REQUESTS_PER_CALL = 10_000_000;
const REQUESTS_PER_TARGET = 1_000_000_000_000;

/** Seconds a restart takes (stop, start, /health), for planning looks. */
const restartCost = 0.8;

/** Most blocks a family may plan (the simulated Pocock levels are computed up to 200). */
const MAX_BLOCKS = 60;
const MIN_BLOCKS = 3;
/** Per-slice overhead beyond load (connections, sampling, bookkeeping), seconds: for planning. */
const SLICE_OVERHEAD = 0.15;
const GENERATOR_CPU_LIMIT = 90;
const LITTLE_TOLERANCE = 0.2;

/** Why a slice cannot inform a verdict, or undefined when it can. */
export function unusable(result: Result): string | undefined {
  if (result.failure) return `failed: ${result.failure.split('\n')[0]}`;
  if (result.errors > 0 || result.failedChecks > 0) {
    return `${result.errors} errors, ${result.failedChecks} failed checks of ${result.requests}`;
  }
  if (result.requests === 0) return 'no completed requests';
  return undefined;
}

/**
 * Whether a target whose slices were generator-bound in `bound` of `blocks` blocks is faster than
 * the generator can measure: in most blocks, and only once there are enough blocks for "most" to
 * mean something. One stalled slice in the first block says nothing about the target (and the
 * marking is final: it ends the target's comparisons).
 */
export function boundInMostBlocks(bound: number, blocks: number): boolean {
  return blocks >= MIN_BLOCKS && bound > blocks / 2;
}

/** Why the generator may have limited this slice, or undefined when it had headroom. */
export function generatorBound(result: Result): string | undefined {
  const cpu = result.meta.loadGeneratorCpuPercent;
  if (typeof cpu === 'number' && cpu >= GENERATOR_CPU_LIMIT) {
    return `load generator CPU ${cpu}% (≥ ${GENERATOR_CPU_LIMIT}%)`;
  }
  const { settings, throughput, latency } = result;
  if (settings.model === 'closed' && settings.concurrency && throughput > 0) {
    const inFlight = throughput * (latency.mean / 1000);
    if (Math.abs(inFlight - settings.concurrency) / settings.concurrency > LITTLE_TOLERANCE) {
      return `Little's law off: ${inFlight.toFixed(1)} in flight for ${settings.concurrency} connections`;
    }
  }
  if (settings.model === 'open' && settings.ratePerSecond) {
    if (throughput < settings.ratePerSecond * (1 - LITTLE_TOLERANCE)) {
      return `open model behind schedule: ${Math.round(throughput)}/s of ${settings.ratePerSecond}/s`;
    }
  }
  return undefined;
}

export async function runRanking(given: RankingRunOptions): Promise<RankingRun> {
  const options: RankingRunOptions = {
    ...given,
    restartEvery: given.restartEvery ?? defaultRestartEvery(),
  };
  const { scenario, lab } = options;
  const engine = options.engine ?? 'inprocess';
  const alpha = options.alpha ?? 0.05;
  const budget = options.budgetSeconds ?? budgetSeconds();
  const phases = options.phases ?? ['throughput', 'latency'];
  if (phases.length === 0) throw new Error('no family to measure');
  const log = options.log ?? ((line: string) => console.log(line));
  const base = options.settings ?? scenario.load[isQuick() ? 'quick' : 'full'];
  const defaults = sliceSettings();
  // k6 refuses durations under one second.
  const floor = engine === 'k6' ? 1 : 0;
  const slice = Math.max(floor, options.sliceSeconds ?? defaults.slice);
  const warmup = Math.max(floor, options.warmupSeconds ?? defaults.warmup);
  const rewarm = Math.max(floor, defaults.rewarm);
  const names = options.targets.map((t) => (typeof t === 'string' ? t : t.name));
  if (names.length < 2) throw new Error('a ranking needs at least two targets');
  if (engine === 'k6' && !scenario.k6) throw new Error(`${scenario.id} has no k6 script`);
  for (const target of options.targets) {
    const refusal = typeof target === 'string' ? undefined : externalRefusal(target, scenario);
    if (refusal) throw new Error(refusal);
  }
  if (options.generators !== undefined && engine !== 'k6') {
    throw new Error('several load generators are k6 processes: use the k6 engine');
  }
  if (engine === 'inprocess' && !scenario.request && !options.variant?.request) {
    throw new Error(`${scenario.id} has no in-process request builder`);
  }
  const tag = options.variant ? `${scenario.id} ${options.variant.name}` : scenario.id;
  let context = await scenarioContext(lab);
  const upstream = options.started?.upstream ?? (await startUpstream());
  const run: RankingRun = {
    scenario: scenario.id,
    ...(options.variant ? { variant: options.variant.name } : {}),
    engine,
    targets: names,
    alpha,
    budgetSeconds: budget,
    families: [],
    results: [],
    problems: [],
    saturated: {},
    outcomes: {},
  };
  const familyAlpha = alpha / phases.length;
  const settingsOfInterleave = interleaveSettings(engine, options);
  const { interleave, subRewarm, restartEvery, restartWarmup } = settingsOfInterleave;
  const margins = {
    ...rankingMargins(restartEvery),
    ...(options.minRatio !== undefined ? { minRatio: options.minRatio } : {}),
    ...(options.equivalenceMargin !== undefined
      ? { equivalenceMargin: options.equivalenceMargin }
      : {}),
  };
  const subSlice = options.variant?.turnSeconds ?? settingsOfInterleave.subSlice;
  /** When the variant's preparation last ran (ms); NaN: to do (never, or undone by a restore). */
  let preparedAt = Number.NaN;
  /** Back to the seeded state, plus the scenario's own preparation. */
  const restore = async (): Promise<void> => {
    await lab.reset();
    preparedAt = Number.NaN;
    const statements = [scenario.afterReset, options.variant?.afterReset].filter(
      (sql): sql is string => Boolean(sql),
    );
    if (statements.length > 0) {
      const client = new pg.Client({ connectionString: lab.pg.url });
      await client.connect();
      try {
        for (const sql of statements) await client.query(sql);
      } finally {
        await client.end();
      }
    }
  };
  /**
   * The variant's own preparation (cache warm-up, a login; in-process only — k6 scripts do it in
   * their setup()), through `via`: once before the warm-up, again after a restore, and every
   * PREPARE_REFRESH_SECONDS, by the target whose turn it is — not before every block through the
   * same one, whose extra work would land on one side of the comparisons.
   */
  const prepare = async (via: TargetSession | undefined): Promise<void> => {
    if (engine !== 'inprocess' || !options.variant?.prepare || !via) return;
    if (performance.now() - preparedAt < PREPARE_REFRESH_SECONDS * 1000) return;
    context = { ...context, prepared: await options.variant.prepare(via.url, context) };
    preparedAt = performance.now();
  };
  const measureAll = async (sessions: readonly TargetSession[]): Promise<void> => {
    const measure = async (
      session: TargetSession,
      settings: LoadSettings,
      meta: Result['meta'],
    ): Promise<Result> => {
      if (scenario.mutates) await restore();
      await prepare(session);
      const measured = await measureSlice({
        scenario,
        session,
        engine,
        settings,
        context,
        ...(options.variant ? { variant: options.variant } : {}),
        ...(options.generators !== undefined ? { generators: options.generators } : {}),
      });
      return { ...measured, meta: { ...measured.meta, ...meta, ...runMeta(lab, upstream) } };
    };

    // Warm-up: JIT, pools and caches of every target, unmeasured.
    await prepare(sessions[0]);
    for (const session of sessions) {
      log(`[${tag}] warming up ${session.target.definition.name} (${warmup} s)…`);
      await measure(session, { ...base, durationSeconds: warmup, warmupSeconds: 0 }, {});
    }

    /** k6 (or LAB_INTERLEAVE=0): one slice per target, one after another, rotated. */
    const sequentialBlock = async (
      block: number,
      settings: LoadSettings,
      meta: Result['meta'],
    ): Promise<Result[]> => {
      const order = rotate(sessions, block);
      if (block % 2 === 1) order.reverse();
      const out: Result[] = [];
      for (const [position, session] of order.entries()) {
        out.push(await measure(session, settings, { ...meta, position }));
      }
      return out;
    };

    let interleavedCalls = 0;
    /** Every target in 100-ms turns, on fresh processes every `restartEvery` blocks. */
    const interleavedBlock = async (
      block: number,
      settings: LoadSettings,
      meta: Result['meta'],
    ): Promise<Result[]> => {
      if (scenario.mutates) await restore();
      await prepare(sessions[block % sessions.length]);
      if (restartEvery > 0 && block > 0 && block % restartEvery === 0) {
        // All at once: start-up waits on I/O too, and the time counts against the budget.
        await Promise.all(sessions.map((session) => session.restart()));
        await interleaved(block, settings, Math.max(1, Math.round(restartWarmup / subSlice)));
      }
      const results = await interleaved(block, settings, Math.max(1, Math.round(slice / subSlice)));
      return results.map((r) => ({ ...r, meta: { ...r.meta, ...meta } }));
    };

    const interleaved = async (
      block: number,
      settings: LoadSettings,
      cycles: number,
    ): Promise<Result[]> => {
      const startedAt = new Date().toISOString();
      const build = requestBuilder(scenario, context, options.variant);
      // A re-warm after a restart and the block it precedes share one restored database: each
      // call numbers its requests anew, so what they write (emails, skus) never collides.
      const first = interleavedCalls++ * REQUESTS_PER_CALL;
      const sides = sessions.map((session, index) => ({
        name: session.target.definition.name,
        pid: session.external ? undefined : session.target.pid,
        driver: createInProcessDriver({
          baseUrl: session.url,
          settings,
          // Every target of a block writes into one database: its own range of request numbers
          // keeps what requests write (emails, skus) apart.
          request: (i) => build(first + i + index * REQUESTS_PER_TARGET),
          ...expectedStatuses(scenario, options.variant),
        }),
      }));
      const dead = new AbortController();
      for (const session of sessions) {
        void session.target.exited.then(() =>
          dead.abort(new Error(`${session.target.definition.name} exited`)),
        );
      }
      let measured: Awaited<ReturnType<typeof runInterleavedBlock>>;
      try {
        measured = await runInterleavedBlock({
          sides,
          cycles,
          subSliceSeconds: subSlice,
          rewarmSeconds: subRewarm,
          offset: block,
          signal: dead.signal,
        });
      } finally {
        for (const side of sides) side.driver.close();
      }
      return sessions.map((session, index) => {
        const name = session.target.definition.name;
        const side = measured.sides.get(name) as InterleavedSideResult;
        const external = session.external === true;
        const alive = external || processRunning(session.target.pid);
        const rss = alive && !external ? groupRssMiB(session.target.pid) : 0;
        const cpuPercent = side.tally.elapsedSeconds
          ? (side.targetCpuSeconds / side.tally.elapsedSeconds) * 100
          : 0;
        const result = resultOf(side.tally, {
          scenario: scenario.id,
          target: name,
          ...(options.variant ? { variant: options.variant.name } : {}),
          settings: {
            ...settings,
            durationSeconds: subSlice * cycles,
            warmupSeconds: subRewarm * cycles,
          },
          startedAt,
          connections: sides[index]?.driver.connections ?? 0,
          failure: alive
            ? undefined
            : `target ${name} exited during the block; log tail:\n${session.target.logTail()}`,
          meta: {
            ...session.meta,
            ...runMeta(lab, upstream),
            'interleave.subSliceSeconds': subSlice,
            'interleave.cycles': cycles,
            'interleave.restartEvery': external
              ? 'does not apply: external target, never restarted'
              : restartEvery,
            'target.cpuPerRequestUs':
              side.tally.requests && !external
                ? Number(((side.targetCpuSeconds / side.tally.requests) * 1e6).toFixed(2))
                : null,
          },
        });
        const warnings = [
          ...result.warnings,
          ...sanityWarnings(result),
          ...(external ? [EXTERNAL_WARNING] : []),
        ];
        // An external target is not sampled: no resources rather than zeros.
        if (external) return { ...result, warnings: [...new Set(warnings)] };
        return {
          ...result,
          warnings: [...new Set(warnings)],
          resources: {
            intervalMs: Math.round(subSlice * 1000),
            cpuPercent: {
              mean: Math.round(cpuPercent * 10) / 10,
              max: Math.max(0, ...side.samples.map((x) => x.cpuPercent)),
            },
            rssMiB: { mean: Math.round(rss * 10) / 10, max: Math.round(rss * 10) / 10 },
            samples: side.samples.map((x) => ({ ...x, rssMiB: Math.round(rss * 10) / 10 })),
          },
        };
      });
    };
    const measureBlock = interleave ? interleavedBlock : sequentialBlock;
    const blockSeconds = interleave
      ? sessions.length *
        (slice * (1 + subRewarm / subSlice) +
          (restartEvery > 0
            ? (restartCost + restartWarmup * (1 + subRewarm / subSlice)) / restartEvery
            : 0))
      : sessions.length * (slice + rewarm + SLICE_OVERHEAD + (scenario.mutates ? 0.1 : 0));

    const started = performance.now();
    for (const phase of phases) {
      const spent = (performance.now() - started) / 1000;
      // With both families, throughput gets two thirds of the budget; latency what is left.
      const phaseBudget =
        phase === 'throughput' && phases.length > 1 ? budget * (2 / 3) : budget - spent;
      let settings: LoadSettings;
      let metric: Metric;
      if (phase === 'throughput') {
        settings = { ...base, model: 'closed', durationSeconds: slice, warmupSeconds: rewarm };
        metric = 'throughput';
      } else {
        const capacities = (run.families[0]?.ranking ?? [])
          .map((r) => r.estimate)
          .filter((x) => Number.isFinite(x));
        const rate =
          options.latencyRate ??
          (capacities.length > 0
            ? Math.max(1, Math.round(0.5 * Math.min(...capacities)))
            : undefined);
        if (rate === undefined) {
          log(`[${tag}] latency: no throughput measured to choose a rate from; skipped`);
          break;
        }
        settings = {
          model: 'open',
          ratePerSecond: rate,
          durationSeconds: slice,
          warmupSeconds: rewarm,
        };
        metric = 'median';
      }
      const family = await runFamily({
        phase,
        sessions,
        settings,
        metric,
        alpha: familyAlpha,
        budget: Math.max(phaseBudget, 0),
        maxBlocks: options.maxBlocks,
        margins,
        blockSeconds,
        slice,
        measureBlock,
        deadDependencies: () =>
          unreachableDependencies([
            { name: 'PostgreSQL', url: lab.pg.url },
            { name: 'Redis', url: lab.redis.url },
            { name: 'the upstream stub', url: upstream.url, healthPath: '/health' },
          ]),
        run,
        log: (line) => log(`[${tag}] ${line}`),
        onResult: options.onResult,
      });
      run.families.push(family);
      if (family.stoppedBy === 'failed') break;
    }
  };
  if (options.started) {
    const byName = new Map(options.started.sessions.map((s) => [s.target.definition.name, s]));
    const sessions = names.map((name) => {
      const session = byName.get(name);
      if (!session) throw new Error(`target ${name} was not started`);
      return session;
    });
    await restore();
    await measureAll(sessions);
    return run;
  }
  try {
    await withTargets(
      options.targets,
      targetEnv(lab, upstream),
      async (sessions) => {
        // Verification wrote rows: every target starts from the seeded state.
        await restore();
        await measureAll(sessions);
      },
      engine === 'inprocess' ? 'inprocess' : 'external',
      options.verify === false ? { verify: false } : {},
    );
  } finally {
    await upstream.stop();
  }
  return run;
}

interface FamilyContext {
  phase: 'throughput' | 'latency';
  sessions: readonly TargetSession[];
  settings: LoadSettings;
  metric: Metric;
  alpha: number;
  budget: number;
  maxBlocks: number | undefined;
  margins: { minRatio?: number; equivalenceMargin?: number };
  /** Seconds one block is expected to take (plans the looks; the budget stops sampling). */
  blockSeconds: number;
  slice: number;
  measureBlock: (block: number, settings: LoadSettings, meta: Result['meta']) => Promise<Result[]>;
  /** Lines naming the servers (PostgreSQL, Redis, the upstream stub) that stopped answering. */
  deadDependencies: () => Promise<string[]>;
  run: RankingRun;
  log: (line: string) => void;
  onResult: ((result: Result) => void) | undefined;
}

async function runFamily(c: FamilyContext): Promise<FamilyRun> {
  const names = c.sessions.map((s) => s.target.definition.name);
  const maxLooks = Math.min(
    c.maxBlocks ?? MAX_BLOCKS,
    MAX_BLOCKS,
    Math.max(MIN_BLOCKS, Math.floor(c.budget / c.blockSeconds)),
  );
  const family = new RankingFamily(names, {
    metric: c.metric,
    alpha: c.alpha,
    plan: { minLooks: MIN_BLOCKS, maxLooks },
    ...c.margins,
  });
  const boundCount = new Map<string, number>(names.map((n) => [n, 0]));
  const boundWhy = new Map<string, string>();
  const started = performance.now();
  let stoppedBy: FamilyRun['stoppedBy'] = 'looks';
  let result = family.evaluate();
  const label =
    c.phase === 'throughput' ? 'throughput' : `latency at ${c.settings.ratePerSecond}/s`;
  c.log(
    `${label}: up to ${maxLooks} blocks of ${names.length} × ${c.slice} s (budget ${Math.round(c.budget)} s), α ${c.alpha}`,
  );
  for (let block = 0; block < maxLooks; block++) {
    const values: Record<string, number | null> = {};
    const measured = await c.measureBlock(block, c.settings, {
      phase: c.phase,
      block,
      round: block,
    });
    // Slices with errors may be a dependency's fault: name the one that went away.
    const down = measured.some((r) => r.failure || r.errors > 0) ? await c.deadDependencies() : [];
    for (const measuredResult of measured) {
      const failure = [
        measuredResult.failure,
        ...(measuredResult.errors > 0 || measuredResult.failure ? down : []),
      ]
        .filter(Boolean)
        .join('\n');
      const r: Result = failure ? { ...measuredResult, failure } : measuredResult;
      const name = r.target;
      c.run.results.push(r);
      for (const [key, value] of Object.entries(r.meta)) {
        if (!key.startsWith('k6.') || K6_OWN_META.has(key) || typeof value !== 'number') continue;
        const counters = c.run.outcomes[name] ?? {};
        counters[key.slice(3)] = (counters[key.slice(3)] ?? 0) + value;
        c.run.outcomes[name] = counters;
      }
      c.onResult?.(r);
      const bad = unusable(r);
      if (bad) {
        c.run.problems.push(`${name} ${c.phase} block ${block + 1}: ${bad}`);
        values[name] = null;
        continue;
      }
      const bound = generatorBound(r);
      if (bound) {
        boundCount.set(name, (boundCount.get(name) ?? 0) + 1);
        boundWhy.set(name, bound);
        values[name] = null;
        continue;
      }
      values[name] = c.metric === 'throughput' ? r.throughput : r.latency.p50;
    }
    family.addBlock(values);
    if (down.length > 0) {
      // A server the targets need is gone: more blocks would measure its absence.
      c.run.problems.push(`${c.phase} block ${block + 1}: stopped, ${down.join('; ')}`);
      result = family.evaluate();
      stoppedBy = 'failed';
      break;
    }
    // A target the generator could not measure in most slices is faster than it can tell.
    for (const [name, count] of boundCount) {
      if (boundInMostBlocks(count, block + 1) && !c.run.saturated[name]) {
        const why = `faster than the load generator can measure (${boundWhy.get(name)})`;
        c.run.saturated[name] = why;
        family.markUndecidable(name, why);
      }
    }
    result = family.evaluate();
    const decided = result.reported.filter((p) => p.verdict !== 'inconclusive').length;
    c.log(
      `${label} block ${block + 1}/${maxLooks}: ${result.ranking
        .map((r) => `${r.target} ${formatMetric(r.estimate, c.metric)}`)
        .join(' > ')}; decided ${decided}/${result.reported.length}`,
    );
    if (block + 1 >= MIN_BLOCKS && result.allDecided) {
      stoppedBy = 'decided';
      break;
    }
    if ((performance.now() - started) / 1000 > c.budget && block + 1 >= MIN_BLOCKS) {
      stoppedBy = 'time';
      break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const boundSlices: FamilyRun['generatorBound'] = {};
  for (const [name, slices] of boundCount) {
    if (slices > 0) boundSlices[name] = { slices, why: boundWhy.get(name) ?? '' };
  }
  return {
    ...result,
    phase: c.phase,
    ...(c.phase === 'latency' ? { ratePerSecond: c.settings.ratePerSecond } : {}),
    stoppedBy,
    generatorBound: boundSlices,
    seconds,
    sliceSeconds: c.slice,
  };
}

function formatMetric(value: number, metric: Metric): string {
  if (!Number.isFinite(value)) return '—';
  return metric === 'throughput'
    ? `${Math.round(value).toLocaleString('en-US')}/s`
    : `${value.toFixed(3)} ms`;
}
