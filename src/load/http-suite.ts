import { afterAll, beforeAll, expect, test } from 'vitest';
import { ConformanceError, type ScenarioGroup, verifyTarget } from '../conformance/index.ts';
import { explainPlan } from '../data/explain.ts';
import { SEARCH_SQL } from '../data/pg/search.ts';
import type { SearchStrategy } from '../data/types.ts';
import type { Lab } from '../infra/lab.ts';
import { startUpstream, type Upstream } from '../infra/upstream.ts';
import { useLab } from '../infra/vitest.ts';
import { externalTargetFromEnv } from '../launcher/external.ts';
import type { ContractGroup } from '../launcher/manifest.ts';
import {
  dbTargetNames,
  defaultTargetNames,
  getTarget,
  resolveTargetNames,
  type TargetDefinition,
} from '../launcher/registry.ts';
import type { OpenTargetSession } from '../launcher/runner.ts';
import { noteInfra, recordRanking, recordResult } from '../report/collector.ts';
import { formatRanking } from '../report/ranking-text.ts';
import { HTTP_VARIANTS } from '../scenarios/db-http.ts';
import { GROUP_VARIANTS, VARIANT_LAYERS } from '../scenarios/groups.ts';
import { getScenario, isQuick } from '../scenarios/index.ts';
import { CLOSED_10_VUS_DB } from '../scenarios/load-profiles.ts';
import { familiesFromEnv } from './families.ts';
import {
  AUTH_SECRET,
  closeTargets,
  type HttpEngine,
  openTargets,
  scenarioSettings,
  targetEnv,
} from './http-scenario.ts';
import { k6SkipReason } from './k6/binary.ts';
import { variantHttpSkipReason } from './opt-in.ts';
import { budgetSeconds, runRanking } from './ranking-run.ts';
import type { Result } from './result.ts';
import { testAlpha } from './test-alpha.ts';

/**
 * Seconds of blocks per basic scenario (`LAB_BUDGET` overrides): both families share it, two
 * thirds throughput. Chosen so a whole `pnpm bench` fits its time goal (≤ 10 min quick, ≤ 30 min
 * full; docs/measurement.md); `lab run` keeps `budgetSeconds()`'s 180 s per scenario.
 */
const BASIC_BUDGET = { quick: 16, full: 75 };

/**
 * How the basic rankings replicate processes. Quick runs keep them for the file (10% margins: a
 * first answer on big gaps). Full runs start fresh ones before every block and decide at 5%: a
 * kept process can sit far from its kind — nestjs-fastify served /health at 50,404/s for a whole
 * quick ranking (run 2026-12-04T22-27-12Z) where fresh processes served 64,091–65,444/s in four
 * blocks of `lab run` right after (and 69,759/s in the quick run before), so an interval over
 * one process's blocks can exclude the next run's value. To fit that into 75 s, full runs use
 * quick runs' 0.5-s slices and 0.5-s warm-ups after a restart (blocks of fresh processes served
 * as much as the first, warmed for a second, in that `lab run`). The first processes warm up
 * for 1 s each (0.5 s quick): every later block's fresh ones get 0.5 s, and 5 s of warm-up for
 * four targets in eight files would be 2.7 minutes of a full run. `LAB_RESTART_EVERY` and
 * `LAB_SLICE` override.
 */
export function basicReplication(env: NodeJS.ProcessEnv = process.env): {
  restartEvery: number;
  sliceSeconds?: number;
  warmupSeconds: number;
  restartWarmupSeconds: number;
} {
  if (isQuick(env)) return { restartEvery: 0, warmupSeconds: 0.5, restartWarmupSeconds: 0.5 };
  return {
    restartEvery: 1,
    warmupSeconds: 1,
    restartWarmupSeconds: 0.5,
    ...(env.LAB_SLICE === undefined ? { sliceSeconds: 0.5 } : {}),
  };
}

