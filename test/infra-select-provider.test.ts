import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InfraUnavailableError } from '../src/infra/errors.ts';
import {
  disposeSpec,
  infraModeFromEnv,
  type ProviderSpec,
  selectProvider,
} from '../src/infra/select-provider.ts';
import { privateScratchRoot } from './support/servers.ts';

/**
 * Provider selection with no container runtime. testcontainers reads DOCKER_HOST from
 * process.env (not from selectProvider's `env`) and caches that configuration for the life of
 * the process, so this file sets it once, before the first probe, to a fake engine that records
 * requests and hangs up: the probe must reach it, fail, and selection must move on. This file has
 * its own worker process (vitest isolates files), so nothing else sees the cached configuration.
 */
const probes: string[] = [];
const fakeEngine = createServer((socket) => {
  socket.once('data', (data) => {
    probes.push(data.toString('latin1').split('\r\n')[0] ?? '');
    socket.destroy();
  });
  socket.on('error', () => {});
});
await new Promise<void>((resolve) => fakeEngine.listen(0, '127.0.0.1', resolve));
const address = fakeEngine.address();
if (!address || typeof address !== 'object') throw new Error('fake engine has no port');
const DOCKER_HOST = `tcp://127.0.0.1:${address.port}`;

/** Everything this file's selections create goes here, so it can be checked exactly. */
const scratch = privateScratchRoot('select-test');
const saved = { DOCKER_HOST: process.env.DOCKER_HOST, LAB_TMPDIR: process.env.LAB_TMPDIR };
process.env.DOCKER_HOST = DOCKER_HOST;
process.env.LAB_TMPDIR = scratch;

afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(scratch, { recursive: true, force: true });
  await new Promise((resolve) => fakeEngine.close(resolve));
});

/**
 * testcontainers falls through to other strategies when DOCKER_HOST fails; where a real engine
 * listens on one of their sockets, "no runtime answers" cannot be arranged.
 */
const realEngineSocket = [
  '/var/run/docker.sock',
  process.env.XDG_RUNTIME_DIR && join(process.env.XDG_RUNTIME_DIR, 'docker.sock'),
  join(homedir(), '.docker', 'run', 'docker.sock'),
  join(homedir(), '.docker', 'desktop', 'docker.sock'),
  join('/run/user', String(process.getuid?.() ?? 0), 'docker.sock'),
  join(homedir(), '.testcontainers.properties'),
].find((path) => path && existsSync(path));

/** An environment where nothing local or external is available. */
const nothingAvailable = (mode: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LAB_INFRA: mode,
    PG_BIN: '/nonexistent/postgresql/bin',
    REDIS_BIN: '/nonexistent/redis-server',
    PATH: '',
  };
  delete env.LAB_PG_URL;
  delete env.LAB_REDIS_URL;
  return env;
};

const rejection = async (promise: Promise<unknown>): Promise<InfraUnavailableError> => {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(InfraUnavailableError);
  return error as InfraUnavailableError;
};

describe('LAB_INFRA parsing', () => {
  it('defaults to auto and ignores surrounding blanks', () => {
    expect(infraModeFromEnv({})).toBe('auto');
    expect(infraModeFromEnv({ LAB_INFRA: '' })).toBe('auto');
    expect(infraModeFromEnv({ LAB_INFRA: '  ' })).toBe('auto');
    expect(infraModeFromEnv({ LAB_INFRA: ' local ' })).toBe('local');
  });

  it.each(['docker', 'LOCAL', 'extern'])(
    'rejects LAB_INFRA=%s, listing the valid values',
    (value) => {
      expect(() => infraModeFromEnv({ LAB_INFRA: value })).toThrow(
        `Unknown LAB_INFRA="${value}". Valid values: auto, testcontainers, local, external.`,
      );
    },
  );

  it('selectProvider rejects an invalid LAB_INFRA before probing anything', async () => {
    const before = probes.length;
    await expect(selectProvider({ env: { LAB_INFRA: 'containers' } })).rejects.toThrow(
      'Valid values: auto, testcontainers, local, external.',
    );
    expect(probes.length).toBe(before);
    expect(readdirSync(scratch)).toEqual([]);
  });
});

