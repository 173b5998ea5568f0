import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TargetDefinition, targetRoot } from './registry.ts';

/**
 * Conformance is checked once per target build per run, not once per suite file: a run (`pnpm
 * bench`, `lab run`) sets `LAB_VERIFIED_DIR`, and a target that passed the verifier leaves a mark
 * there that later suites of the same run read. The build cannot change within a run (targets are
 * built before it starts); the mark is keyed by the target's name and checkout. Without the
 * variable (tests, scripts) every start is verified.
 */
function markFile(definition: TargetDefinition, env: NodeJS.ProcessEnv): string | undefined {
  const dir = env.LAB_VERIFIED_DIR?.trim();
  if (!dir) return undefined;
  const key = `${definition.name}@${targetRoot(definition)}`.replace(/[^A-Za-z0-9._@+-]/g, '_');
  return join(dir, key);
}

export function verifiedThisRun(
  definition: TargetDefinition,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const file = markFile(definition, env);
  return file !== undefined && existsSync(file);
}

export function markVerified(
  definition: TargetDefinition,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const file = markFile(definition, env);
  if (!file) return;
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${new Date().toISOString()}\n`);
}
