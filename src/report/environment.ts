import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureOptionsFromEnv } from '../fixtures/options.ts';
import type { ServerInstance } from '../infra/types.ts';
import { findK6 } from '../load/k6/binary.ts';
import { pinningPlan } from '../load/pinning.ts';
import { findWrk } from '../load/wrk.ts';
import { shellWord } from './shell.ts';
import type { CalibrationNote, Environment, InfraInfo, InfraNote, ServerInfo } from './types.ts';

/**
 * What a benchmark ran on: machine, OS, runtimes, load generators, git state, LAB_* settings,
 * CPU pinning and the database servers. Everything that changes numbers goes in the report.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CaptureOptions {
  env?: NodeJS.ProcessEnv;
  /** Infra known so far (provider from globalSetup, servers from `noteInfra`). */
  infra?: Partial<InfraInfo>;
  /** Where git is asked; default the repository root. */
  cwd?: string;
  /** The process's arguments; default `process.argv`. */
  argv?: readonly string[];
}

export function captureEnvironment(options: CaptureOptions = {}): Environment {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? REPO_ROOT;
  const cpus = os.cpus();
  const ci = env.CI === 'true' || env.CI === '1';
  const github = env.GITHUB_ACTIONS === 'true';
  return {
    capturedAt: new Date().toISOString(),
    hostname: os.hostname(),
    cpu: {
      model: cpuModel() ?? cpus[0]?.model.trim() ?? 'unknown',
      logicalCores: cpus.length,
      availableParallelism: os.availableParallelism(),
      governor: readTrimmed('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor'),
    },
    memory: { totalMiB: Math.round(os.totalmem() / 2 ** 20) },
    os: {
      platform: process.platform,
      type: os.type(),
      release: os.release(),
      arch: process.arch,
      distro: distro(),
    },
    node: { version: process.version, v8: process.versions.v8 },
    tools: { k6: findK6(env)?.version ?? null, wrk: wrkVersion(env) },
    git: gitState(cwd, env),
    command: commandLine(options.argv ?? process.argv),
    config: labConfig(env),
    pinning: pinningPlan(env),
    calibration: calibrationNote(env),
    infra: {
      provider: options.infra?.provider ?? null,
      providerTried: options.infra?.providerTried ?? [],
      postgres: options.infra?.postgres ?? [],
      redis: options.infra?.redis ?? [],
    },
    ci: {
      ci,
      provider: github ? 'github-actions' : ci ? 'unknown' : null,
      runUrl:
        github && env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
          ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
          : null,
    },
  };
}

function readTrimmed(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** `model name` from /proc/cpuinfo (x86), else `Model`/`Hardware` (ARM boards). */
function cpuModel(): string | undefined {
  const info = readTrimmed('/proc/cpuinfo');
  if (!info) return undefined;
  for (const key of ['model name', 'Model', 'Hardware', 'cpu model']) {
    const match = new RegExp(`^${key}\\s*:\\s*(.+)$`, 'm').exec(info);
    if (match?.[1]) return match[1].trim();
  }
  return undefined;
}

function distro(): string | null {
  const release = readTrimmed('/etc/os-release');
  const match = release && /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release);
  return match ? (match[1] ?? null) : null;
}

function wrkVersion(env: NodeJS.ProcessEnv): string | null {
  const found = findWrk(env);
  return 'version' in found ? found.version : null;
}

function git(cwd: string, args: string[]): string | undefined {
  const out = spawnSync('git', args, { cwd, encoding: 'utf8', timeout: 10_000 });
  return out.status === 0 ? out.stdout.trim() : undefined;
}

/** Dirty includes untracked files: a new bench file changes what ran as much as an edit. */
function gitState(cwd: string, env: NodeJS.ProcessEnv): Environment['git'] {
  const sha = git(cwd, ['rev-parse', 'HEAD']);
  if (!sha)
    return { sha: env.GITHUB_SHA ?? null, dirty: null, branch: env.GITHUB_REF_NAME ?? null };
  const status = git(cwd, ['status', '--porcelain']);
  const branch = git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']);
  return {
    sha,
    dirty: status === undefined ? null : status.length > 0,
    branch: branch && branch !== 'HEAD' ? branch : (env.GITHUB_REF_NAME ?? null),
  };
}

/** Variables recorded besides LAB_*; run mechanics (LAB_RUN_ID, LAB_REPORTS_DIR, LAB_VERIFIED_DIR) are not. */
const EXTRA_VARIABLES = ['CI', 'K6_BIN', 'NODE_OPTIONS', 'UV_THREADPOOL_SIZE'];
const MECHANICS = new Set(['LAB_RUN_ID', 'LAB_REPORTS_DIR', 'LAB_VERIFIED_DIR']);
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|KEY/i;

/** Secrets never reach a report: secret-named variables are masked, URL passwords too. */
export function redactValue(name: string, value: string): string {
  if (SECRET_NAME.test(name)) return '***';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = 'redacted';
    return url.toString();
  } catch {
    return value;
  }
}

/**
 * The command line that started the run, as typed in the repository: `pnpm lab …` for the CLI,
 * `pnpm vitest …` for the suites (`pnpm bench` is `vitest bench --run`). Options can carry a
 * database URL or a token: they are redacted as variables are.
 */
