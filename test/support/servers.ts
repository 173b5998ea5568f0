import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { scratchRoot } from '../../src/infra/local/process.ts';

/**
 * Facts about running lab servers, read from the servers themselves (not from the harness), so
 * tests can check the harness's own claims and cleanup against them.
 */
export interface PgServerInfo {
  /** The postmaster (process group leader), from the data dir's postmaster.pid. */
  postmasterPid: number;
  /** The backend serving the inspecting connection, and its parent (read while it ran). */
  backendPid: number;
  backendParentPid: number | undefined;
  dataDir: string;
  /** The per-suite scratch dir holding the data dir, the socket and the log. */
  suiteDir: string;
  settings: Record<string, string>;
}

export interface RedisServerInfo {
  pid: number;
  /** `--dir` of the server: the per-suite scratch dir. */
  dir: string;
  version: string;
  save: string;
  appendonly: string;
}

export async function pgServerInfo(url: string): Promise<PgServerInfo> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const show = async (name: string): Promise<string> =>
      (await client.query(`SHOW ${name}`)).rows[0][name] as string;
    const dataDir = await show('data_directory');
    const settings: Record<string, string> = {};
    for (const name of ['fsync', 'synchronous_commit', 'full_page_writes', 'server_version'])
      settings[name] = await show(name);
    const backendPid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const backendParentPid = procStat(backendPid)?.ppid;
    // Line 1 of postmaster.pid is the postmaster's pid (root can read it whoever owns the dir).
    const postmasterPid = Number(
      readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    return {
      postmasterPid,
      backendPid,
      backendParentPid,
      dataDir,
      suiteDir: dirname(dataDir),
      settings,
    };
  } finally {
    await client.end();
  }
}

export async function redisServerInfo(url: string): Promise<RedisServerInfo> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    const info = await client.info('server');
    const field = (name: string) => new RegExp(`^${name}:(\\S+)`, 'm').exec(info)?.[1] ?? '';
    const config = async (name: string) =>
      ((await client.config('GET', name)) as string[])[1] ?? '';
    return {
      pid: Number(field('process_id')),
      dir: await config('dir'),
      version: field('redis_version'),
      save: await config('save'),
      appendonly: await config('appendonly'),
    };
  } finally {
    client.disconnect();
  }
}

/** Parent pid and state letter from /proc (Linux), or undefined when there is no such process. */
export function procStat(pid: number): { ppid: number; state: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ppid …": comm may contain spaces and parentheses, so split after the last ')'.
    const [state = '', ppid = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(ppid), state };
  } catch {
    return undefined;
  }
}

/** A process that exists and is not a zombie (which has exited; only its reaping is left). */
export function isRunning(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * Running children of `pid`. PostgreSQL's children call setsid(), so they are not in the
 * postmaster's process group: a test must find them by parent, before the parent goes away.
 */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((child) => procStat(child)?.ppid === pid && isRunning(child));
}

/** Polls `check` until it returns true; returns false if `timeoutMs` passed first. */
export async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
}

/**
 * Shared memory a process has mapped: files under /dev/shm (PostgreSQL's POSIX dynamic shared
 * memory) and SysV segment keys (PostgreSQL's interlock segment). Both outlive a SIGKILLed server.
 */
export function sharedMemoryOf(pid: number): { files: string[]; sysvKeys: number[] } {
  const files = new Set<string>();
  const sysvKeys = new Set<number>();
  for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
    const path = line.split(/\s+/).slice(5).join(' ');
    if (path.startsWith('/dev/shm/')) files.add(path);
    const sysv = /^\/SYSV([0-9a-f]{8})/.exec(path);
    if (sysv?.[1]) sysvKeys.add(Number.parseInt(sysv[1], 16));
  }
  return { files: [...files], sysvKeys: [...sysvKeys] };
}

/** Keys of the SysV shared memory segments that exist (Linux /proc/sysvipc/shm). */
export function sysvSegmentKeys(): number[] {
  return readFileSync('/proc/sysvipc/shm', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/)[0])
    .filter((key): key is string => Boolean(key))
    .map(Number);
}

/**
 * A scratch root of one's own (for LAB_TMPDIR), inside the usual one, so a test can list exactly
 * what the code under test created there while other suites run. World-traversable: the servers
 * run as an unprivileged user when we are root and must reach their dirs inside it.
 */
export function privateScratchRoot(label: string): string {
  const root = mkdtempSync(join(scratchRoot(), `lab-${label}-`));
  chmodSync(root, 0o755);
  return root;
}
