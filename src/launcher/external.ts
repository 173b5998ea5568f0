import { assertConformant, type ConformanceReport } from '../conformance/index.ts';
import { allowedCpus, type PinningPlan, pinProcess } from '../load/pinning.ts';
import type { Result } from '../load/result.ts';
import type { RunningTarget, TargetEnv } from './launch.ts';
import { TARGETS, type TargetDefinition } from './registry.ts';
import type { OpenTargetSession, TargetRunOptions } from './runner.ts';

/**
 * Bring your own target: any server that implements the contract, measured beside the
 * registered targets (`lab run --target-url http://host:port --name my-api`, or
 * `LAB_TARGET_URL` / `LAB_TARGET_NAME` / `LAB_TARGET_DB_URL` in a bench file). The lab does not
 * run it, so it is verified first (refused with the failing checks when it does not conform) and
 * then only sent load: it is not pinned, its CPU and memory are not sampled, and it is never
 * restarted (LAB_RESTART_EVERY applies to the lab's own processes only). Every Result of it says
 * so in its meta (`target.environment`) and warnings, which the reports show.
 *
 * The db contract group (`/db/*`, scenarios 09–13) is checked only when its database URL is
 * given (the checks read that database as their oracle); without it the db scenarios refuse it.
 */
export const EXTERNAL_ENVIRONMENT = 'external, not pinned or sampled';

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;

export interface ExternalTargetSpec {
  name: string;
  url: string;
  /** The database its `/db` routes use: enables the db checks and the db scenarios. */
  databaseUrl?: string;
}

/** Problems with an external target's name and URLs (empty: fine). */
export function externalTargetProblems(spec: ExternalTargetSpec): string[] {
  const problems: string[] = [];
  if (!NAME.test(spec.name)) {
    problems.push(
      `the external target's name ${JSON.stringify(spec.name)} must be 1–63 letters, digits, '.', '_' or '-'`,
    );
  } else if (TARGETS.some((t) => t.name === spec.name)) {
    problems.push(
      `the external target's name ${spec.name} is a registered target's: choose another name`,
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(spec.url);
  } catch {
    // below
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname.length > 1) {
    problems.push(
      `the external target's URL ${JSON.stringify(spec.url)} must be an http(s) base URL such as http://127.0.0.1:3000`,
    );
  }
  if (spec.databaseUrl !== undefined && !/^postgres(ql)?:\/\/./.test(spec.databaseUrl)) {
    problems.push(
      `the external target's database URL ${JSON.stringify(spec.databaseUrl)} must be a postgres:// URL`,
    );
  }
  return problems;
}

/** A TargetDefinition with no process behind it. Throws on a bad name or URL. */
export function externalTarget(spec: ExternalTargetSpec): TargetDefinition {
  const problems = externalTargetProblems(spec);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const url = spec.url.replace(/\/+$/, '');
  return {
    name: spec.name,
    description: `external server at ${url} (${EXTERNAL_ENVIRONMENT})`,
    folder: '',
    language: 'external',
    runtime: 'unknown',
    framework: 'unknown',
    version: { npm: 'unknown' },
    adapter: null,
    server: 'external',
    workers: 1,
    build: null,
    start: [],
    env: {},
    dataLayer: 'unknown',
    dataLayerDescription: 'unknown',
    supports: spec.databaseUrl ? ['basic', 'db'] : ['basic'],
    isDefault: false,
    defaultFramework: false,
    external: { url, ...(spec.databaseUrl ? { databaseUrl: spec.databaseUrl } : {}) },
  };
}

/**
 * `LAB_TARGET_URL` (+ `LAB_TARGET_NAME`, default `external`, and `LAB_TARGET_DB_URL`): the
 * external target of a bench file, or undefined when unset. Throws on bad values.
 */
export function externalTargetFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): TargetDefinition | undefined {
  const url = env.LAB_TARGET_URL?.trim();
  if (!url) {
    for (const name of ['LAB_TARGET_NAME', 'LAB_TARGET_DB_URL']) {
      if (env[name]) throw new Error(`${name} needs LAB_TARGET_URL (the external target)`);
    }
    return undefined;
  }
  const databaseUrl = env.LAB_TARGET_DB_URL?.trim();
  try {
    return externalTarget({
      name: env.LAB_TARGET_NAME?.trim() || 'external',
      url,
      ...(databaseUrl ? { databaseUrl } : {}),
    });
  } catch (error) {
    throw new Error(`LAB_TARGET_URL: ${(error as Error).message}`);
  }
}

