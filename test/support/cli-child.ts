import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startUpstream, type Upstream } from '../../src/infra/upstream.ts';
import { useLab } from '../../src/infra/vitest.ts';
import { type RunningTarget, startTarget } from '../../src/launcher/launch.ts';
import { REPO_ROOT } from '../../src/launcher/registry.ts';

/** `pnpm lab` as users run it. */
export const CLI = join(REPO_ROOT, 'src/cli/main.ts');

export interface ChildOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command args` from the repository root to its end, with `env` over this one's. */
export function runChild(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ChildOutcome> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!('LAB_RUN_ID' in env)) delete childEnv.LAB_RUN_ID;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * fastify on a seeded lab (users at scale 0.01) and an upstream stub for the file's tests,
 * stopped after them; the getter gives the running target.
 */
export function useFastify(): () => RunningTarget {
  const lab = useLab({ fixtures: ['users'], scale: 0.01 });
  let upstream: Upstream | undefined;
  let target: RunningTarget | undefined;
  beforeAll(async () => {
    upstream = await startUpstream();
    target = await startTarget('fastify', { DATABASE_URL: lab.pg.url, UPSTREAM_URL: upstream.url });
  });
  afterAll(async () => {
    await Promise.all([target?.stop(), upstream?.stop()]);
  });
  return () => {
    if (!target) throw new Error('fastify has not started');
    return target;
  };
}
