import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTarget } from '../src/conformance/index.ts';
import { startUpstream, type Upstream } from '../src/infra/upstream.ts';
import { useLab } from '../src/infra/vitest.ts';
import { type RunningTarget, startTarget } from '../src/launcher/launch.ts';
import { REPO_ROOT } from '../src/launcher/registry.ts';

const TSC = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
const NEST_TSCONFIG = join(REPO_ROOT, 'src/targets/nestjs/tsconfig.build.json');

const lab = useLab({ fixtures: ['users'], scale: 0.01 });
let upstream: Upstream | undefined;

beforeAll(async () => {
  // The NestJS entries are tsc output (decorators): build them here, so the test never runs a
  // missing or stale build whether or not `pnpm build:targets` ran first.
  await promisify(execFile)(process.execPath, [TSC, '-p', NEST_TSCONFIG], { cwd: REPO_ROOT });
  upstream = await startUpstream();
});

afterAll(async () => {
  await upstream?.stop();
});

describe.each(['nestjs-express', 'nestjs-fastify'])('target %s', (name) => {
  let target: RunningTarget | undefined;

  beforeAll(async () => {
    // Each target starts from the seeded state, whatever the previous one created.
    await lab.reset();
    target = await startTarget(name, {
      DATABASE_URL: lab.pg.url,
      UPSTREAM_URL: (upstream as Upstream).url,
    });
  });

  afterAll(async () => {
    await target?.stop();
  });

  it('passes every contract check', async () => {
    const report = await verifyTarget((target as RunningTarget).url);
    expect(report.failed).toEqual([]);
    expect(report.passed.length).toBeGreaterThan(0);
  });

  it('reports nestjs and its adapter on /meta', async () => {
    const response = await fetch(`${(target as RunningTarget).url}/meta`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      target: name,
      framework: 'nestjs',
      adapter: name.replace('nestjs-', ''),
      dataLayer: 'pg',
      runtime: 'node',
    });
  });

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    const running = target as RunningTarget;
    target = undefined;
    expect(await running.stop()).toEqual({ graceful: true, exit: 0, exited: true });
  });
});