/** Why a scenario cannot measure an external target (undefined: it can). */
export function externalRefusal(
  target: TargetDefinition,
  scenario: { id: string; category: string },
): string | undefined {
  if (!target.external || scenario.category !== 'db-advanced') return undefined;
  if (target.supports.includes('db')) return undefined;
  return (
    `${scenario.id} needs the /db routes, which are only checked and measured on an external ` +
    `target with its database URL: give --target-db-url (LAB_TARGET_DB_URL) for ${target.name}, ` +
    'or leave the db scenarios out'
  );
}

/** The warning every Result of an external target carries. */
export const EXTERNAL_WARNING =
  `${EXTERNAL_ENVIRONMENT}: the lab does not run this server, so its CPU and memory are not in ` +
  'this report, it shares the machine with nothing the lab controls, and it is never restarted ' +
  '(LAB_RESTART_EVERY applies to the lab’s own targets)';

/**
 * The session of an external target: verified (unless `verify: false`), then only measured. The
 * load generator is pinned as for a registered target when this session is the one that pins it.
 */
export async function openExternalSession(
  definition: TargetDefinition,
  env: TargetEnv,
  options: TargetRunOptions,
  plan: PinningPlan,
): Promise<OpenTargetSession> {
  const external = definition.external;
  if (!external) throw new Error(`${definition.name} is not an external target`);
  let conformance: ConformanceReport | undefined;
  if (options.verify ?? true) {
    conformance = await assertConformant(external.url, {
      ...(env.LAB_AUTH_SECRET ? { authSecret: env.LAB_AUTH_SECRET } : {}),
      ...(env.LAB_UPLOAD_LIMIT_BYTES
        ? { uploadLimitBytes: Number(env.LAB_UPLOAD_LIMIT_BYTES) }
        : {}),
      ...(external.databaseUrl ? { db: { databaseUrl: external.databaseUrl } } : {}),
    });
  }
  const generator = options.generator ?? 'external';
  const generatorCpus = plan.enabled ? plan.generatorCpus : undefined;
  let restoreAffinity: string | undefined;
  let generatorPinned = false;
  if (generator === 'inprocess' && generatorCpus) {
    restoreAffinity = allowedCpus('self');
    generatorPinned = pinProcess(process.pid, generatorCpus);
  }
  const target: RunningTarget = {
    definition,
    url: external.url,
    pid: 0,
    external: true,
    exited: new Promise<never>(() => {}),
    logTail: () => '(external target: its log is not available to the lab)',
    stop: async () => ({ exit: 'external', graceful: true, exited: true }),
  };
  const meta = (): Result['meta'] => ({
    'target.name': definition.name,
    'target.environment': EXTERNAL_ENVIRONMENT,
    'target.url': external.url,
    'target.language': 'external',
    'target.pinned': false,
    'target.sampled': false,
    'target.restarts': 'none: external (LAB_RESTART_EVERY does not apply)',
    'target.database': external.databaseUrl
      ? 'given: db checks ran'
      : 'not given: db checks skipped',
    'generator.kind': generator,
    'generator.cpus': generator === 'inprocess' ? (allowedCpus('self') ?? null) : null,
    'generator.pinned': generatorPinned,
  });
  try {
    await options.reset?.();
  } catch (error) {
    if (restoreAffinity && generatorPinned) pinProcess(process.pid, restoreAffinity);
    throw error;
  }
  return {
    target,
    url: external.url,
    plan,
    generatorCpus,
    conformance,
    external: true,
    get meta() {
      return meta();
    },
    async close() {
      if (restoreAffinity && generatorPinned && !pinProcess(process.pid, restoreAffinity)) {
        throw new Error(`could not restore this process's CPUs to ${restoreAffinity}`);
      }
    },
    async restart() {
      // Not the lab's process: nothing to restart.
    },
    async measure(run) {
      const result = await run(new AbortController().signal);
      return {
        ...result,
        warnings: [...new Set([...result.warnings, EXTERNAL_WARNING])],
        meta: { ...result.meta, ...meta() },
      };
    },
  };
}
