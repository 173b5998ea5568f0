import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type Tracked, trackDir } from '../guard.ts';
import { pgSnapshots } from '../pg-snapshots.ts';
import { PortInUseError, withPortRetry } from '../ports.ts';
import type { PostgresInstance } from '../types.ts';
import type { FoundBinary } from './binaries.ts';
import { logTail, makeScratchDir, spawnServer, stopServer, waitUntilReady } from './process.ts';
import { type ServerUser, serverUser } from './server-user.ts';

/**
 * Benchmark settings: durability off (data is throwaway; we measure frameworks, not disks) and
 * pg_stat_statements preloaded so the verifier can count queries. Recorded in every result.
 */
export const PG_SETTINGS: Record<string, string> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'all',
  max_connections: '200',
  listen_addresses: '127.0.0.1',
};

export const PG_SUPERUSER = 'lab';
export const PG_DATABASE = 'lab';

/** An initdb'd cluster, made once per run and copied for every suite. */
export interface PgTemplate {
  /** Run-wide scratch dir holding the template (and a copy of the binaries when needed). */
  runDir: string;
  dataDir: string;
  binDir: string;
  version: string;
  source: string;
  user?: ServerUser;
}

function chownTree(path: string, user: ServerUser | undefined): void {
  if (!user) return;
  const result = spawnSync('chown', ['-R', `${user.uid}:${user.gid}`, path]);
  if (result.status !== 0) chownSync(path, user.uid, user.gid);
}

/** Can `user` execute the binaries where they are? node_modules under /root is not reachable. */
function reachableBinDir(
  binary: FoundBinary,
  user: ServerUser | undefined,
  runDir: string,
): string {
  if (!user) return binary.path;
  const probe = spawnSync(join(binary.path, 'postgres'), ['--version'], {
    uid: user.uid,
    gid: user.gid,
    timeout: 5000,
  });
  if (probe.status === 0) return binary.path;
  // Copy the whole install (bin, lib, share: the binaries find the rest relative to themselves).
  const installCopy = join(runDir, 'pg-install');
  cpSync(join(binary.path, '..'), installCopy, { recursive: true, verbatimSymlinks: true });
  chownTree(installCopy, user);
  return join(installCopy, 'bin');
}

export function createPgTemplate(binary: FoundBinary): PgTemplate {
  const user = serverUser();
  const runDir = makeScratchDir('pg-template');
  const tracked = trackDir(runDir);
  chownTree(runDir, user);
  const binDir = reachableBinDir(binary, user, runDir);
  const dataDir = join(runDir, 'data');
  const result = spawnSync(
    join(binDir, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      PG_SUPERUSER,
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ],
    { encoding: 'utf8', timeout: 60_000, ...(user ? { uid: user.uid, gid: user.gid } : {}) },
  );
  if (result.status !== 0) {
    rmSync(runDir, { recursive: true, force: true });
    throw new Error(
      `initdb failed (${join(binDir, 'initdb')}, exit ${result.status}${result.error ? `, ${result.error.message}` : ''}):\n${(result.stderr ?? '').trim().split('\n').slice(-15).join('\n')}`,
    );
  }
  const conf = Object.entries(PG_SETTINGS)
    .map(([key, value]) => `${key} = '${value}'`)
    .join('\n');
  appendFileSync(join(dataDir, 'postgresql.conf'), `\n# Backend Benchmark Lab\n${conf}\n`);
  templateGuards.set(runDir, tracked);
  return { runDir, dataDir, binDir, version: binary.version, source: binary.source, user };
}

const templateGuards = new Map<string, Tracked>();

/** Removes the template at the end of a run (the watchdog does it if the run dies first). */
export function removePgTemplate(template: PgTemplate): void {
  rmSync(template.runDir, { recursive: true, force: true });
  templateGuards.get(template.runDir)?.release();
  templateGuards.delete(template.runDir);
}

/** postmaster.pid line 8 is the server status; "ready" once it accepts connections. */
function pgReady(dataDir: string): boolean {
  try {
    return readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[7]?.trim() === 'ready';
  } catch {
    return false;
  }
}

export async function startLocalPostgres(template: PgTemplate): Promise<PostgresInstance> {
  const suiteDir = makeScratchDir('pg');
  const dir = trackDir(suiteDir);
  try {
    const dataDir = join(suiteDir, 'data');
    const copy = spawnSync('cp', ['-a', template.dataDir, dataDir]);
    if (copy.status !== 0) throw new Error(`could not copy the template cluster: ${copy.stderr}`);
    chownTree(suiteDir, template.user);
    const logFile = join(suiteDir, 'postgres.log');

    const { server, port } = await withPortRetry(async (port) => {
      const server = spawnServer(
        join(template.binDir, 'postgres'),
        ['-D', dataDir, '-p', String(port), '-k', suiteDir],
        logFile,
        template.user,
      );
      try {
        await waitUntilReady(server, () => pgReady(dataDir), 'PostgreSQL', logFile);
      } catch (error) {
        if (/could not bind|already in use/i.test(logTail(logFile))) {
          rmSync(join(dataDir, 'postmaster.pid'), { force: true });
          throw new PortInUseError(String(error));
        }
        throw error;
      }
      return { server, port };
    });

    const base = `postgres://${PG_SUPERUSER}@127.0.0.1:${port}`;
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    const serverVersion = (await admin.query('SHOW server_version')).rows[0]
      .server_version as string;
    await admin.query(`CREATE DATABASE ${PG_DATABASE}`);
    await admin.end();
    const url = `${base}/${PG_DATABASE}`;
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    await setup.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await setup.end();
    const snapshots = await pgSnapshots(`${base}/postgres`, PG_DATABASE);

    return {
      url,
      database: PG_DATABASE,
      serverVersion,
      provider: 'local',
      metadata: {
        provider: 'local',
        serverVersion,
        isolation: 'strong',
        settings: { ...PG_SETTINGS, binaries: template.source, dataDir: 'tmpfs copy of template' },
      },
      snapshot: snapshots.snapshot,
      restore: snapshots.restore,
      async stop() {
        await snapshots.close();
        // Immediate shutdown: the data is thrown away, so there is nothing to flush.
        await stopServer(server, 'SIGQUIT');
        rmSync(suiteDir, { recursive: true, force: true });
        dir.release();
      },
    };
  } catch (error) {
    // The watchdog would clean up at exit; a failed start should not wait that long.
    rmSync(suiteDir, { recursive: true, force: true });
    throw error;
  }
}
