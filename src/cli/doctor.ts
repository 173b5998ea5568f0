import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { FIXES } from '../infra/errors.ts';
import { findPostgres, findRedis } from '../infra/local/binaries.ts';
import { infraModeFromEnv } from '../infra/select-provider.ts';
import { containerRuntimeAnswers, PG_IMAGE, REDIS_IMAGE } from '../infra/testcontainers.ts';
import { INFRA_MODES, type InfraMode } from '../infra/types.ts';
import { findGo, GO_FIX, goBuildsToRedo, goTargets } from '../launcher/go-toolchain.ts';
import { missingBuildOutputs, TARGETS } from '../launcher/registry.ts';
import { k6Availability } from '../load/k6/binary.ts';
import { K6_IMAGE } from '../load/k6/container.ts';
import { findTaskset, pinningPlan } from '../load/pinning.ts';
import { findWrk, WRK_FIX } from '../load/wrk.ts';
import { redactValue } from '../report/environment.ts';
import { pythonEnvironmentCheck } from './doctor-python.ts';
import { textTable } from './format.ts';
import { targetBuilt } from './select.ts';

/**
 * `lab doctor`: what this machine has for the lab, and how each piece will be used. Nothing is
 * started or installed: binaries are asked for their version, the container runtime gets the
 * same 3 s probe the harness uses. Required: a way to run PostgreSQL and Redis, and k6 (the
 * default engine of the HTTP suites); the rest is optional and says what it adds.
 */
export type CheckStatus = 'ok' | 'missing' | 'absent';

export interface Check {
  component: string;
  /** ok; missing = required and not there; absent = optional and not there. */
  status: CheckStatus;
  required: boolean;
  /** What was found and how the lab uses it, or why it is not usable. */
  detail: string;
  /** The exact fix, when not ok. */
  fix?: string;
}

export interface DoctorOptions {
  env?: NodeJS.ProcessEnv;
  /** Container runtime probe (default: testcontainers' own client, 3 s). */
  runtime?: () => Promise<{ ok: boolean; reason: string }>;
  /** Where Chromium is looked for. */
  chromium?: string;
}

export const CHROMIUM_PATH = '/usr/bin/chromium';