/**
 * The body of a basic HTTP bench file (bench/basic/0N-*.bench.ts): one scenario, the default
 * targets (or `LAB_TARGETS=fastify,express`, groups such as `python`), ranked with verdicts:
 * sampled in interleaved blocks until every adjacent pair and every target against the best is
 * decided or the budget (`LAB_BUDGET`) is spent, by throughput and by median latency at an equal
 * open-model rate (src/load/ranking-run.ts). The in-process engine by default (it reaches the
 * targets' limit here; k6 on one core does not), `LAB_ENGINE=k6` for k6 (verdicts only where k6
 * had headroom). Any failed run, error or failed check fails the suite: a target that answers
 * wrongly cannot look fast. Without k6 (LAB_ENGINE=k6) the suite is skipped with the reason in its
 * name; under CI=true a missing k6 fails instead.
 *
 * Full runs start fresh processes before every block and decide at 5%; quick runs keep them for
 * the file and decide at 10% (`basicReplication`, `rankingMargins`; docs/measurement.md, "Run
 * profiles").
 */
export async function defineHttpSuite(scenarioId: string): Promise<void> {
  const scenario = getScenario(scenarioId);
  const engine = engineFromEnv();
  // LAB_TARGET_URL: an external server (not run, pinned or sampled by the lab) joins the ranking.
  const external = externalTargetFromEnv();
  const targets: Array<string | TargetDefinition> = [
    ...targetsFromEnv(),
    ...(external ? [external] : []),
  ];
  const names = targets.map((t) => (typeof t === 'string' ? t : t.name));
  // The conformance gate exercises /users on every target: `users` is always seeded.
  const lab = useLab({ fixtures: [...new Set(['users', ...scenario.fixtures])] });
  const title = `${scenario.id}: ${scenario.measures} — ranking ${names.join(', ')} (${engine})`;
  const skip = engine === 'k6' ? await k6SkipReason() : undefined;
  if (skip) {
    test.skip(`${title} — skipped: ${skip}`, () => {});
    return;
  }
  const suite = `bench/basic/${scenario.id}`;
  beforeAll(() => {
    noteInfra(lab, { suite });
  });
  const budget = budgetSeconds(process.env, BASIC_BUDGET);
  const { phases, latencyRate } = familiesFromEnv();
  const generators = generatorsFromEnv();
  test(
    title,
    async () => {
      const run = await runRanking({
        scenario,
        targets,
        lab,
        engine,
        ...(generators !== undefined ? { generators } : {}),
        alpha: testAlpha(),
        budgetSeconds: budget,
        phases,
        ...basicReplication(),
        ...(latencyRate !== undefined ? { latencyRate } : {}),
        onResult: (result) => recordResult(result, { suite }),
      });
      recordRanking(run, { suite });
      console.log(formatRanking(run));
      expect(run.problems, run.problems.join('\n')).toEqual([]);
    },
    // Budget, warm-ups, start-ups and verification of every target, with room to spare.
    (budget * 1.5 + targets.length * 60 + 120) * 1000,
  );
}

/**
 * `LAB_K6_GENERATORS=n` (k6 engine): every slice on n k6 processes with execution segments,
 * latency merged from their raw samples (src/load/k6/segments.ts); unset: one k6 process.
 */
export function generatorsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.LAB_K6_GENERATORS;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!(Number.isInteger(n) && n >= 1 && n <= 64)) {
    throw new Error(
      `LAB_K6_GENERATORS must be an integer from 1 to 64, got ${JSON.stringify(raw)}`,
    );
  }
  if (engineFromEnv(env) !== 'k6') {
    throw new Error('LAB_K6_GENERATORS splits k6 runs: it needs LAB_ENGINE=k6');
  }
  return n;
}

export function engineFromEnv(env: NodeJS.ProcessEnv = process.env): HttpEngine {
  const engine = env.LAB_ENGINE ?? 'inprocess';
  if (engine !== 'k6' && engine !== 'inprocess') {
    throw new Error(`LAB_ENGINE must be k6 or inprocess, got ${JSON.stringify(engine)}`);
  }
  return engine;
}