export function commandLine(argv: readonly string[], root: string = REPO_ROOT): string {
  const [, script = '', ...args] = argv;
  const file = relative(root, script);
  const tool =
    file === join('src', 'cli', 'main.ts')
      ? 'pnpm lab'
      : /(^|[/\\])vitest([/\\]|\.m?js$|$)/.test(script)
        ? 'pnpm vitest'
        : `node ${file.startsWith('..') ? script : file}`;
  const words: string[] = [];
  let option = '';
  for (const arg of args) {
    const assigned = /^(--?[\w-]+)=(.*)$/s.exec(arg);
    words.push(
      assigned
        ? `${assigned[1]}=${shellWord(redactValue(assigned[1] ?? '', assigned[2] ?? ''))}`
        : shellWord(redactValue(option, arg)),
    );
    option = arg.startsWith('-') && !assigned ? arg : '';
  }
  return [tool, ...words].join(' ');
}

function labConfig(env: NodeJS.ProcessEnv): Environment['config'] {
  const recorded: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined || MECHANICS.has(name)) continue;
    if (name.startsWith('LAB_') || EXTRA_VARIABLES.includes(name)) {
      recorded[name] = redactValue(name, value);
    }
  }
  let seed: number | null = null;
  let scale: number | null = null;
  try {
    ({ seed, scale } = fixtureOptionsFromEnv(env));
  } catch {
    // An invalid LAB_SEED / LAB_SCALE fails the suites themselves; the raw value is recorded.
  }
  return {
    env: recorded,
    quick: env.LAB_QUICK === '1',
    infraMode: (env.LAB_INFRA ?? '').trim() || 'auto',
    seed,
    scale,
  };
}

const PG_DURABILITY = ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_level'];
const REDIS_DURABILITY = ['persistence', 'appendonly', 'appendfsync', 'save'];

function serverInfo(
  instance: ServerInstance,
  durabilityKeys: string[],
): Omit<ServerInfo, 'suites'> {
  const settings = { ...instance.metadata.settings };
  const durability: Record<string, string> = {};
  for (const key of durabilityKeys) {
    const value = settings[key];
    if (value !== undefined) durability[key] = value;
  }
  return {
    provider: instance.provider,
    version: instance.serverVersion,
    isolation: instance.metadata.isolation,
    durability,
    settings,
  };
}

/** What a suite's lab ran on (versions, provider, durability flags), for `noteInfra`. */
export function infraNote(lab: { pg: ServerInstance; redis: ServerInstance }): InfraNote {
  return {
    postgres: serverInfo(lab.pg, PG_DURABILITY),
    redis: serverInfo(lab.redis, REDIS_DURABILITY),
  };
}

/** Settings that differ per suite by design and must not split one setup into several. */
const PER_INSTANCE_SETTINGS = new Set(['dbIndex', 'database', 'dataDir', 'port']);

function setupKey(info: Omit<ServerInfo, 'suites'>): string {
  const settings = Object.entries(info.settings)
    .filter(([key]) => !PER_INSTANCE_SETTINGS.has(key))
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([info.provider, info.version, info.isolation, settings]);
}

/** Merges the suites' notes: one entry per distinct server setup, listing the suites. */
export function mergeInfraNotes(
  notes: ReadonlyArray<{ suite: string | null; note: InfraNote }>,
): Pick<InfraInfo, 'postgres' | 'redis'> {
  const merge = (side: 'postgres' | 'redis'): ServerInfo[] => {
    const byKey = new Map<string, ServerInfo>();
    for (const { suite, note } of notes) {
      const info = note[side];
      if (!info) continue;
      const key = setupKey(info);
      const entry = byKey.get(key) ?? { ...info, suites: [] };
      byKey.set(key, entry);
      if (suite && !entry.suites.includes(suite)) entry.suites.push(suite);
    }
    return [...byKey.values()];
  };
  return { postgres: merge('postgres'), redis: merge('redis') };
}

/**
 * The calibration this run works under (`lab calibrate` writes `<reports>/calibration.json`):
 * when it ran, its budget, and each A/A and planted case's verdict counts. Null when the machine
 * was never calibrated, or the file is unreadable.
 */
export function calibrationNote(env: NodeJS.ProcessEnv = process.env): CalibrationNote | null {
  const dir = env.LAB_REPORTS_DIR?.trim() ? env.LAB_REPORTS_DIR.trim() : join(REPO_ROOT, 'reports');
  try {
    const c = JSON.parse(readFileSync(join(dir, 'calibration.json'), 'utf8')) as {
      kind?: string;
      at: string;
      file?: string;
      budgetSeconds: number;
      repeats: number;
      cases: Array<{
        id: string;
        phase: string;
        repeats: number;
        counts: Record<string, number>;
        minimumDetectableRatio: number;
      }>;
    };
    if (c.kind !== 'backend-benchmark-lab/calibration') return null;
    return {
      at: c.at,
      file: c.file ?? null,
      budgetSeconds: c.budgetSeconds,
      repeats: c.repeats,
      cases: c.cases.map((x) => ({
        id: x.id,
        phase: x.phase,
        repeats: x.repeats,
        faster: x.counts.faster ?? 0,
        slower: x.counts.slower ?? 0,
        same: x.counts['no-difference'] ?? 0,
        inconclusive: x.counts.inconclusive ?? 0,
        minimumDetectableRatio: x.minimumDetectableRatio,
      })),
    };
  } catch {
    return null;
  }
}