function nodeCheck(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = (major === 22 && minor >= 22) || major === 24 || major >= 26;
  return {
    component: 'Node.js',
    status: ok ? 'ok' : 'missing',
    required: true,
    detail: `${process.version}${ok ? '' : ' (the lab needs ^22.22, ^24 or ≥ 26: vitest 5, testcontainers 12)'}`,
    ...(ok ? {} : { fix: 'install Node 24: `bash scripts/setup.sh` does it' }),
  };
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function chromiumCheck(path: string): Check {
  const base = { component: 'Chromium', required: false } as const;
  if (!executable(path)) {
    return {
      ...base,
      status: 'absent',
      detail: `${path} not found (optional: headless checks of the HTML report)`,
      fix: 'apt-get install chromium',
    };
  }
  const out = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  const version = /(\d+\.\d+[.\d]*)/.exec(`${out.stdout ?? ''}`)?.[1] ?? 'version unknown';
  return {
    ...base,
    status: 'ok',
    detail: `${version} at ${path}: headless browser for checking the HTML report`,
  };
}

/** Go (≥ 1.25, `GO_BIN` to name one) and the Go targets' binaries: built, and not stale. */
function goChecks(env: NodeJS.ProcessEnv): Check[] {
  const targets = goTargets();
  if (targets.length === 0) return [];
  const names = targets.map((t) => t.name).join(', ');
  const go = findGo(env);
  const toolchain: Check =
    go.path === undefined
      ? {
          component: 'Go',
          status: 'absent',
          required: false,
          detail: `${go.reason}; it builds the Go targets (${names}), which pnpm test verifies`,
          fix: GO_FIX,
        }
      : go.ok
        ? {
            component: 'Go',
            status: 'ok',
            required: false,
            detail: `${go.version} at ${go.path}: builds the Go targets (${names})`,
          }
        : {
            component: 'Go',
            status: 'absent',
            required: false,
            detail: `${go.version} at ${go.path} is too old: the Go targets need Go ≥ 1.25`,
            fix: GO_FIX,
          };
  const { missing, stale } = goBuildsToRedo();
  const binaries: Check =
    missing.length + stale.length === 0
      ? {
          component: 'Go target binaries',
          status: 'ok',
          required: false,
          detail: `${targets.flatMap((t) => t.build?.produces ?? []).join(', ')} built from the current sources; GOMAXPROCS = the CPUs a target is pinned to`,
        }
      : {
          component: 'Go target binaries',
          status: 'absent',
          required: false,
          detail: [
            missing.length > 0 ? `${missing.join(', ')} not built` : '',
            stale.length > 0 ? `${stale.join(', ')} older than the Go sources` : '',
          ]
            .filter(Boolean)
            .join('; '),
          fix: 'pnpm build:targets (or bash scripts/setup.sh)',
        };
  return [toolchain, binaries];
}

export async function runDoctor(options: DoctorOptions = {}): Promise<Check[]> {
  const env = options.env ?? process.env;
  let runtimeProbe: Promise<{ ok: boolean; reason: string }> | undefined;
  const runtime = () => {
    runtimeProbe ??= (options.runtime ?? (() => containerRuntimeAnswers(3000)))();
    return runtimeProbe;
  };
  // Start the slow probe first; the local look-ups run meanwhile.
  const runtimePromise = runtime();
  const checks: Check[] = [nodeCheck()];

  let mode: InfraMode | undefined;
  let modeError: string | undefined;
  try {
    mode = infraModeFromEnv(env);
  } catch (error) {
    modeError = (error as Error).message;
  }

  const pg = findPostgres({ env });
  const redis = findRedis(env);
  const docker = await runtimePromise;
  const external = Boolean(env.LAB_PG_URL && env.LAB_REDIS_URL);

  // What `auto` would pick, in the harness's order (select-provider.ts).
  const auto = docker.ok
    ? 'testcontainers'
    : pg.found && redis.found
      ? 'local'
      : external
        ? 'external'
        : undefined;
  const usable: Record<Exclude<InfraMode, 'auto'>, boolean> = {
    testcontainers: docker.ok,
    local: Boolean(pg.found && redis.found),
    external,
  };
  const chosen = mode === undefined ? undefined : mode === 'auto' ? auto : mode;
  const infraOk = chosen !== undefined && usable[chosen];
  const modeText = mode ? `LAB_INFRA=${mode}` : 'LAB_INFRA invalid';
  checks.push({
    component: 'Infra (PostgreSQL + Redis)',
    status: infraOk ? 'ok' : 'missing',
    required: true,
    detail: modeError
      ? modeError
      : infraOk
        ? `${modeText} → ${chosen}${mode === 'auto' ? ' (auto: testcontainers → local → external)' : ''}: every suite gets its own seeded servers`
        : mode === 'auto'
          ? `${modeText}: no container runtime, no local PostgreSQL + Redis binaries, no LAB_PG_URL + LAB_REDIS_URL`
          : `${modeText}, but ${chosen} is not usable here (see below)`,
    ...(infraOk
      ? {}
      : {
          fix: modeError
            ? `set LAB_INFRA to one of ${INFRA_MODES.join(', ')}`
            : [
                ...FIXES.setup,
                ...FIXES.pg,
                ...FIXES.redis,
                ...FIXES.docker,
                ...FIXES.external,
              ].join('; or '),
        }),
  });

  const localUsed = chosen === 'local';
  checks.push(
    pg.found
      ? {
          component: 'PostgreSQL binaries',
          status: 'ok',
          required: false,
          detail: `${pg.found.version} from ${pg.found.source} (${pg.found.path})${localUsed ? ': a throwaway server per suite (tmpfs, fsync off)' : ': available for LAB_INFRA=local'}`,
        }
      : {
          component: 'PostgreSQL binaries',
          status: 'absent',
          required: false,
          detail: `not found (${pg.tried.join('; ')})`,
          fix: FIXES.pg.join('; or '),
        },
    redis.found
      ? {
          component: 'redis-server',
          status: 'ok',
          required: false,
          detail: `${redis.found.version} from ${redis.found.source} (${redis.found.path})${localUsed ? ': a throwaway server per suite' : ': available for LAB_INFRA=local'}`,
        }
      : {
          component: 'redis-server',
          status: 'absent',
          required: false,
          detail: `not found (${redis.tried.join('; ')})`,
          fix: FIXES.redis.join('; or '),
        },
    docker.ok
      ? {
          component: 'Docker (testcontainers)',
          status: 'ok',
          required: false,
          detail: `${docker.reason}: ${chosen === 'testcontainers' ? 'used' : 'usable'} for ${PG_IMAGE} and ${REDIS_IMAGE}, and ${K6_IMAGE} when there is no k6 binary`,
        }
      : {
          component: 'Docker (testcontainers)',
          status: 'absent',
          required: false,
          detail: `no container runtime answered (${docker.reason.split('\n')[0]}); optional: local binaries are used instead`,
          fix: FIXES.docker.join('; '),
        },
    env.LAB_PG_URL || env.LAB_REDIS_URL
      ? {
          component: 'External servers',
          status: external ? 'ok' : 'absent',
          required: false,
          detail: `LAB_PG_URL=${env.LAB_PG_URL ? redactValue('LAB_PG_URL', env.LAB_PG_URL) : 'unset'}, LAB_REDIS_URL=${env.LAB_REDIS_URL ? redactValue('LAB_REDIS_URL', env.LAB_REDIS_URL) : 'unset'}${external ? (chosen === 'external' ? ': used (own database / db index per suite, weaker isolation)' : ': the fallback after local binaries') : ': both are needed'}`,
          ...(external ? {} : { fix: FIXES.external.join('') }),
        }
      : {
          component: 'External servers',
          status: 'absent',
          required: false,
          detail: 'LAB_PG_URL / LAB_REDIS_URL not set (optional: servers you run yourself)',
        },
  );

  const k6 = await k6Availability(env, runtime);
  checks.push(
    k6.available
      ? {
          component: 'k6',
          status: 'ok',
          required: true,
          detail:
            k6.kind === 'binary'
              ? `v${k6.version} at ${k6.path}: load generator of the HTTP suites (default engine), pinned to the generator CPUs`
              : `no binary; the ${k6.image} image through testcontainers: load generator of the HTTP suites`,
        }
      : {
          component: 'k6',
          status: 'missing',
          required: true,
          detail: `${k6.reason}; the HTTP suites (default engine) cannot run — only --engine inprocess / LAB_ENGINE=inprocess`,
          fix: k6.fix,
        },
  );

  const wrk = findWrk(env);
  checks.push(
    'path' in wrk
      ? {
          component: 'wrk',
          status: 'ok',
          required: false,
          detail: `${wrk.version} at ${wrk.path}: reference load generator of the physical-limit benchmark (bench/harness)`,
        }
      : {
          component: 'wrk',
          status: 'absent',
          required: false,
          detail: `${wrk.reason}; optional: the physical-limit benchmark skips its wrk reference`,
          fix: WRK_FIX,
        },
  );

  const taskset = findTaskset();
  const plan = pinningPlan(env);
  checks.push(
    taskset
      ? {
          component: 'taskset',
          status: 'ok',
          required: false,
          detail: plan.enabled
            ? `${taskset}: targets pinned to CPUs ${plan.targetCpus}, load generators to CPUs ${plan.generatorCpus}`
            : `${taskset}, but pinning is off: ${plan.reason}`,
        }
      : {
          component: 'taskset',
          status: 'absent',
          required: false,
          detail: 'not found; optional: without it nothing is pinned and reports say so',
          fix: 'apt-get install util-linux',
        },
  );

  const unbuilt = TARGETS.filter((t) => !targetBuilt(t));
  checks.push(
    unbuilt.length === 0
      ? {
          component: 'Targets',
          status: 'ok',
          required: false,
          detail: `${TARGETS.map((t) => t.name).join(', ')} ready`,
        }
      : {
          component: 'Targets',
          status: 'absent',
          required: false,
          detail: `${unbuilt.map((t) => t.name).join(', ')} not built (${unbuilt.flatMap(missingBuildOutputs).join(', ')} missing); pnpm test and pnpm bench build them`,
          fix: 'pnpm build:targets',
        },
  );

  checks.push(...goChecks(env));
  const python = await pythonEnvironmentCheck();
  if (python) checks.push(python);

  checks.push(chromiumCheck(options.chromium ?? CHROMIUM_PATH));
  return checks;
}

const STATUS_TEXT: Record<CheckStatus, string> = {
  ok: 'ok',
  missing: 'MISSING',
  absent: 'absent (optional)',
};

/** The doctor's report: a table, then the fixes, then one summary line. */
export function formatDoctor(checks: readonly Check[]): string {
  const rows = [
    ['Component', 'Status', 'Details'],
    ...checks.map((c) => [c.component, STATUS_TEXT[c.status], c.detail.replace(/\s*\n\s*/g, ' ')]),
  ];
  const lines = [
    'lab doctor — what this machine has and how the lab will use it',
    '',
    textTable(rows),
  ];
  const fixes = checks.filter((c) => c.status !== 'ok' && c.fix);
  if (fixes.length > 0) {
    lines.push('', 'Fixes:');
    for (const c of fixes) lines.push(`  ${c.required ? '✖' : '·'} ${c.component}: ${c.fix}`);
  }
  const missing = checks.filter((c) => c.status === 'missing');
  lines.push(
    '',
    missing.length === 0
      ? 'Everything required is present.'
      : `Missing (required): ${missing.map((c) => c.component).join(', ')}. Apply the fixes above, then run \`pnpm lab doctor\` again.`,
  );
  return lines.join('\n');
}