/**
 * `LAB_TARGETS=a,b` selects targets by name or group (`all`, `default`, a language); unset: the
 * default targets. Unknown names list the valid ones.
 */
export function targetsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  if (!env.LAB_TARGETS) return defaultTargetNames();
  const chosen = env.LAB_TARGETS.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  try {
    return resolveTargetNames(chosen);
  } catch (error) {
    throw new Error(`LAB_TARGETS: ${(error as Error).message}`);
  }
}

/**
 * The body of a db-advanced HTTP bench file (bench/db-advanced/http-*.bench.ts): one scenario,
 * one test per variant (strategy, shape…), each a ranking of the framework × data layer targets
 * by throughput with verdicts (`LAB_TARGETS` to narrow or widen: `all`, `python`, `go`). The
 * in-process engine by default (the variant's own requests, 100-ms turns; `LAB_ENGINE=k6` runs
 * the k6 scripts instead). Targets start and are verified once per file, the database is
 * restored before every variant (and every block of a scenario that writes).
 *
 * Processes are kept for the whole file (restarting eight targets, two of them ORMs, every block
 * would cost more than the blocks): process-to-process variation is not replicated here, so the
 * verdicts use 10% margins — about twice the offset two copies of one target showed in the
 * pilot (docs/measurement.md) — where the basic rankings, which do restart, use 5%.
 * Quick mode ranks the data layers of one framework (fastify on pg, TypeORM, MikroORM).
 */
export async function defineDbHttpSuite(scenarioId: string): Promise<void> {
  const scenario = getScenario(scenarioId);
  const variants = HTTP_VARIANTS[scenario.id] ?? [];
  const engine = engineFromEnv();
  // An external target (LAB_TARGET_URL) serves /db only with its database (LAB_TARGET_DB_URL).
  const external = externalTargetFromEnv();
  const defaults = isQuick() ? QUICK_DB_TARGETS : dbTargetNames();
  const all: TargetDefinition[] = [
    ...(process.env.LAB_TARGETS ? targetsFromEnv() : defaults).map(getTarget),
    ...(external ? [external] : []),
  ].filter((target) => target.supports.includes('db'));
  const lab = useLab({ fixtures: [...new Set(['users', ...scenario.fixtures])] });
  const suite = `bench/db-advanced/http-${scenario.id}`;
  const skip = variantHttpSkipReason() ?? (engine === 'k6' ? await k6SkipReason() : undefined);
  const budget = budgetSeconds(process.env, DB_VARIANT_BUDGET);
  // 09 keeps its in-process profile for the verdict suite; over HTTP it uses the db profile.
  const settings = scenarioSettings({ ...scenario, load: CLOSED_10_VUS_DB });
  let started: { sessions: OpenTargetSession[]; upstream: Upstream } | undefined;
  if (!skip) {
    beforeAll(
      async () => {
        noteInfra(lab, { suite });
        const upstream = await startUpstream();
        try {
          started = {
            upstream,
            sessions: await openTargets(
              all,
              targetEnv(lab, upstream),
              engine === 'inprocess' ? 'inprocess' : 'external',
            ),
          };
        } catch (error) {
          await upstream.stop();
          throw error;
        }
      },
      all.length * 60_000 + 60_000,
    );
    afterAll(async () => {
      if (!started) return;
      try {
        await closeTargets(started.sessions);
      } finally {
        await started.upstream.stop();
      }
    }, 120_000);
  }
  for (const variant of variants) {
    const targets = all.filter(
      // Strategies of some layers only (UNNEST, COPY): the lab's own targets of those layers.
      (target) =>
        !variant.layers || (!target.external && variant.layers.includes(target.dataLayer)),
    );
    const names = targets.map((t) => t.name);
    const note =
      external && !external.supports.includes('db')
        ? ` (external ${external.name} left out: no LAB_TARGET_DB_URL)`
        : '';
    const title = `${scenario.id} ${variant.name}: ranking ${names.join(', ')} (${engine})${note}`;
    if (skip || targets.length < 2) {
      test.skip(`${title} — skipped: ${skip ?? 'fewer than two targets'}`, () => {});
      continue;
    }
    test(
      title,
      async () => {
        const run = await runRanking({
          scenario,
          targets: names,
          lab,
          engine,
          alpha: testAlpha(),
          budgetSeconds: budget,
          phases: ['throughput'],
          settings,
          variant,
          restartEvery: 0,
          minRatio: DB_MARGIN,
          equivalenceMargin: DB_MARGIN,
          started: started as NonNullable<typeof started>,
          onResult: (result) => recordResult(result, { suite }),
        });
        recordRanking(run, { suite });
        console.log(formatRanking(run));
        expect(run.problems, run.problems.join('\n')).toEqual([]);
      },
      (budget * 1.5 + targets.length * 30 + 60) * 1000,
    );
  }
}

