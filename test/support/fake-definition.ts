import type { TargetDefinition } from '../../src/launcher/registry.ts';

/**
 * A target definition for the in-memory fake of the contract (test/support/fake-target-main.ts),
 * as a manifest would give it: started as `node [nodeArgs] fake-target-main.ts` in test/support.
 */
export function fakeTargetDefinition(
  name: string,
  description: string,
  nodeArgs: readonly string[] = [],
): TargetDefinition {
  return {
    name,
    description,
    folder: 'test/support',
    language: 'typescript',
    runtime: 'node',
    framework: 'node:http',
    version: { npm: 'vitest' },
    adapter: null,
    server: 'node:http, one process',
    workers: 1,
    build: null,
    start: ['{node}', ...nodeArgs, 'fake-target-main.ts'],
    env: { LAB_DATA_LAYER: 'pg' },
    dataLayer: 'pg',
    dataLayerDescription: 'in memory',
    supports: ['basic'],
    isDefault: false,
    defaultFramework: false,
  };
}
