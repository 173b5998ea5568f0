import pg from 'pg';
import { encodeCursor } from '../data/errors.ts';
import type { Lab } from '../infra/lab.ts';
import type { Upstream } from '../infra/upstream.ts';
import type { TargetEnv } from '../launcher/launch.ts';
import type { TargetDefinition } from '../launcher/registry.ts';
import {
  type OpenTargetSession,
  openTargetSession,
  type TargetSession,
  withTarget,
} from '../launcher/runner.ts';
import { isQuick } from '../scenarios/index.ts';
import type { ScenarioContext, ScenarioDefinition, ScenarioVariant } from '../scenarios/types.ts';
import { sanityWarnings } from '../stats/sanity.ts';
import { issueToken } from '../targets/shared/auth.ts';
import { type RequestSpec, runInProcess } from './inprocess/engine.ts';
import { runK6 } from './k6/run.ts';
import { runK6Segments } from './k6/segments.ts';
import type { LoadSettings, Result } from './result.ts';

export type { ScenarioVariant } from '../scenarios/types.ts';

/**
 * The pieces of an HTTP scenario run (src/load/ranking-run.ts puts them together): load
 * settings from the scenario and LAB_* knobs, the scenario context (token, table sizes), the
 * environment every target gets, starting and stopping a set of targets, and one measured slice
 * of one target with either engine.
 */
export type HttpEngine = 'k6' | 'inprocess';

export const AUTH_SECRET = 'lab-secret';

export function scenarioSettings(
  scenario: ScenarioDefinition,
  env: NodeJS.ProcessEnv = process.env,
): LoadSettings {
  const settings = { ...scenario.load[isQuick(env) ? 'quick' : 'full'] };
  // The open model (fixed arrival rate) measures latency without coordinated omission.
  if (env.LAB_MODEL !== undefined) {
    if (env.LAB_MODEL !== 'open' && env.LAB_MODEL !== 'closed') {
      throw new Error(`LAB_MODEL must be closed or open, got ${JSON.stringify(env.LAB_MODEL)}`);
    }
    settings.model = env.LAB_MODEL;
  }
  if (settings.model === 'open') {
    const rate = Number(env.LAB_RATE ?? 500);
    if (!(rate > 0)) throw new Error(`LAB_RATE must be > 0 requests/s, got ${env.LAB_RATE}`);
    settings.ratePerSecond = rate;
    delete settings.concurrency;
  } else if (env.LAB_VUS !== undefined) {
    const vus = Number(env.LAB_VUS);
    if (!(Number.isInteger(vus) && vus > 0)) {
      throw new Error(`LAB_VUS must be a positive integer, got ${JSON.stringify(env.LAB_VUS)}`);
    }
    settings.concurrency = vus;
  }
  if (env.LAB_DURATION !== undefined) {
    const seconds = Number(env.LAB_DURATION);
    if (!(seconds > 0))
      throw new Error(`LAB_DURATION must be > 0 seconds, got ${env.LAB_DURATION}`);
    settings.durationSeconds = seconds;
  }
  return settings;
}

/** Cursor pages the in-process load of scenario 09 reads: rows spread over the first 100,000. */
const CURSOR_ROWS = 1000;

/** Token, table sizes and cursors the scenario's requests need. */
export async function scenarioContext(lab: Lab): Promise<ScenarioContext> {
  const count = async (client: pg.Client, table: string): Promise<number> => {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(rows[0]?.n ?? 0);
  };
  let usersRows = 0;
  let authorsRows = 0;
  let cursors: string[] = [];
  if (lab.fixtures.includes('users') || lab.fixtures.includes('blog')) {
    const client = new pg.Client({ connectionString: lab.pg.url });
    await client.connect();
    try {
      if (lab.fixtures.includes('blog')) authorsRows = await count(client, 'authors');
      if (lab.fixtures.includes('users')) {
        usersRows = await count(client, 'users');
        // Every 97th row by (created_at, id): cursors anywhere in the table, as a walk would reach.
        const found = await client.query<{ created_at: Date; id: string }>(
          `SELECT created_at, id FROM (
             SELECT created_at, id, row_number() OVER (ORDER BY created_at, id) AS n FROM users
           ) ranked WHERE n % 97 = 0 ORDER BY n LIMIT $1`,
          [CURSOR_ROWS],
        );
        cursors = found.rows.map((row) =>
          encodeCursor(row.created_at.toISOString(), Number(row.id)),
        );
      }
    } finally {
      await client.end();
    }
  }
  return {
    token: await issueToken('bench-user', AUTH_SECRET, 24 * 3600),
    usersRows,
    cursors,
    ...(authorsRows > 0 ? { authorsRows } : {}),
  };
}

/**
 * Starts every target (verified) and hands back their sessions; on a failure the ones already
 * started are closed. Only the last pins this process as the load generator (in-process load).
 */
export async function openTargets(
  names: ReadonlyArray<string | TargetDefinition>,
  env: TargetEnv,
  generator: 'inprocess' | 'external',
): Promise<OpenTargetSession[]> {
  const sessions: OpenTargetSession[] = [];
  try {
    for (const [i, name] of names.entries()) {
      sessions.push(
        await openTargetSession(name, env, {
          generator: i === names.length - 1 ? generator : 'external',
        }),
      );
    }
  } catch (error) {
    await closeTargets(sessions).catch(() => {});
    throw error;
  }
  return sessions;
}