describe.skipIf(realEngineSocket)('selection without a container runtime', () => {
  it('auto falls back from testcontainers to local binaries', async () => {
    const before = probes.length;
    let spec: ProviderSpec | undefined;
    try {
      spec = await selectProvider({
        env: { ...process.env, LAB_INFRA: 'auto', DOCKER_HOST },
        runtimeTimeoutMs: 30_000,
      });
      // The probe went to DOCKER_HOST (dockerode asks the engine for /info) and got no answer.
      expect(probes.slice(before)).toContainEqual(expect.stringMatching(/^GET \S*\/info HTTP/));
      expect(spec).toMatchObject({ kind: 'local', mode: 'auto' });
      expect(spec.tried[0]).toMatch(/^testcontainers: no container runtime answered \(.+\)$/);
      expect(spec.tried[0]).not.toMatch(/no answer within/);
      expect(spec.tried[1]).toMatch(/^local: PostgreSQL \S+ \(.+\), Redis \S+ \(.+\)$/);
      expect(spec.tried).toHaveLength(2);
      if (spec.kind !== 'local') throw new Error('not local');
      expect(existsSync(spec.template.dataDir)).toBe(true);
      expect(readdirSync(scratch)).toEqual([expect.stringMatching(/^lab-pg-template-/)]);
    } finally {
      if (spec) disposeSpec(spec);
    }
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('LAB_INFRA=testcontainers fails with a clear error instead of falling back', async () => {
    const before = probes.length;
    const error = await rejection(
      selectProvider({ env: { ...process.env, LAB_INFRA: 'testcontainers', DOCKER_HOST } }),
    );
    expect(probes.length).toBeGreaterThan(before);
    expect(error.message).toMatch(/^LAB_INFRA=testcontainers, but no container runtime answered\./);
    expect(error.tried).toEqual([
      expect.stringMatching(/^testcontainers: no container runtime answered \(.+\)$/),
    ]);
    expect(error.message).toContain('start a Docker engine');
    expect(error.message).toContain('LAB_INFRA=auto');
    // It did not go on to make a local template.
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('auto with nothing available explains every option: Docker, local binaries, URLs', async () => {
    const error = await rejection(selectProvider({ env: nothingAvailable('auto') }));
    expect(error.message).toMatch(/^No way to run PostgreSQL and Redis was found\.\nTried:\n/);
    expect(error.tried).toEqual([
      expect.stringMatching(/^testcontainers: no container runtime answered/),
      'local: PostgreSQL PG_BIN: /nonexistent/postgresql/bin has no executable postgres and initdb',
      'local: Redis REDIS_BIN: /nonexistent/redis-server is not an executable file',
      'external: LAB_PG_URL and LAB_REDIS_URL not set',
    ]);
    for (const fix of [
      'start a Docker engine',
      'pnpm install',
      'apt-get install postgresql',
      'apt-get install redis-server',
      'scripts/setup.sh',
      'LAB_INFRA=external LAB_PG_URL=',
    ]) {
      expect(error.message).toContain(fix);
    }
    expect(readdirSync(scratch)).toEqual([]);
  });

  it('auto falls through to external URLs when only those are set', async () => {
    const env = {
      ...nothingAvailable('auto'),
      LAB_PG_URL: 'postgres://lab@db.example:5432/postgres',
      LAB_REDIS_URL: 'redis://cache.example:6379',
    };
    const spec = await selectProvider({ env });
    expect(spec).toMatchObject({
      kind: 'external',
      mode: 'auto',
      pgUrl: env.LAB_PG_URL,
      redisUrl: env.LAB_REDIS_URL,
    });
    expect(spec.tried).toEqual([
      expect.stringMatching(/^testcontainers: no container runtime answered/),
      expect.stringMatching(/^local: PostgreSQL PG_BIN: /),
      expect.stringMatching(/^local: Redis REDIS_BIN: /),
    ]);
  });
});

describe('LAB_INFRA=external', () => {
  it('names the missing URL and does not probe a container runtime', async () => {
    const before = probes.length;
    const env = { ...nothingAvailable('external'), LAB_PG_URL: 'postgres://lab@db.example/x' };
    const error = await rejection(selectProvider({ env }));
    expect(error.message).toMatch(/^LAB_INFRA=external needs both LAB_PG_URL and LAB_REDIS_URL\./);
    expect(error.tried).toEqual(['external: LAB_REDIS_URL not set']);
    expect(error.fixes).toEqual([expect.stringContaining('LAB_INFRA=external LAB_PG_URL=')]);
    expect(probes.length).toBe(before);
  });
});
