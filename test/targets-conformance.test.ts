import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyTarget } from '../src/conformance/index.ts';
import { startUpstream, type Upstream } from '../src/infra/upstream.ts';
import { useLab } from '../src/infra/vitest.ts';
import { type RunningTarget, startTarget } from '../src/launcher/launch.ts';
import { frameworkVersion, getTarget } from '../src/launcher/registry.ts';

/** Targets checked against the contract; add a name here once its folder and registry entry exist. */
const TARGET_NAMES = ['express', 'fastify'];

describe.each(TARGET_NAMES)('target %s', (name) => {
  const lab = useLab({ fixtures: ['users'], scale: 0.01 });
  let upstream: Upstream | undefined;
  let target: RunningTarget | undefined;

  beforeAll(async () => {
    upstream = await startUpstream();
    target = await startTarget(name, { DATABASE_URL: lab.pg.url, UPSTREAM_URL: upstream.url });
  });

  afterAll(async () => {
    // Stop both even if one fails; the target must leave on SIGTERM by itself, with exit 0.
    const [stopped] = await Promise.all([target?.stop(), upstream?.stop()]);
    if (target) expect(stopped).toEqual({ graceful: true, exit: 0, exited: true });
  });

  test('passes the conformance verifier', async () => {
    const report = await verifyTarget((target as RunningTarget).url);
    expect(report.failed).toEqual([]);
    expect(report.passed.length).toBeGreaterThan(0);
  });

  test('/meta reports its framework and installed version', async () => {
    const response = await fetch(`${(target as RunningTarget).url}/meta`);
    const meta = (await response.json()) as Record<string, unknown>;
    const definition = getTarget(name);
    expect(meta).toMatchObject({
      target: name,
      framework: definition.framework,
      frameworkVersion: frameworkVersion(definition),
      dataLayer: 'pg',
      runtime: 'node',
    });
    expect(meta.frameworkVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