/** Closes sessions in reverse order (the pinning one first), all of them whatever fails. */
export async function closeTargets(sessions: readonly OpenTargetSession[]): Promise<void> {
  const problems: unknown[] = [];
  for (const session of [...sessions].reverse()) {
    try {
      await session.close();
    } catch (error) {
      problems.push(error);
    }
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw new AggregateError(problems, 'closing targets failed');
}

/** Starts every target (nested withTarget: all are stopped, whatever fails). */
export async function withTargets<T>(
  targets: ReadonlyArray<string | TargetDefinition>,
  env: TargetEnv,
  fn: (sessions: TargetSession[]) => Promise<T>,
  generator: 'inprocess' | 'external',
  options: { verify?: boolean } = {},
  sessions: TargetSession[] = [],
): Promise<T> {
  const [first, ...rest] = targets;
  if (first === undefined) return fn(sessions);
  return withTarget(
    first,
    env,
    (session) => withTargets(rest, env, fn, generator, options, [...sessions, session]),
    // Only the innermost pins the runner process; pinning twice would be harmless but noisy.
    { generator: rest.length === 0 ? generator : 'external', ...options },
  );
}

export const rotate = <T>(items: readonly T[], by: number): T[] =>
  items.map((_, i) => items[(i + by) % items.length] as T);

/** The environment every target of a scenario run gets (same pool size for all). */
export function targetEnv(lab: Lab, upstream: Upstream): TargetEnv {
  return {
    DATABASE_URL: lab.pg.url,
    REDIS_URL: lab.redis.url,
    UPSTREAM_URL: upstream.url,
    LAB_DB_POOL: String(DB_POOL),
    LAB_AUTH_SECRET: AUTH_SECRET,
  };
}

/** Pool size of every target (LAB_DB_POOL): one value, so no target gets more connections. */
export const DB_POOL = 10;

/** What every Result of a scenario run carries about the servers around the target. */
export function runMeta(lab: Lab, upstream: Upstream): Result['meta'] {
  return {
    'db.pool': DB_POOL,
    'pg.version': lab.pg.serverVersion,
    'pg.provider': lab.pg.provider,
    'redis.version': lab.redis.serverVersion,
    'upstream.delayMs': upstream.delayMs,
  };
}

export interface SliceOptions {
  scenario: ScenarioDefinition;
  session: TargetSession;
  engine: HttpEngine;
  settings: LoadSettings;
  context: ScenarioContext;
  variant?: ScenarioVariant;
  /**
   * k6 only: split the load across this many k6 processes (execution segments), latency merged
   * from their raw samples (src/load/k6/segments.ts). Undefined: one k6 process, its summary.
   */
  generators?: number;
}

/** One measurement of one target with either engine, sampled by the runner, sanity-checked. */
export async function measureSlice(options: SliceOptions): Promise<Result> {
  const { scenario, session, engine, settings, context, variant, generators } = options;
  const name = session.target.definition.name;
  const k6Options = {
    script: scenario.k6?.script as string,
    baseUrl: session.url,
    scenario: scenario.id,
    target: name,
    settings,
    env: { ...scenario.k6?.env?.(context), ...variant?.env },
    ...(variant ? { variant: variant.name } : {}),
    ...(session.generatorCpus ? { cpus: session.generatorCpus } : {}),
  };
  const measured = await session.measure((signal) =>
    engine === 'k6'
      ? generators === undefined
        ? runK6(k6Options)
        : runK6Segments({ ...k6Options, generators })
      : runInProcess({
          baseUrl: session.url,
          scenario: scenario.id,
          target: name,
          settings,
          signal,
          request: requestBuilder(scenario, context, variant),
          ...(variant ? { variant: variant.name } : {}),
          ...expectedStatuses(scenario, variant),
        }),
  );
  // Generator saturation, Little's law, error rates: warnings in the report.
  return {
    ...measured,
    warnings: [...new Set([...measured.warnings, ...sanityWarnings(measured)])],
  };
}

/** Request `i` of the variant, else of the scenario. */
export function requestBuilder(
  scenario: ScenarioDefinition,
  context: ScenarioContext,
  variant?: ScenarioVariant,
): (i: number) => RequestSpec {
  const build = variant?.request ?? scenario.request;
  if (!build)
    throw new Error(
      `${scenario.id}${variant ? ` ${variant.name}` : ''} has no in-process requests`,
    );
  return (i) => build(i, context);
}

export function expectedStatuses(
  scenario: ScenarioDefinition,
  variant?: ScenarioVariant,
): { expectStatus?: (status: number) => boolean } {
  const expect = variant?.expectStatus ?? scenario.expectStatus;
  return expect ? { expectStatus: expect } : {};
}

export function describeResult(result: Result): string {
  if (result.failure) return `FAILED: ${result.failure.split('\n')[0]}`;
  const cpu = result.resources
    ? `, target CPU ${result.resources.cpuPercent.mean.toFixed(0)}%`
    : '';
  const errors = result.errors + result.failedChecks;
  return (
    `${Math.round(result.throughput).toLocaleString('en-US')} req/s, p50 ${result.latency.p50.toFixed(2)} ms, ` +
    `p99 ${result.latency.p99.toFixed(2)} ms${errors ? `, ${errors} errors/failed checks` : ''}${cpu}`
  );
}
