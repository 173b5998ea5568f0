import { describe, expect, it } from 'vitest';
import { ConformanceError } from '../src/conformance/index.ts';
import { startConformantTarget } from '../src/launcher/launch.ts';
import { getTarget, type TargetDefinition } from '../src/launcher/registry.ts';
import { fakeTargetDefinition } from './support/fake-definition.ts';

/**
 * The benchmark runner's gate: a target must pass conformance before it is measured. The fake
 * contract implementation (test/support) stands in for a target with one planted fault.
 */
const fakeTarget: TargetDefinition = fakeTargetDefinition(
  'fake',
  'in-memory fake of the contract (tests only)',
);
// The fake keeps users in memory and never calls the upstream; these only satisfy the launcher.
const env = { DATABASE_URL: 'postgres://unused', UPSTREAM_URL: 'http://127.0.0.1:9' };

describe('startConformantTarget', () => {
  it('accepts a conforming target and stops it cleanly', async () => {
    const { target, report } = await startConformantTarget(fakeTarget, env);
    expect(report.failed).toEqual([]);
    expect(await target.stop()).toMatchObject({ exit: 0, graceful: true });
  });

  it('refuses a target that answers POST /users with 200, naming the failing check', async () => {
    const refused = await startConformantTarget(fakeTarget, env, {
      extraEnv: { FAKE_FAULTS: 'create-answers-200' },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ConformanceError);
    const error = refused as ConformanceError;
    expect(error.failedIds).toContain('users.create.ok');
    expect(error.message).toContain('users.create.ok');
    expect(error.message).toMatch(/201/);
  });

  it('refuses a target whose bodies violate the schema', async () => {
    const refused = await startConformantTarget(fakeTarget, env, {
      extraEnv: { FAKE_FAULTS: 'user-violates-schema' },
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConformanceError);
    expect((refused as ConformanceError).failedIds).toContain('users.get.ok');
  });

  it('names the valid targets when asked for an unknown one', () => {
    expect(() => getTarget('expresss')).toThrow(/Valid targets: express, fastify, nestjs-express/);
  });
});
