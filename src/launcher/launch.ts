import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertConformant, type ConformanceReport } from '../conformance/index.ts';
import { trackDir } from '../infra/guard.ts';
import { logTail, makeScratchDir, spawnServer, stopServer } from '../infra/local/process.ts';
import { PortInUseError, withPortRetry } from '../infra/ports.ts';
import { allowedCpus, pinnedCommand } from '../load/pinning.ts';
import { waitForGroupGone } from '../load/proc-sampler.ts';
import { fillPlaceholders, type Placeholders } from './manifest.ts';
import { getTarget, type TargetDefinition, targetRoot } from './registry.ts';
import { announceScrapeTarget } from './scrape-discovery.ts';

export interface TargetEnv {
  DATABASE_URL: string;
  UPSTREAM_URL: string;
  REDIS_URL?: string;
  LAB_DB_POOL?: string;
  LAB_AUTH_SECRET?: string;
  LAB_UPLOAD_LIMIT_BYTES?: string;
}

export interface StartTargetOptions {
  timeoutMs?: number;
  extraEnv?: Record<string, string>;
  /**
   * Run the target under `taskset -c <cpus>` (a taskset CPU list such as `0` or `0-1`). The
   * start fails when /proc shows another affinity afterwards (e.g. taskset is not installed).
   */
  cpus?: string;
  /** Serving processes, for targets whose start command takes `{workers}`; default the manifest's. */
  workers?: number;
  /** A fixed port (`lab serve --port`); default a free one, retried on collision. */
  port?: number;
}

export interface TargetStopped {
  exit: number | string;
  /** False when SIGTERM was not enough and the group had to be SIGKILLed. */
  graceful: boolean;
  /** Whether no process of the target's group is left (zombies count as gone). */
  exited: boolean;
}

export interface RunningTarget {
  definition: TargetDefinition;
  url: string;
  /** Pid of the target process, which is also its process group id (0 for an external one). */
  pid: number;
  /** A server the lab does not run: `pid` means nothing, there is nothing to sample or stop. */
  external?: boolean;
  /**
   * The CPU list the target actually runs on, read back from /proc/<pid>/status
   * (`Cpus_allowed_list`), when it was started pinned; undefined when it was not pinned.
   */
  cpus?: string;
  /** Resolves with the exit code (or signal name) once the target process has ended. */
  exited: Promise<number | string>;
  logTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how it ended. */
  stop(graceMs?: number): Promise<TargetStopped>;
}

export interface StartCommand {
  command: string;
  args: string[];
  cwd: string;
  /** The manifest's environment with its placeholders filled (plus `LAB_DATA_LAYER`). */
  env: Record<string, string>;
}

/**
 * The process to spawn for a target, from its manifest: `start` with its placeholders filled,
 * run in the target's folder. The same for every language; pinning wraps it in taskset.
 */
export function startCommand(
  definition: TargetDefinition,
  where: { port: number; host: string; cpus?: string; workers?: number },
): StartCommand {
  const cwd = join(targetRoot(definition), definition.folder);
  const cpuCount = where.cpus ? parseCpuList(where.cpus)?.size : undefined;
  const values: Placeholders = {
    node: process.execPath,
    root: targetRoot(definition),
    dir: cwd,
    port: String(where.port),
    host: where.host,
    workers: String(where.workers ?? definition.workers),
    cpuCount: String(cpuCount ?? availableParallelism()),
  };
  const where_ = `target ${definition.name}`;
  const [command, ...args] = definition.start.map((part) => fillPlaceholders(part, values, where_));
  const env = Object.fromEntries(
    Object.entries(definition.env).map(([key, value]) => [
      key,
      fillPlaceholders(value, values, where_),
    ]),
  );
  return { command: command as string, args, cwd, env };
}

/** Parses a taskset/kernel CPU list (`0-2,5`) into its CPU numbers; undefined when malformed. */
export function parseCpuList(list: string): Set<number> | undefined {
  const cpus = new Set<number>();
  for (const part of list.trim().split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) return undefined;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) return undefined;
    for (let cpu = from; cpu <= to; cpu++) cpus.add(cpu);
  }
  return cpus;
}

function sameCpus(a: string, b: string): boolean {
  const left = parseCpuList(a);
  const right = parseCpuList(b);
  if (!left || !right || left.size !== right.size) return false;
  return [...left].every((cpu) => right.has(cpu));
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
  options: StartTargetOptions = {},
): Promise<RunningTarget> {
  const definition =
    typeof nameOrDefinition === 'string' ? getTarget(nameOrDefinition) : nameOrDefinition;
  const dir = makeScratchDir(`target-${definition.name}`);
  const trackedDir = trackDir(dir);
  const logFile = join(dir, 'target.log');
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    const onPort = options.port;
    const ports = <T>(start: (port: number) => Promise<T>): Promise<T> =>
      onPort === undefined
        ? withPortRetry(start)
        : start(onPort).catch((error: unknown) => {
            throw error instanceof PortInUseError
              ? new Error(
                  `target ${definition.name}: port ${onPort} is in use; choose another --port`,
                )
              : error;
          });
    return await ports(async (port) => {
      const {
        command,
        args,
        cwd,
        env: targetEnv,
      } = startCommand(definition, {
        port,
        host: '127.0.0.1',
        ...(options.cpus ? { cpus: options.cpus } : {}),
        ...(options.workers !== undefined ? { workers: options.workers } : {}),
      });
      // taskset execs the command, so the spawned pid stays the target's pid (and group id).
      const pinned = pinnedCommand(command, args, options.cpus);
      const server = spawnServer(pinned.command, pinned.args, logFile, undefined, undefined, {
        cwd,
        env: {
          ...process.env,
          ...env,
          ...targetEnv,
          ...options.extraEnv,
          PORT: String(port),
          HOST: '127.0.0.1',
        },
      });
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
      const pid = server.child.pid as number;
      let cpus: string | undefined;
      if (options.cpus) {
        // Answering /health means node runs (taskset has exec'ed), so /proc shows its affinity.
        cpus = allowedCpus(pid);
        if (!cpus || !sameCpus(cpus, options.cpus)) {
          await stopServer(server, 'SIGKILL');
          throw new Error(
            `target ${definition.name} was to run on CPUs ${options.cpus}, but /proc/${pid}/status ` +
              `says Cpus_allowed_list ${cpus ?? '(unreadable)'} — is taskset (util-linux) installed?`,
          );
        }
      }
      // LAB_METRICS=1 with LAB_PROMETHEUS_SD_DIR: tell Prometheus (monitoring/) where it runs.
      let announcement: ReturnType<typeof announceScrapeTarget>;
      try {
        announcement = announceScrapeTarget(definition.name, url, {
          ...process.env,
          ...env,
          ...targetEnv,
          ...options.extraEnv,
        });
      } catch (error) {
        await stopServer(server, 'SIGKILL');
        throw error;
      }
      return {
        definition,
        url,
        pid,
        ...(cpus ? { cpus } : {}),
        exited: server.exited,
        logTail: () => logTail(logFile),
        async stop(graceMs = 5000) {
          announcement?.withdraw();
          let graceful = true;
          const timer = setTimeout(() => {
            graceful = false;
          }, graceMs);
          await stopServer(server, 'SIGTERM', graceMs);
          clearTimeout(timer);
          // stopServer SIGKILLs the group after the leader; give the kernel a moment to finish.
          const exited = await waitForGroupGone(pid, 2000);
          rmSync(dir, { recursive: true, force: true });
          trackedDir.release();
          return { exit: exit ?? (await server.exited), graceful, exited };
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
  options: StartTargetOptions = {},
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
