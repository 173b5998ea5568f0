import { FIXES, InfraUnavailableError } from '../errors.ts';
import type { InfraProvider } from '../types.ts';
import { type FoundBinary, findPostgres, findRedis } from './binaries.ts';
import { createPgTemplate, type PgTemplate, startLocalPostgres } from './postgres.ts';
import { startLocalRedis } from './redis.ts';

export interface LocalBinaries {
  postgres: FoundBinary;
  redis: FoundBinary;
}

/** Finds both server binaries or throws one error listing what was tried for each. */
export function findLocalBinaries(env: NodeJS.ProcessEnv = process.env): LocalBinaries {
  const postgres = findPostgres({ env });
  const redis = findRedis(env);
  if (postgres.found && redis.found) return { postgres: postgres.found, redis: redis.found };
  const missing = [!postgres.found && 'PostgreSQL', !redis.found && 'Redis'].filter(Boolean);
  throw new InfraUnavailableError(
    `No local ${missing.join(' or ')} server binaries found.`,
    [...postgres.tried.map((t) => `PostgreSQL ${t}`), ...redis.tried.map((t) => `Redis ${t}`)],
    [...(postgres.found ? [] : FIXES.pg), ...(redis.found ? [] : FIXES.redis), ...FIXES.setup],
  );
}

export function localProvider(template: PgTemplate, redis: FoundBinary): InfraProvider {
  return {
    kind: 'local',
    description: `local PostgreSQL ${template.version} (${template.source}), Redis ${redis.version} (${redis.source})`,
    startPostgres: () => startLocalPostgres(template),
    startRedis: () => startLocalRedis(redis),
  };
}

export { createPgTemplate };
