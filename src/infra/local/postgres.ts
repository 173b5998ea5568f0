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

/**
 * initdb once per run, then start the template once to create the suite database and its
 * extensions, so each suite only copies files and starts a server (CREATE DATABASE alone would
 * cost more than the whole start). The clean shutdown spares every copy a crash recovery.
 */
export async function createPgTemplate(binary: FoundBinary): Promise<PgTemplate> {
  const user = serverUser();
  const runDir = makeScratchDir('pg-template');
  const tracked = trackDir(runDir);
  try {
    chownTree(runDir, user);
    const binDir = reachableBinDir(binary, user, runDir);
    const dataDir = join(runDir, 'data');
    const initdbArgs = [
      '-D',
      dataDir,
      '-U',
      PG_SUPERUSER,
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
    ];
    // 1 MB WAL segments instead of 16: less to copy per suite, and the WAL is throwaway anyway.
    initdbArgs.push('--wal-segsize=1', '--no-sync', '--no-instructions');
    const result = spawnSync(join(binDir, 'initdb'), initdbArgs, {
      encoding: 'utf8',
      timeout: 60_000,
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
    if (result.status !== 0) {
      const stderr = (result.stderr ?? '').trim().split('\n').slice(-15).join('\n');
      const why = result.error ? `, ${result.error.message}` : '';
      throw new Error(
        `initdb failed (${join(binDir, 'initdb')}, exit ${result.status}${why}):\n${stderr}`,
      );
    }
    const conf = Object.entries(PG_SETTINGS)
      .map(([key, value]) => `${key} = '${value}'`)
      .join('\n');
    appendFileSync(join(dataDir, 'postgresql.conf'), `\n# Backend Benchmark Lab\n${conf}\n`);

    const logFile = join(runDir, 'template.log');
    const server = spawnServer(
      join(binDir, 'postgres'),
      ['-D', dataDir, '-k', runDir, '-c', 'listen_addresses='],
      logFile,
      user,
      'SIGQUIT',
    );
    try {
      await waitUntilReady(server, () => pgReady(dataDir), 'PostgreSQL (template)', logFile);
      const admin = new pg.Client({ host: runDir, user: PG_SUPERUSER, database: 'postgres' });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${PG_DATABASE}`);
      await admin.end();
      const lab = new pg.Client({ host: runDir, user: PG_SUPERUSER, database: PG_DATABASE });
      await lab.connect();
      await lab.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await lab.end();
    } finally {
      // SIGINT = fast shutdown with a checkpoint: copies start without recovery.
      await stopServer(server, 'SIGINT', 10_000);
    }
    templateGuards.set(runDir, tracked);
    return { runDir, dataDir, binDir, version: binary.version, source: binary.source, user };
  } catch (error) {
    rmSync(runDir, { recursive: true, force: true });
    tracked.release();
    throw error;
  }
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
        'SIGQUIT',
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
    const url = `${base}/${PG_DATABASE}`;
    const snapshots = await pgSnapshots(`${base}/postgres`, PG_DATABASE);
    const serverVersion = snapshots.serverVersion;

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
