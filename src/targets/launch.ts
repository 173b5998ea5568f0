import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertConformant, type ConformanceReport } from '../conformance/index.ts';
import { trackDir } from '../infra/guard.ts';
import { logTail, makeScratchDir, spawnServer, stopServer } from '../infra/local/process.ts';
import { PortInUseError, withPortRetry } from '../infra/ports.ts';
import { getTarget, REPO_ROOT, type TargetDefinition } from './registry.ts';

export interface TargetEnv {
  DATABASE_URL: string;
  UPSTREAM_URL: string;
  REDIS_URL?: string;
  LAB_DB_POOL?: string;
  LAB_AUTH_SECRET?: string;
  LAB_UPLOAD_LIMIT_BYTES?: string;
}

export interface RunningTarget {
  definition: TargetDefinition;
  url: string;
  pid: number;
  logTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. */
  stop(graceMs?: number): Promise<{ exit: number | string; graceful: boolean }>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts a registered target as its own process (own process group, tracked by the cleanup
 * watchdog), waits for `/health`, and hands back its URL. `extraEnv` lets tests start variants.
 */
export async function startTarget(
  nameOrDefinition: string | TargetDefinition,
  env: TargetEnv,
  options: { timeoutMs?: number; extraEnv?: Record<string, string> } = {},
): Promise<RunningTarget> {
  const definition =
    typeof nameOrDefinition === 'string' ? getTarget(nameOrDefinition) : nameOrDefinition;
  const dir = makeScratchDir(`target-${definition.name}`);
  const trackedDir = trackDir(dir);
  const logFile = join(dir, 'target.log');
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    return await withPortRetry(async (port) => {
      const server = spawnServer(
        process.execPath,
        [...definition.nodeArgs, join(REPO_ROOT, definition.entry)],
        logFile,
        undefined,
        undefined,
        {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            ...env,
            ...options.extraEnv,
            PORT: String(port),
            HOST: '127.0.0.1',
          },
        },
      );
      const url = `http://127.0.0.1:${port}`;
      let exit: number | string | undefined;
      void server.exited.then((code) => {
        exit = code;
      });
      const deadline = Date.now() + timeoutMs;
      while (!(await healthy(url))) {
        if (exit !== undefined) {
          await stopServer(server, 'SIGKILL');
          const tail = logTail(logFile);
          if (/EADDRINUSE/.test(tail)) throw new PortInUseError(tail);
          throw new Error(
            `target ${definition.name} exited (${exit}) before /health answered. Log tail:\n${tail}`,
          );
        }
        if (Date.now() > deadline) {
          await stopServer(server, 'SIGKILL');
          throw new Error(
            `target ${definition.name} did not answer /health within ${timeoutMs} ms. Log tail:\n${logTail(logFile)}`,
          );
        }
        await sleep(20);
      }
      return {
        definition,
        url,
        pid: server.child.pid as number,
        logTail: () => logTail(logFile),
        async stop(graceMs = 5000) {
          let graceful = true;
          const timer = setTimeout(() => {
            graceful = false;
          }, graceMs);
          await stopServer(server, 'SIGTERM', graceMs);
          clearTimeout(timer);
          rmSync(dir, { recursive: true, force: true });
          trackedDir.release();
          return { exit: exit ?? (await server.exited), graceful };
        },
      };
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    trackedDir.release();
    throw error;
  }
}

/**
 * How the benchmark runner starts a target: it must pass the conformance verifier first, or it
 * is stopped and refused with a ConformanceError that lists every failing check. Verification
 * writes rows (POST /users); callers reset the database before measuring.
 */
export async function startConformantTarget(
  nameOrDefinition: string | TargetDefinition,
  env: TargetEnv,
  options: { timeoutMs?: number; extraEnv?: Record<string, string> } = {},
): Promise<{ target: RunningTarget; report: ConformanceReport }> {
  const target = await startTarget(nameOrDefinition, env, options);
  try {
    const report = await assertConformant(target.url, {
      ...(env.LAB_AUTH_SECRET ? { authSecret: env.LAB_AUTH_SECRET } : {}),
      ...(env.LAB_UPLOAD_LIMIT_BYTES
        ? { uploadLimitBytes: Number(env.LAB_UPLOAD_LIMIT_BYTES) }
        : {}),
    });
    return { target, report };
  } catch (error) {
    await target.stop();
    throw error;
  }
}
