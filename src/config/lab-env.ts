import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { layersFromEnv } from '../data/index.ts';
import { fixtureOptionsFromEnv } from '../fixtures/options.ts';
import { findPostgres, findRedis } from '../infra/local/binaries.ts';
import { serverUser } from '../infra/local/server-user.ts';
import { infraModeFromEnv } from '../infra/select-provider.ts';
import { externalTargetFromEnv } from '../launcher/external.ts';
import { parseCpuList } from '../launcher/launch.ts';
import { runAlpha, verdictSuites } from '../load/alpha.ts';
import { scenarioSettings } from '../load/http-scenario.ts';
import { engineFromEnv, generatorsFromEnv, targetsFromEnv } from '../load/http-suite.ts';
import { sweepSkipReason, variantHttpSkipReason } from '../load/opt-in.ts';
import { budgetSeconds, interleaveSettings, sliceSettings } from '../load/ranking-run.ts';
import { findTool } from '../load/tool-process.ts';
import { claimRounds } from '../load/variant-compare.ts';
import { SCENARIOS } from '../scenarios/index.ts';
import { readTargetConfig } from '../targets/shared/config.ts';

/**
 * Every setting the lab reads from the environment, checked in one place before anything starts
 * (vitest's global setup, `pnpm lab run` and `pnpm lab fuzz`): a wrong value stops the run with
 * one line per bad variable, naming its valid values or the fix, and exit code 2. The modules
 * that use a variable parse it with the same rule (most rules below call their parser), so the
 * check and the use cannot disagree. docs/configuration-errors.md lists what was tried.
 */
export interface EnvRule {
  name: string;
  /** Valid values, as docs/configuration-errors.md shows them. */
  valid: string;
  /** The problem with the value, or undefined when it is fine (called only when it is set). */
  check(raw: string, env: NodeJS.ProcessEnv): string | undefined;
}

/** Runs `parse` and turns what it throws into the problem line. */
const via =
  (parse: (env: NodeJS.ProcessEnv) => unknown) =>
  (_raw: string, env: NodeJS.ProcessEnv): string | undefined => {
    try {
      parse(env);
      return undefined;
    } catch (error) {
      return (error as Error).message.split('\n')[0];
    }
  };

const oneOf =
  (name: string, values: readonly string[]) =>
  (raw: string): string | undefined =>
    values.includes(raw)
      ? undefined
      : `${name}=${JSON.stringify(raw)} is invalid: expected ${values.join(' or ')}.`;

function directory(name: string, mustExist: boolean) {
  return (raw: string): string | undefined => {
    const dir = existsSync(raw) || mustExist ? raw : dirname(raw);
    try {
      if (!statSync(dir).isDirectory()) return `${name}=${raw}: not a directory.`;
      accessSync(dir, constants.W_OK);
      return undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT'
        ? `${name}=${raw}: ${dir} does not exist; create it or point ${name} at an existing directory.`
        : `${name}=${raw}: ${dir} is not writable (${code}).`;
    }
  };
}

function url(name: string, protocols: readonly string[]) {
  return (raw: string): string | undefined => {
    try {
      const parsed = new URL(raw);
      if (protocols.includes(parsed.protocol)) return undefined;
    } catch {
      // reported below
    }
    return `${name}=${JSON.stringify(raw)} is not a ${protocols.map((p) => `${p}//`).join(' or ')} URL, e.g. ${protocols[0]}//127.0.0.1:…`;
  };
}

function cpuList(name: string) {
  return (raw: string): string | undefined => {
    const cpus = parseCpuList(raw);
    const cores = availableParallelism();
    if (!cpus) return `${name}=${JSON.stringify(raw)} is not a CPU list such as 0 or 0-1 or 0,2.`;
    const missing = [...cpus].filter((cpu) => cpu >= cores);
    return missing.length > 0
      ? `${name}=${raw}: this machine has CPUs 0-${cores - 1} only.`
      : undefined;
  };
}

