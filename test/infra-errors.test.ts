import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InfraUnavailableError } from '../src/infra/errors.ts';
import {
  EMBEDDED_PG_PACKAGE,
  type FoundBinary,
  findPostgres,
  findRedis,
} from '../src/infra/local/binaries.ts';
import {
  createPgTemplate,
  removePgTemplate,
  startLocalPostgres,
} from '../src/infra/local/postgres.ts';
import { spawnServer, waitUntilReady } from '../src/infra/local/process.ts';
import { findLocalBinaries } from '../src/infra/local/provider.ts';
import { startLocalRedis } from '../src/infra/local/redis.ts';
import { selectProvider } from '../src/infra/select-provider.ts';
import { isRunning, privateScratchRoot } from './support/servers.ts';

/**
 * What users see when something is missing or broken: errors that list what was tried and how
 * to fix it, and servers that fail to start showing their log, with nothing left behind.
 */
const scratch = privateScratchRoot('errors-test');
const savedTmpdir = process.env.LAB_TMPDIR;
process.env.LAB_TMPDIR = scratch;

afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.LAB_TMPDIR;
  else process.env.LAB_TMPDIR = savedTmpdir;
  rmSync(scratch, { recursive: true, force: true });
});

/** Writes fake executables (shell scripts) into `dir`. */
function writeScripts(dir: string, scripts: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [file, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, file), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  return dir;
}

/** A dir of fake executables under the private scratch root. */
const fakeBin = (name: string, scripts: Record<string, string>): string =>
  writeScripts(join(scratch, `fake-${name}`), scripts);

const fakePostgres = (version: string) => ({
  postgres: `echo "postgres (PostgreSQL) ${version}"`,
  initdb: `echo "initdb (PostgreSQL) ${version}"`,
});

const NO_PG_BIN = '/nonexistent/postgresql/bin';
const NO_REDIS_BIN = '/nonexistent/redis-server';
const nothingLocal: NodeJS.ProcessEnv = { PG_BIN: NO_PG_BIN, REDIS_BIN: NO_REDIS_BIN, PATH: '' };

describe('findPostgres', () => {
  it('uses PG_BIN alone when set: an explicit choice must be valid, not silently replaced', () => {
    expect(findPostgres({ env: { PG_BIN: NO_PG_BIN } })).toEqual({
      tried: [`PG_BIN: ${NO_PG_BIN} has no executable postgres and initdb`],
    });
  });

  it('lists every place it looked when nothing is installed', () => {
    const emptyRoot = join(scratch, 'empty-system-root');
    mkdirSync(emptyRoot, { recursive: true });
    expect(findPostgres({ env: {}, embeddedBinDir: null, systemRoot: emptyRoot })).toEqual({
      tried: [
        'PG_BIN: not set',
        `${EMBEDDED_PG_PACKAGE}: not installed`,
        `${emptyRoot}/*/bin: no PostgreSQL server found`,
      ],
    });
  });

  it('reports an embedded package without binaries and skips system majors without them', () => {
    const emptyEmbedded = fakeBin('embedded-empty', {});
    // A major with postgres but no initdb (a client-only or broken install) does not count.
    const root = join(scratch, 'system-root-incomplete');
    writeScripts(join(root, '16', 'bin'), { postgres: 'exit 0' });
    const lookup = findPostgres({ env: {}, embeddedBinDir: emptyEmbedded, systemRoot: root });
    expect(lookup.found).toBeUndefined();
    expect(lookup.tried).toEqual([
      'PG_BIN: not set',
      `${root}/*/bin: no PostgreSQL server found`,
      `${EMBEDDED_PG_PACKAGE}: ${emptyEmbedded} has no executable postgres and initdb`,
    ]);
  });

  it('picks the newest Debian-layout major (numerically) and reads its version', () => {
    const root = join(scratch, 'system-root');
    for (const [major, version] of [
      ['9', '9.6.24'],
      ['17', '17.2'],
      ['16', '16.6'],
    ] as const) {
      writeScripts(join(root, major, 'bin'), fakePostgres(version));
    }
    expect(findPostgres({ env: {}, embeddedBinDir: null, systemRoot: root })).toEqual({
      found: { source: 'system', path: join(root, '17', 'bin'), version: '17.2' },
      tried: ['PG_BIN: not set', `${EMBEDDED_PG_PACKAGE}: not installed`],
    });
  });
});

describe('findRedis', () => {
  it('uses REDIS_BIN alone when set', () => {
    expect(findRedis({ REDIS_BIN: NO_REDIS_BIN, PATH: '/usr/bin:/bin' })).toEqual({
      tried: [`REDIS_BIN: ${NO_REDIS_BIN} is not an executable file`],
    });
  });

  it('says it looked on PATH when PATH has none', () => {
    expect(findRedis({ PATH: '' })).toEqual({
      tried: ['REDIS_BIN: not set', 'redis-server: not on PATH'],
    });
  });

  it('finds redis-server on PATH and reads its version', () => {
    const dir = fakeBin('redis', {
      'redis-server': 'echo "Redis server v=7.2.4 sha=00000000:0 malloc=libc bits=64"',
    });
    expect(findRedis({ PATH: `/nonexistent:${dir}` })).toEqual({
      found: { source: 'PATH', path: join(dir, 'redis-server'), version: '7.2.4' },
      tried: ['REDIS_BIN: not set'],
    });
  });
});

