import type { TestProject } from 'vitest/node';
import { disposeSpec, type ProviderSpec, selectProvider } from './select-provider.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    labProvider: ProviderSpec;
  }
}

/**
 * vitest globalSetup: decide the provider once per run (a container-runtime probe or an initdb
 * costs up to seconds) and hand the decision to every worker.
 */
export default async function setup(project: TestProject) {
  const spec = await selectProvider();
  project.provide('labProvider', spec);
  return () => disposeSpec(spec);
}
