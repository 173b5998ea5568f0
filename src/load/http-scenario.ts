import pg from 'pg';
import { unreachableDependencies } from '../infra/dependencies.ts';
import type { Lab } from '../infra/lab.ts';
import { startUpstream, type Upstream } from '../infra/upstream.ts';
import { isQuick } from '../scenarios/index.ts';
import type { ScenarioContext, ScenarioDefinition } from '../scenarios/types.ts';
import { sanityWarnings } from '../stats/sanity.ts';
import type { TargetEnv } from '../targets/launch.ts';
import { type TargetSession, withTarget } from '../targets/runner.ts';
import { issueToken } from '../targets/shared/auth.ts';
import { runInProcess } from './inprocess/engine.ts';
import { runK6 } from './k6/run.ts';
import type { LoadSettings, Result } from './result.ts';

/**
 * One HTTP scenario across several targets, the way the basic suites run it: every target is
 * started (pinned, conformance-checked) before anything is measured, then rounds run the
 * targets in a rotated order (round 0: A B C D, round 1: B C D A, …) so that drift of a shared
 * machine is spread over all of them, not charged to whoever ran last. Each measurement has its
 * own warm-up. Scenarios that write restore the database before every measurement.
 */
export type HttpEngine = 'k6' | 'inprocess';

export interface HttpScenarioOptions {
  scenario: ScenarioDefinition;
  targets: readonly string[];
  lab: Lab;
  engine?: HttpEngine;
  /** Default: 1 in quick mode, 2 in full mode (`LAB_ROUNDS` overrides). */
  rounds?: number;
  /** Default: the scenario's quick or full load (`LAB_DURATION` overrides seconds). */
  settings?: LoadSettings;
  /** Progress lines (default: console.log). */
  log?: (line: string) => void;
  /** Called with every Result as soon as it is measured (reports). */
  onResult?: (result: Result) => void;
  /** A variant of the scenario (e.g. `keyset`): its `-e` variables and the Results' variant. */
  variant?: { name: string; env: Record<string, string> };
}

export const AUTH_SECRET = 'lab-secret';

export function defaultRounds(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.LAB_ROUNDS);
  if (env.LAB_ROUNDS !== undefined && !(Number.isInteger(fromEnv) && fromEnv > 0)) {
    throw new Error(`LAB_ROUNDS must be a positive integer, got ${JSON.stringify(env.LAB_ROUNDS)}`);
  }
  return env.LAB_ROUNDS ? fromEnv : isQuick(env) ? 1 : 2;
}

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

