import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { envProblems } from '../config/lab-env.ts';
import { beginRun, finalizeMessage, finalizeRun } from '../report/run-report.ts';
import { scratchRoot } from './local/process.ts';
import { sweepStaleScratchDirs } from './local/scratch-owner.ts';
import { disposeSpec, type ProviderSpec, selectProvider } from './select-provider.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    labProvider: ProviderSpec;
  }
}

/**
 * vitest globalSetup: remove scratch dirs of runs that died (scratch-owner.ts), then decide the
 * provider once per run (a container-runtime probe or an initdb
 * costs up to seconds) and hand the decision to every worker.
 *
 * In bench mode (`vitest bench`) it also opens a report run: LAB_RUN_ID is set here, before the
 * workers are forked with this environment, so bench files' `recordResult()` etc. land in
 * `reports/.run-<id>/`; the teardown merges them into `reports/run-<timestamp>.{json,md}`.
 */
export default async function setup(project: TestProject) {
  // A wrong LAB_* value stops the run before anything starts: one line each, exit code 2.
  const problems = envProblems();
  if (problems.length > 0) {
    for (const line of problems) console.error(`lab: ${line}`);
    process.exit(2);
  }
  // What an earlier run could not clean up (its owner is gone) goes first.
  sweepStaleScratchDirs(scratchRoot());
  const spec = await selectProvider();
  project.provide('labProvider', spec);
  const run = project.config.benchmark?.enabled
    ? beginRun({ provider: { kind: spec.kind, tried: spec.tried } })
    : undefined;
  // Targets are verified once per run (src/launcher/verified.ts); workers inherit the variable.
  if (run) process.env.LAB_VERIFIED_DIR = join(run.runDir, 'verified');
  return () => {
    try {
      if (run) console.log(finalizeMessage(finalizeRun(run.runDir)));
    } catch (error) {
      console.error(
        `Reports: could not be written (${(error as Error).message}); records kept in ${run?.runDir}`,
      );
    } finally {
      disposeSpec(spec);
    }
  };
}