/** Margins of the db rankings (no process replication there; see defineDbHttpSuite). */
const DB_MARGIN = 1.1;
/** Quick runs compare the data layers of one framework. */
const QUICK_DB_TARGETS = ['fastify', 'fastify+typeorm', 'fastify+mikroorm'];

/** Seconds of blocks per db variant (LAB_BUDGET overrides): 21 variants share a run. */
const DB_VARIANT_BUDGET = { quick: 6, full: 45 };
/** Seconds of blocks per variant of 14–19 (LAB_BUDGET overrides). */
const GROUP_VARIANT_BUDGET = { quick: 15, full: 60 };

/**
 * The body of an HTTP bench file of scenarios 14–19 (bench/caching/http-14…, bench/auth/http-16…,
 * bench/db-advanced/http-17…, http-18…, bench/real-world/http-19…): one scenario, one test per
 * variant (src/scenarios/groups.ts), each a ranking by throughput with verdicts across the
 * targets that declare the scenario's contract group (default: every data-layer variant of the
 * default frameworks; `LAB_TARGETS=all` adds the other languages that declare it). Targets start
 * once per file and are verified on the group (answers, statements, Redis commands, keys and
 * TTLs) before anything is measured; every result records the target's Redis client settings
 * (`GET /cache/info`) or, for search, the plan of the variant's SQL.
 *
 * The in-process engine by default, as the db rankings: the variant's requests in interleaved
 * turns, processes kept for the whole file, 10% margins. Through k6 (19's multi-step iteration,
 * or `LAB_ENGINE=k6`) a block of eight targets took ~18 s here and three blocks in a 60-s budget
 * decided none of 454 comparisons (run 2026-12-04T17-21-43Z), with k6 itself the limit near
 * 10,000 req/s.
 */
