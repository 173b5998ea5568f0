import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { trackProcessGroup } from '../infra/guard.ts';

/**
 * What the external load generators (k6, wrk) share: finding the binary (an explicit variable
 * first, never silently replaced, else PATH) and running it in its own process group, tracked by
 * the cleanup watchdog so it dies with the runner, with a time limit and the tail of its output.
 */
export interface ToolBinary {
  path: string;
  version: string;
}

export function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * `explicitVar` (e.g. K6_BIN) when set, else the first `name` on PATH whose `version(file)`
 * answers; otherwise the reason, for messages.
 */
export function findTool(
  name: string,
  explicitVar: string,
  version: (file: string) => string | undefined,
  env: NodeJS.ProcessEnv,
): ToolBinary | { reason: string } {
  const explicit = env[explicitVar];
  if (explicit) {
    if (!isExecutableFile(explicit)) {
      return { reason: `${explicitVar}=${explicit} is not an executable file` };
    }
    const found = version(explicit);
    if (!found) return { reason: `${explicitVar}=${explicit} did not answer its version command` };
    return { path: explicit, version: found };
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    if (!isExecutableFile(file)) continue;
    const found = version(file);
    if (found) return { path: file, version: found };
  }
  return { reason: `${name} not found (${explicitVar} is unset and no ${name} on PATH)` };
}

/** The version printed by `file args` (stdout or stderr), matched by `pattern`'s first group. */
export function toolVersion(file: string, args: string[], pattern: RegExp): string | undefined {
  const out = spawnSync(file, args, { encoding: 'utf8', timeout: 10_000 });
  if (out.error) return undefined;
  return pattern.exec(`${out.stdout ?? ''}${out.stderr ?? ''}`)?.[1];
}

export interface ToolExit {
  code: number | string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const TAIL_BYTES = 16_384;

/** Runs `command args` to its end (or SIGKILL after `timeoutMs`); `onSpawn` sees the pid. */
export async function runTool(
  command: string,
  args: string[],
  options: {
    timeoutMs: number;
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    onSpawn?: (pid: number) => void;
  },
): Promise<ToolExit> {
  const child = spawn(command, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env } : {}),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tracked = child.pid === undefined ? undefined : trackProcessGroup(child.pid);
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout = (stdout + chunk).slice(-TAIL_BYTES);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-TAIL_BYTES);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }, options.timeoutMs);
  const code = await new Promise<number | string>((done) => {
    child.once('error', (error) => done(error.message));
    child.once('close', (exitCode, signal) => done(exitCode ?? signal ?? 'unknown'));
  });
  clearTimeout(timer);
  tracked?.release();
  return { code, stdout, stderr, timedOut };
}