/** A variable of the target processes (docs/contract.md), checked with the targets' own rules. */
const targetSetting = (raw: string, env: NodeJS.ProcessEnv) =>
  via(() =>
    readTargetConfig({
      ...env,
      PORT: '1',
      DATABASE_URL: 'postgres://check',
      UPSTREAM_URL: 'http://check',
    }),
  )(raw, env);

export const ENV_RULES: readonly EnvRule[] = [
  {
    name: 'LAB_INFRA',
    valid: 'auto, testcontainers, local, external',
    check: via(infraModeFromEnv),
  },
  {
    name: 'LAB_QUICK',
    valid: '1 or 0 (true/false)',
    check: oneOf('LAB_QUICK', ['1', '0', 'true', 'false']),
  },
  { name: 'LAB_BUDGET', valid: 'seconds > 0 (blocks per scenario)', check: via(budgetSeconds) },
  { name: 'LAB_SLICE', valid: 'seconds > 0 (per target per block)', check: via(sliceSettings) },
  { name: 'LAB_CLAIM_BUDGET', valid: 'seconds > 0 (per claim)', check: via(claimRounds) },
  {
    name: 'LAB_INTERLEAVE',
    valid: '1 (default) or 0',
    check: via((env) => interleaveSettings('inprocess', {}, env)),
  },
  {
    name: 'LAB_RESTART_EVERY',
    valid: 'an integer ≥ 0 (blocks per process; 0 = never)',
    check: via((env) => interleaveSettings('inprocess', {}, env)),
  },
  { name: 'LAB_ALPHA', valid: 'a number in (0, 0.5]', check: via(runAlpha) },
  { name: 'LAB_VERDICT_SUITES', valid: 'set by the lab', check: via(verdictSuites) },
  {
    name: 'LAB_DURATION',
    valid: 'seconds > 0',
    check: via((env) => scenarioSettings(SCENARIOS[0] as (typeof SCENARIOS)[0], env)),
  },
  { name: 'LAB_MODEL', valid: 'closed, open', check: oneOf('LAB_MODEL', ['closed', 'open']) },
  {
    name: 'LAB_RATE',
    valid: 'requests/s > 0 (open model)',
    check: via((env) =>
      scenarioSettings(SCENARIOS[0] as (typeof SCENARIOS)[0], { ...env, LAB_MODEL: 'open' }),
    ),
  },
  {
    name: 'LAB_VUS',
    valid: 'an integer ≥ 1 (closed model)',
    check: via((env) =>
      scenarioSettings(SCENARIOS[0] as (typeof SCENARIOS)[0], { ...env, LAB_MODEL: 'closed' }),
    ),
  },
  { name: 'LAB_ENGINE', valid: 'k6, inprocess', check: via(engineFromEnv) },
  {
    name: 'LAB_VARIANT_HTTP',
    valid: '1 or 0 (per-variant HTTP rankings of 09–19)',
    check: via((env) => variantHttpSkipReason(env)),
  },
  {
    name: 'LAB_SWEEPS',
    valid: '1 or 0 (variant sweeps in quick runs / in no run)',
    check: via((env) => sweepSkipReason(env)),
  },
  {
    name: 'LAB_K6_GENERATORS',
    valid: 'an integer 1–64, with LAB_ENGINE=k6',
    check: via(generatorsFromEnv),
  },
  {
    name: 'LAB_TARGETS',
    valid: 'registered target names, comma-separated',
    check: via(targetsFromEnv),
  },
  {
    name: 'LAB_TARGET_URL',
    valid: 'http(s) base URL of an external target',
    check: via(externalTargetFromEnv),
  },
  {
    name: 'LAB_TARGET_NAME',
    valid: "a new target name (letters, digits, '.', '_', '-'), with LAB_TARGET_URL",
    check: via(externalTargetFromEnv),
  },
  {
    name: 'LAB_TARGET_DB_URL',
    valid: 'postgres:// URL, with LAB_TARGET_URL',
    check: via(externalTargetFromEnv),
  },
  {
    name: 'LAB_LAYERS',
    valid: 'pg, typeorm, mikroorm (comma-separated)',
    check: via(layersFromEnv),
  },
  { name: 'LAB_SEED', valid: 'an integer', check: via(fixtureOptionsFromEnv) },
  { name: 'LAB_SCALE', valid: 'a number > 0', check: via(fixtureOptionsFromEnv) },
  { name: 'LAB_PIN', valid: '0 (off) or 1', check: oneOf('LAB_PIN', ['0', '1']) },
  {
    name: 'LAB_TARGET_CPUS',
    valid: 'a CPU list of this machine',
    check: cpuList('LAB_TARGET_CPUS'),
  },
  {
    name: 'LAB_GENERATOR_CPUS',
    valid: 'a CPU list of this machine',
    check: cpuList('LAB_GENERATOR_CPUS'),
  },
  {
    name: 'LAB_TMPDIR',
    valid: 'an existing writable directory',
    check: directory('LAB_TMPDIR', true),
  },
  {
    name: 'LAB_REPORTS_DIR',
    valid: 'a writable directory (created if its parent exists)',
    check: directory('LAB_REPORTS_DIR', false),
  },
  {
    name: 'LAB_PROMETHEUS_SD_DIR',
    valid: 'an existing writable directory',
    check: directory('LAB_PROMETHEUS_SD_DIR', true),
  },
  { name: 'LAB_SERVER_USER', valid: 'an unprivileged account', check: via(serverUser) },
  {
    name: 'LAB_PG_URL',
    valid: 'postgres:// URL',
    check: url('LAB_PG_URL', ['postgres:', 'postgresql:']),
  },
  {
    name: 'LAB_REDIS_URL',
    valid: 'redis:// URL',
    check: url('LAB_REDIS_URL', ['redis:', 'rediss:']),
  },
  {
    name: 'LAB_K6_PROMETHEUS_RW_URL',
    valid: 'http(s):// URL',
    check: url('LAB_K6_PROMETHEUS_RW_URL', ['http:', 'https:']),
  },
  { name: 'LAB_METRICS', valid: '1 or 0', check: targetSetting },
  { name: 'LAB_DB_POOL', valid: 'an integer 1–1000', check: targetSetting },
  { name: 'LAB_UPLOAD_LIMIT_BYTES', valid: 'an integer 1–2147483647', check: targetSetting },
  { name: 'LAB_REQUEST_TIMEOUT_MS', valid: 'an integer 1000–600000', check: targetSetting },
  { name: 'LAB_DATA_LAYER', valid: 'pg, typeorm, mikroorm', check: targetSetting },
  { name: 'LAB_DEBUG', valid: '1 or 0', check: oneOf('LAB_DEBUG', ['1', '0']) },
  {
    name: 'PG_BIN',
    valid: 'a directory with postgres and initdb',
    check: (raw, env) =>
      findPostgres({ env }).found
        ? undefined
        : `PG_BIN=${raw} has no executable postgres and initdb; unset it or point it at a PostgreSQL bin directory.`,
  },
  {
    name: 'REDIS_BIN',
    valid: 'an executable redis-server',
    check: (raw, env) =>
      findRedis(env).found
        ? undefined
        : `REDIS_BIN=${raw} is not an executable file; unset it or point it at redis-server.`,
  },
  {
    name: 'K6_BIN',
    valid: 'an executable k6',
    check: (_raw, env) => {
      const found = findTool('k6', 'K6_BIN', () => 'checked', env);
      return 'reason' in found
        ? `${found.reason}; unset it or run bash scripts/setup.sh.`
        : undefined;
    },
  },
];

/** One line per set variable with a wrong value (empty when everything is fine). */
export function envProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  const problems: string[] = [];
  for (const rule of ENV_RULES) {
    const raw = env[rule.name];
    if (raw === undefined || raw === '') continue;
    const problem = rule.check(raw, env);
    if (problem) problems.push(problem);
  }
  // Several rules share a parser (LAB_SEED, LAB_SCALE): say each problem once.
  return [...new Set(problems)];
}

/** A configuration problem: one line per bad variable, exit code 2. */
export class LabConfigError extends Error {
  override name = 'LabConfigError';
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

export function assertValidEnv(env: NodeJS.ProcessEnv = process.env): void {
  const problems = envProblems(env);
  if (problems.length > 0) throw new LabConfigError(problems);
}
