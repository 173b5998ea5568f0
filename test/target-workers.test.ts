import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstream, type Upstream } from '../src/infra/upstream.ts';
import { useLab } from '../src/infra/vitest.ts';
import { startTarget } from '../src/launcher/launch.ts';
import { getTarget, TARGETS } from '../src/launcher/registry.ts';
import { withTarget } from '../src/launcher/runner.ts';
import { runInProcess } from '../src/load/inprocess/engine.ts';
import { processGroupAlive, processGroupMembers } from '../src/load/proc-sampler.ts';
import { takesWorkers } from '../src/load/stress/sweep.ts';

/**
 * `{workers}` on the Node targets: node:cluster workers behind one port when more than one,
 * conformant, sampled as one process group, stopped gracefully as a whole.
 */
describe('Node targets with {workers}', () => {
  const lab = useLab({ fixtures: ['users'], scale: 0.01 });
  let upstream: Upstream | undefined;
  beforeAll(async () => {
    upstream = await startUpstream({ delayMs: 0 });
  });
  afterAll(async () => {
    await upstream?.stop();
  });
  const env = () => ({
    DATABASE_URL: lab.pg.url,
    REDIS_URL: lab.redis.url,
    UPSTREAM_URL: (upstream as Upstream).url,
  });

  it('every Node and Python manifest takes {workers}; the Go ones do not (GOMAXPROCS)', () => {
    for (const target of TARGETS) {
      expect(takesWorkers(target), target.name).toBe(target.language !== 'go');
    }
  });

  it('fastify with 2 workers: three processes in its group, conformant, stopped gracefully', async () => {
    let pid = 0;
    const result = await withTarget(
      'fastify',
      env(),
      async (session) => {
        pid = session.target.pid;
        expect(session.conformance?.failed).toEqual([]);
        expect(processGroupMembers(pid)).toHaveLength(3);
        expect(session.meta['target.workers']).toBe(2);
        return session.measure((signal) =>
          runInProcess({
            baseUrl: session.url,
            scenario: 'users-get',
            target: 'fastify',
            settings: { model: 'closed', concurrency: 4, durationSeconds: 1 },
            request: (i) => ({ method: 'GET', path: `/users/${(i % 50) + 1}` }),
            signal,
          }),
        );
      },
      { workers: 2, reset: () => lab.reset() },
    );
    expect(result.failure).toBeUndefined();
    expect(result.errors).toBe(0);
    expect(result.requests).toBeGreaterThan(0);
    expect(processGroupAlive(pid)).toBe(false);
  });

  it('a worker that dies takes the target down (exit 1), not hidden behind the other', async () => {
    const target = await startTarget(getTarget('express'), env(), { workers: 2 });
    try {
      const workers = processGroupMembers(target.pid).filter((p) => p !== target.pid);
      expect(workers).toHaveLength(2);
      process.kill(workers[0] as number, 'SIGKILL');
      expect(await target.exited).toBe(1);
      expect(target.logTail()).toMatch(/worker \d+ exited \(SIGKILL\); stopping the others/);
    } finally {
      await target.stop();
    }
  });

  it('refuses a bad LAB_WORKERS with one line and exit 2', async () => {
    await expect(
      startTarget(getTarget('express'), env(), {
        extraEnv: { LAB_WORKERS: 'two' },
        timeoutMs: 10_000,
      }),
    ).rejects.toThrow(/exited \(2\)[\s\S]*LAB_WORKERS="two" is invalid/);
  });
});