describe('no local binaries', () => {
  const catchError = (run: () => unknown): InfraUnavailableError => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(InfraUnavailableError);
      return error as InfraUnavailableError;
    }
    throw new Error('expected an InfraUnavailableError');
  };

  it('findLocalBinaries lists what was tried for both servers and every fix', () => {
    const error = catchError(() => findLocalBinaries(nothingLocal));
    expect(error.message).toBe(
      [
        'No local PostgreSQL or Redis server binaries found.',
        'Tried:',
        `  - PostgreSQL PG_BIN: ${NO_PG_BIN} has no executable postgres and initdb`,
        `  - Redis REDIS_BIN: ${NO_REDIS_BIN} is not an executable file`,
        'Fix one of:',
        ...error.fixes.map((fix) => `  - ${fix}`),
      ].join('\n'),
    );
    for (const fix of [
      'pnpm install',
      'apt-get install postgresql',
      'PG_BIN=',
      'apt-get install redis-server',
      'REDIS_BIN=',
      'scripts/setup.sh',
    ]) {
      expect(error.message).toContain(fix);
    }
  });

  it('names only the missing server and its fixes', () => {
    const pgBin = fakeBin('pg-only', fakePostgres('18.4'));
    const error = catchError(() =>
      findLocalBinaries({ PG_BIN: pgBin, REDIS_BIN: NO_REDIS_BIN, PATH: '' }),
    );
    expect(error.message).toMatch(/^No local Redis server binaries found\.\n/);
    expect(error.tried).toEqual([`Redis REDIS_BIN: ${NO_REDIS_BIN} is not an executable file`]);
    expect(error.message).toContain('apt-get install redis-server');
    expect(error.message).not.toContain('apt-get install postgresql');
    expect(error.message).not.toContain('pnpm install');
  });

  it('finds both when both are there', () => {
    const pgBin = fakeBin('pg-both', fakePostgres('18.4'));
    const redisBin = fakeBin('redis-both', { 'redis-server': 'echo "Redis server v=7.0.15"' });
    expect(findLocalBinaries({ PG_BIN: pgBin, PATH: redisBin })).toEqual({
      postgres: { source: 'PG_BIN', path: pgBin, version: '18.4' },
      redis: { source: 'PATH', path: join(redisBin, 'redis-server'), version: '7.0.15' },
    });
  });

  it('LAB_INFRA=local surfaces the same error, without creating anything', async () => {
    const expected = catchError(() => findLocalBinaries(nothingLocal));
    const before = readdirSync(scratch);
    const error = await selectProvider({ env: { ...nothingLocal, LAB_INFRA: 'local' } }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(InfraUnavailableError);
    expect((error as Error).message).toBe(expected.message);
    expect(readdirSync(scratch)).toEqual(before);
  });
});

describe('a server that fails to start', () => {
  const realPostgres = findPostgres().found;
  const scratchDirs = (prefix: RegExp) => readdirSync(scratch).filter((name) => prefix.test(name));

  it.skipIf(!realPostgres)(
    'PostgreSQL: the error shows the log tail, and the process and suite dir are gone',
    async () => {
      const template = await createPgTemplate(realPostgres as FoundBinary);
      try {
        appendFileSync(join(template.dataDir, 'postgresql.conf'), '\nbogus_setting = 1\n');
        const error = await startLocalPostgres(template).then(
          () => undefined,
          (reason: unknown) => reason as Error,
        );
        expect(error).toBeInstanceOf(Error);
        const message = (error as Error).message;
        expect(message).toMatch(/^PostgreSQL exited \(1\) before it was ready\. Log tail:\n/);
        expect(message).toContain('unrecognized configuration parameter "bogus_setting"');
        // The log names the suite's config file and the server's pid; both must be gone.
        const suiteDir = /configuration file "(.+)\/data\/postgresql\.conf" contains errors/.exec(
          message,
        )?.[1];
        const pid = Number(/\[(\d+)\] FATAL/.exec(message)?.[1]);
        expect(suiteDir).toMatch(new RegExp(`^${scratch}/lab-pg-`));
        expect(existsSync(suiteDir as string)).toBe(false);
        expect(pid).toBeGreaterThan(0);
        expect(isRunning(pid)).toBe(false);
        expect(scratchDirs(/^lab-pg-(?!template-)/)).toEqual([]);
      } finally {
        removePgTemplate(template);
      }
      expect(scratchDirs(/^lab-pg-/)).toEqual([]);
    },
  );

  it('Redis: the error shows the log tail and the suite dir is gone', async () => {
    const dir = fakeBin('redis-broken', {
      'redis-server': [
        'echo "# Bad directive or wrong number of arguments"',
        'echo "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***"',
        'exit 1',
      ].join('\n'),
    });
    const binary: FoundBinary = { source: 'test', path: join(dir, 'redis-server'), version: '7' };
    await expect(startLocalRedis(binary)).rejects.toThrow(
      /^Redis exited \(1\) before it was ready\. Log tail:\n# Bad directive.*\n\*\*\* FATAL CONFIG FILE ERROR/,
    );
    expect(scratchDirs(/^lab-redis-/)).toEqual([]);
  });

  it('a server that never gets ready is killed, not left running', async () => {
    // A real process that never says "ready": waitUntilReady must stop it when it gives up.
    const logFile = join(scratch, 'never-ready.log');
    const server = spawnServer('sleep', ['300'], logFile, undefined);
    const pid = server.child.pid as number;
    expect(isRunning(pid)).toBe(true);
    await expect(waitUntilReady(server, () => false, 'Sleeper', logFile, 200)).rejects.toThrow(
      /^Sleeper was not ready after 200 ms\. Log tail:/,
    );
    expect(isRunning(pid)).toBe(false);
  });
});
