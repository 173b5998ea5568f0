import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab } from '../src/infra/lab.ts';
import { scratchRoot } from '../src/infra/local/process.ts';
import { disposeSpec, type ProviderSpec, selectProvider } from '../src/infra/select-provider.ts';
import { childrenOf, isRunning, pgServerInfo, redisServerInfo } from './support/servers.ts';

/**
 * The local provider end to end, forced with LAB_INFRA=local whatever the run's own provider is:
 * servers answer, metadata tells the truth about them, and stop() leaves no process or dir behind.
 * Facts are read from the servers themselves (postmaster.pid, INFO, CONFIG), not from the harness.
 */
describe('local provider lifecycle', () => {
  let spec: ProviderSpec | undefined;

  beforeAll(async () => {
    spec = await selectProvider({ env: { ...process.env, LAB_INFRA: 'local' } });
  });

  afterAll(() => {
    if (spec) disposeSpec(spec);
  });

  const localSpec = () => {
    if (spec?.kind !== 'local') throw new Error(`expected a local spec, got ${spec?.kind}`);
    return spec;
  };

  it('selects local binaries for LAB_INFRA=local and says which', () => {
    const local = localSpec();
    expect(local.mode).toBe('local');
    expect(local.tried).toEqual([
      `local: PostgreSQL ${local.template.version} (${local.template.source}), Redis ${local.redis.version} (${local.redis.source})`,
    ]);
    expect(local.template.version).toMatch(/^\d+(\.\d+)*$/);
    expect(local.redis.version).toMatch(/^\d+(\.\d+)*$/);
    expect(existsSync(local.template.dataDir)).toBe(true);
  });

  it('starts servers that answer, records their real settings, and stop() removes everything', async () => {
    const local = localSpec();
    const lab = await startLab({ fixtures: 'none', spec: local });
    let stopped = false;
    try {
      const client = new pg.Client({ connectionString: lab.pg.url });
      await client.connect();
      try {
        expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await client.end();
      }
      const redis = new Redis(lab.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      try {
        expect(await redis.ping()).toBe('PONG');
      } finally {
        redis.disconnect();
      }

      // The versions are those of the binaries the lookup found.
      expect(lab.pg.serverVersion.split(' ')[0]).toBe(local.template.version);
      expect(lab.redis.serverVersion).toBe(local.redis.version);

      expect(lab.pg.provider).toBe('local');
      expect(lab.redis.provider).toBe('local');
      expect(lab.pg.metadata).toMatchObject({
        provider: 'local',
        isolation: 'strong',
        serverVersion: lab.pg.serverVersion,
        settings: {
          fsync: 'off',
          synchronous_commit: 'off',
          full_page_writes: 'off',
          binaries: local.template.source,
        },
      });
      expect(lab.redis.metadata).toMatchObject({
        provider: 'local',
        isolation: 'strong',
        serverVersion: lab.redis.serverVersion,
        settings: { persistence: 'off', binary: local.redis.source },
      });

      // What the metadata claims is what the servers run with.
      const pgInfo = await pgServerInfo(lab.pg.url);
      expect(pgInfo.settings).toMatchObject({
        fsync: 'off',
        synchronous_commit: 'off',
        full_page_writes: 'off',
        server_version: lab.pg.serverVersion,
      });
      const redisInfo = await redisServerInfo(lab.redis.url);
      expect(redisInfo).toMatchObject({ save: '', appendonly: 'no' });

      // postmaster.pid names the process that forked our backend: the real server.
      expect(pgInfo.backendParentPid).toBe(pgInfo.postmasterPid);
      expect(isRunning(pgInfo.postmasterPid)).toBe(true);
      // Checkpointer, walwriter, … and our backend while it ran: all must go with the server.
      const pgChildren = childrenOf(pgInfo.postmasterPid);
      expect(pgChildren.length).toBeGreaterThan(1);
      expect(isRunning(redisInfo.pid)).toBe(true);

      // Each server lives in a scratch dir of its own under the scratch root.
      expect(dirname(pgInfo.suiteDir)).toBe(scratchRoot());
      expect(basename(pgInfo.suiteDir)).toMatch(/^lab-pg-(?!template-)/);
      expect(dirname(redisInfo.dir)).toBe(scratchRoot());
      expect(basename(redisInfo.dir)).toMatch(/^lab-redis-/);
      expect(existsSync(pgInfo.dataDir)).toBe(true);
      expect(existsSync(redisInfo.dir)).toBe(true);

      await lab.stop();
      stopped = true;

      expect(isRunning(pgInfo.postmasterPid)).toBe(false);
      expect(pgChildren.filter(isRunning)).toEqual([]);
      expect(isRunning(pgInfo.backendPid)).toBe(false);
      expect(isRunning(redisInfo.pid)).toBe(false);
      expect(existsSync(pgInfo.suiteDir)).toBe(false);
      expect(existsSync(redisInfo.dir)).toBe(false);
      // Stopping a suite's servers leaves the run's template alone.
      expect(existsSync(local.template.dataDir)).toBe(true);
    } finally {
      if (!stopped) await lab.stop();
    }
  });

  it('disposeSpec() removes the template cluster', () => {
    const local = localSpec();
    expect(existsSync(local.template.runDir)).toBe(true);
    disposeSpec(local);
    spec = undefined;
    expect(existsSync(local.template.runDir)).toBe(false);
  });
});
