import { FIXES, InfraUnavailableError } from './errors.ts';
import { externalProvider } from './external.ts';
import type { FoundBinary } from './local/binaries.ts';
import { type PgTemplate, removePgTemplate } from './local/postgres.ts';
import { createPgTemplate, findLocalBinaries, localProvider } from './local/provider.ts';
import { containerRuntimeAnswers, testcontainersProvider } from './testcontainers.ts';
import { INFRA_MODES, type InfraMode, type InfraProvider } from './types.ts';

/**
 * What the run decided, in a serializable form: vitest's globalSetup decides once and hands this
 * to every test worker (provide/inject), which rebuilds the provider from it.
 */
export type ProviderSpec = (
  | { kind: 'local'; template: PgTemplate; redis: FoundBinary }
  | { kind: 'testcontainers' }
  | { kind: 'external'; pgUrl: string; redisUrl: string }
) & { mode: InfraMode; tried: string[] };

export function infraModeFromEnv(env: NodeJS.ProcessEnv = process.env): InfraMode {
  const value = (env.LAB_INFRA ?? 'auto').trim() || 'auto';
  if ((INFRA_MODES as readonly string[]).includes(value)) return value as InfraMode;
  throw new Error(
    `Unknown LAB_INFRA=${JSON.stringify(value)}. Valid values: ${INFRA_MODES.join(', ')}.`,
  );
}

export interface SelectOptions {
  env?: NodeJS.ProcessEnv;
  /** How long a container runtime may take to answer (default 3 s). */
  runtimeTimeoutMs?: number;
}

function externalSpec(
  env: NodeJS.ProcessEnv,
  tried: string[],
  mode: InfraMode,
): ProviderSpec | undefined {
  if (env.LAB_PG_URL && env.LAB_REDIS_URL) {
    return { kind: 'external', pgUrl: env.LAB_PG_URL, redisUrl: env.LAB_REDIS_URL, mode, tried };
  }
  tried.push(
    `external: ${[!env.LAB_PG_URL && 'LAB_PG_URL', !env.LAB_REDIS_URL && 'LAB_REDIS_URL'].filter(Boolean).join(' and ')} not set`,
  );
  return undefined;
}

/** Picks the provider for LAB_INFRA (auto: testcontainers → local → external → clear error). */
export async function selectProvider(options: SelectOptions = {}): Promise<ProviderSpec> {
  const env = options.env ?? process.env;
  const mode = infraModeFromEnv(env);
  const tried: string[] = [];

  if (mode === 'auto' || mode === 'testcontainers') {
    const runtime = await containerRuntimeAnswers(options.runtimeTimeoutMs ?? 3000);
    if (runtime.ok)
      return {
        kind: 'testcontainers',
        mode,
        tried: [...tried, `testcontainers: ${runtime.reason}`],
      };
    tried.push(`testcontainers: no container runtime answered (${runtime.reason})`);
    if (mode === 'testcontainers') {
      throw new InfraUnavailableError(
        'LAB_INFRA=testcontainers, but no container runtime answered.',
        tried,
        [...FIXES.docker, 'or use LAB_INFRA=auto to fall back to local server binaries'],
      );
    }
  }
  if (mode === 'auto' || mode === 'local') {
    try {
      const binaries = findLocalBinaries(env);
      const template = await createPgTemplate(binaries.postgres);
      tried.push(
        `local: PostgreSQL ${binaries.postgres.version} (${binaries.postgres.source}), Redis ${binaries.redis.version} (${binaries.redis.source})`,
      );
      return { kind: 'local', template, redis: binaries.redis, mode, tried };
    } catch (error) {
      if (mode === 'local' || !(error instanceof InfraUnavailableError)) throw error;
      tried.push(...error.tried.map((line) => `local: ${line}`));
    }
  }
  const external = externalSpec(env, tried, mode);
  if (external) return external;
  throw new InfraUnavailableError(
    mode === 'external'
      ? 'LAB_INFRA=external needs both LAB_PG_URL and LAB_REDIS_URL.'
      : 'No way to run PostgreSQL and Redis was found.',
    tried,
    mode === 'external'
      ? FIXES.external
      : [...FIXES.setup, ...FIXES.pg, ...FIXES.redis, ...FIXES.docker, ...FIXES.external],
  );
}

export function providerFromSpec(spec: ProviderSpec): InfraProvider {
  switch (spec.kind) {
    case 'local':
      return localProvider(spec.template, spec.redis);
    case 'testcontainers':
      return testcontainersProvider();
    case 'external':
      return externalProvider(spec.pgUrl, spec.redisUrl);
  }
}

/** Frees run-wide resources of a spec (the local template cluster). */
export function disposeSpec(spec: ProviderSpec): void {
  if (spec.kind === 'local') removePgTemplate(spec.template);
}