/** Token and table sizes the scenario's requests need. */
export async function scenarioContext(lab: Lab): Promise<ScenarioContext> {
  let usersRows = 0;
  if (lab.fixtures.includes('users')) {
    const client = new pg.Client({ connectionString: lab.pg.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM users');
      usersRows = Number(rows[0]?.n ?? 0);
    } finally {
      await client.end();
    }
  }
  return { token: await issueToken('bench-user', AUTH_SECRET, 24 * 3600), usersRows };
}

/** Starts every target (nested withTarget: all are stopped, whatever fails). */
async function withTargets<T>(
  names: readonly string[],
  env: TargetEnv,
  fn: (sessions: TargetSession[]) => Promise<T>,
  generator: 'inprocess' | 'external',
  sessions: TargetSession[] = [],
): Promise<T> {
  const [first, ...rest] = names;
  if (first === undefined) return fn(sessions);
  return withTarget(
    first,
    env,
    (session) => withTargets(rest, env, fn, generator, [...sessions, session]),
    // Only the innermost pins the runner process; pinning twice would be harmless but noisy.
    { generator: rest.length === 0 ? generator : 'external' },
  );
}

const rotate = <T>(items: readonly T[], by: number): T[] =>
  items.map((_, i) => items[(i + by) % items.length] as T);

function describe(result: Result): string {
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

export async function runHttpScenario(options: HttpScenarioOptions): Promise<Result[]> {
  const { scenario, lab } = options;
  const engine = options.engine ?? 'k6';
  const rounds = options.rounds ?? defaultRounds();
  const settings = options.settings ?? scenarioSettings(scenario);
  const log = options.log ?? ((line: string) => console.log(line));
  if (engine === 'k6' && !scenario.k6) throw new Error(`${scenario.id} has no k6 script`);
  if (engine === 'inprocess' && !scenario.request) {
    throw new Error(`${scenario.id} has no in-process request builder`);
  }
  const context = await scenarioContext(lab);
  const upstream: Upstream = await startUpstream();
  const env: TargetEnv = {
    DATABASE_URL: lab.pg.url,
    REDIS_URL: lab.redis.url,
    UPSTREAM_URL: upstream.url,
    LAB_DB_POOL: '10',
    LAB_AUTH_SECRET: AUTH_SECRET,
  };
  const deps = [
    { name: 'PostgreSQL', url: lab.pg.url },
    { name: 'Redis', url: lab.redis.url },
    { name: 'the upstream stub', url: upstream.url, healthPath: '/health' },
  ];
  const results: Result[] = [];
  const total = rounds * options.targets.length;
  const perRunSeconds = (settings.warmupSeconds ?? 0) + settings.durationSeconds;
  try {
    await withTargets(
      options.targets,
      env,
      async (sessions) => {
        // Verification wrote rows: every target starts from the seeded state.
        await lab.reset();
        let done = 0;
        for (let round = 0; round < rounds; round++) {
          for (const session of rotate(sessions, round)) {
            if (scenario.mutates && done > 0) await lab.reset();
            const name = session.target.definition.name;
            const tag = options.variant ? `${scenario.id} ${options.variant.name}` : scenario.id;
            const left = (total - done) * perRunSeconds;
            log(
              `[${tag}] ${engine} round ${round + 1}/${rounds}, ${name} ` +
                `(${done + 1}/${total}, ~${left} s left)…`,
            );
            const measured = await session.measure((signal) =>
              engine === 'k6'
                ? runK6({
                    script: scenario.k6?.script as string,
                    baseUrl: session.url,
                    scenario: scenario.id,
                    target: name,
                    settings,
                    env: { ...scenario.k6?.env?.(context), ...options.variant?.env },
                    ...(options.variant ? { variant: options.variant.name } : {}),
                    ...(session.generatorCpus ? { cpus: session.generatorCpus } : {}),
                  })
                : runInProcess({
                    baseUrl: session.url,
                    scenario: scenario.id,
                    target: name,
                    settings,
                    signal,
                    request: (i) => scenario.request?.(i, context) ?? { method: 'GET', path: '/' },
                    ...(options.variant ? { variant: options.variant.name } : {}),
                    ...(scenario.expectStatus ? { expectStatus: scenario.expectStatus } : {}),
                  }),
            );
            // A run with errors may be a dependency's fault: name the one that went away.
            const down =
              measured.errors > 0 || measured.failure ? await unreachableDependencies(deps) : [];
            const failure = [measured.failure, ...down].filter(Boolean).join('\n');
            const result: Result = {
              ...measured,
              ...(failure ? { failure } : {}),
              // Generator saturation, Little's law, error rates: warnings in the report.
              warnings: [...new Set([...measured.warnings, ...sanityWarnings(measured)])],
              meta: {
                ...measured.meta,
                round,
                rounds,
                'db.pool': 10,
                'pg.version': lab.pg.serverVersion,
                'pg.provider': lab.pg.provider,
                'redis.version': lab.redis.serverVersion,
                'upstream.delayMs': upstream.delayMs,
              },
            };
            results.push(result);
            options.onResult?.(result);
            done++;
            log(`[${tag}]   ${name}: ${describe(result)}`);
          }
        }
      },
      engine === 'inprocess' ? 'inprocess' : 'external',
    );
  } finally {
    await upstream.stop();
  }
  return results;
}