export async function defineGroupHttpSuite(scenarioId: string): Promise<void> {
  const scenario = getScenario(scenarioId);
  const group = scenario.group;
  if (!group) throw new Error(`${scenario.id} has no contract group`);
  const variants = GROUP_VARIANTS[scenario.id] ?? [];
  const all = (process.env.LAB_TARGETS ? targetsFromEnv() : dbTargetNames()).filter((name) =>
    getTarget(name).supports.includes(group),
  );
  const lab = useLab({
    fixtures: [...new Set(['users', ...scenario.fixtures])],
    ...(scenario.setScales ? { setScales: scenario.setScales } : {}),
  });
  const suite = `bench/${scenario.category}/http-${scenario.id}`;
  const engine = variants.every((variant) => variant.request) ? engineFromEnv() : 'k6';
  const skip = variantHttpSkipReason() ?? (engine === 'k6' ? await k6SkipReason() : undefined);
  const budget = budgetSeconds(process.env, GROUP_VARIANT_BUDGET);
  const settings = scenarioSettings(scenario);
  let started: { sessions: OpenTargetSession[]; upstream: Upstream } | undefined;
  const targetMeta = new Map<string, Result['meta']>();
  if (!skip) {
    beforeAll(
      async () => {
        noteInfra(lab, { suite });
        const upstream = await startUpstream();
        try {
          started = {
            upstream,
            sessions: await openTargets(
              all,
              targetEnv(lab, upstream),
              engine === 'inprocess' ? 'inprocess' : 'external',
            ),
          };
          for (const session of started.sessions) {
            targetMeta.set(session.target.definition.name, await verifyGroup(session, lab, group));
          }
        } catch (error) {
          if (started) await closeTargets(started.sessions).catch(() => {});
          await upstream.stop();
          started = undefined;
          throw error;
        }
      },
      all.length * 60_000 + 60_000,
    );
    afterAll(async () => {
      if (!started) return;
      try {
        await closeTargets(started.sessions);
      } finally {
        await started.upstream.stop();
      }
    }, 120_000);
  }
  for (const variant of variants) {
    const layers = VARIANT_LAYERS[variant.name];
    const targets = all.filter((name) => !layers || layers.includes(getTarget(name).dataLayer));
    const title = `${scenario.id} ${variant.name}: ranking ${targets.join(', ')} (${engine})`;
    if (skip || targets.length < 2) {
      test.skip(`${title} — skipped: ${skip ?? 'fewer than two targets'}`, () => {});
      continue;
    }
    test(
      title,
      async () => {
        const variantMeta = await describeVariant(scenario.id, lab, variant);
        const run = await runRanking({
          scenario,
          targets,
          lab,
          engine,
          alpha: testAlpha(),
          budgetSeconds: budget,
          phases: ['throughput'],
          settings,
          variant,
          // In-process: processes kept, so the db rankings' margins (see defineDbHttpSuite).
          ...(engine === 'inprocess'
            ? { restartEvery: 0, minRatio: DB_MARGIN, equivalenceMargin: DB_MARGIN }
            : {}),
          started: started as NonNullable<typeof started>,
          onResult: (result) =>
            recordResult(
              {
                ...result,
                meta: { ...result.meta, ...targetMeta.get(result.target), ...variantMeta },
              },
              { suite },
            ),
        });
        recordRanking(run, { suite });
        console.log(formatRanking(run));
        expect(run.problems, run.problems.join('\n')).toEqual([]);
      },
      (budget * 1.5 + targets.length * 30 + 60) * 1000,
    );
  }
}

/**
 * Verifies a started target on the scenario's group (and `auth` for the flow), alone on the
 * servers, then restores them; answers what its results record about it.
 */
async function verifyGroup(
  session: OpenTargetSession,
  lab: Lab,
  group: ContractGroup,
): Promise<Result['meta']> {
  const names = (group === 'flow' ? ['auth', 'flow'] : [group]) as ScenarioGroup[];
  const report = await verifyTarget(session.url, {
    authSecret: AUTH_SECRET,
    groups: { names, databaseUrl: lab.pg.url, redisUrl: lab.redis.url, only: true },
  });
  await lab.reset();
  if (!report.ok) throw new ConformanceError(report);
  if (group !== 'cache') return {};
  const info = (await (await fetch(`${session.url}/cache/info`)).json()) as {
    client: string;
    connections: number;
    ttlSeconds: number;
  };
  return {
    'redis.client': info.client,
    'redis.connections': info.connections,
    'cache.ttlSeconds': info.ttlSeconds,
  };
}

/** What a variant's results record: for search, the plan of its reference SQL. */
async function describeVariant(
  scenarioId: string,
  lab: Lab,
  variant: { name: string; env: Record<string, string> },
): Promise<Result['meta']> {
  if (scenarioId !== '18-search') return {};
  const strategy = variant.env.STRATEGY as SearchStrategy;
  return {
    plan: await explainPlan(lab.pg.url, SEARCH_SQL[strategy], [variant.env.TERM, 20]),
  };
}
