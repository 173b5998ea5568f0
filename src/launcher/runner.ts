import { setTimeout as sleep } from 'node:timers/promises';
import type { ConformanceReport } from '../conformance/index.ts';
import {
  allowedCpus,
  type PinningPlan,
  pinningMeta,
  pinningPlan,
  pinProcess,
} from '../load/pinning.ts';
import { processGroupMembers, processRunning, startProcSampler } from '../load/proc-sampler.ts';
import type { Result } from '../load/result.ts';
import { openExternalSession } from './external.ts';
import {
  type RunningTarget,
  startConformantTarget,
  startTarget,
  type TargetEnv,
} from './launch.ts';
import { frameworkVersion, getTarget, type TargetDefinition } from './registry.ts';
import { markVerified, verifiedThisRun } from './verified.ts';

/**
 * The target runner: starts a registered target as its own process, pinned to its half of the
 * cores and checked for conformance, samples its CPU and memory while load runs, and stops it
 * afterwards, making sure nothing of it is left:
 *
 *   const result = await withTarget('fastify', env, (session) =>
 *     session.measure((signal) => runInProcess({ baseUrl: session.url, signal, … })),
 *     { generator: 'inprocess', reset: () => lab.reset() });
 */

export interface TargetRunOptions {
  /**
   * Run the conformance verifier before anything is measured (default: unless this run already
   * verified this target build, see verified.ts).
   */
  verify?: boolean;
  /** Called after start (and verification, which writes rows), e.g. `() => lab.reset()`. */
  reset?: () => Promise<void>;
  /** Default `pinningPlan()`. */
  plan?: PinningPlan;
  /**
   * Where the load comes from. `inprocess`: this process generates it, so it is pinned to the
   * generator CPUs for the session (and given its old affinity back afterwards). `external`
   * (default): a separate program such as k6, which the caller starts under
   * `pinnedCommand(k6, args, session.generatorCpus)`.
   */
  generator?: 'inprocess' | 'external';
  /** /proc sampling interval during `measure`, ms (default 250). */
  sampleIntervalMs?: number;
  /** How long the target may take to answer /health, ms. */
  timeoutMs?: number;
  extraEnv?: Record<string, string>;
  /** SIGTERM → SIGKILL grace when stopping the target, ms (default 5000). */
  stopGraceMs?: number;
  /** Serving processes (targets whose manifest's start takes `{workers}`). */
  workers?: number;
  /** A fixed port instead of a free one (`lab serve --port`). */
  port?: number;
}

export interface TargetSession {
  readonly target: RunningTarget;
  readonly url: string;
  readonly plan: PinningPlan;
  /** CPU list for the load generator; undefined when nothing is pinned. */
  readonly generatorCpus: string | undefined;
  /** The verifier's report, when `verify` was on. */
  readonly conformance: ConformanceReport | undefined;
  /**
   * A server the lab does not run (src/launcher/external.ts): `target.pid` means nothing, it is
   * neither pinned nor sampled, and `restart()` does nothing.
   */
  readonly external?: boolean;
  /** What every measured Result gets in its `meta`: pinning, target, framework version, pid. */
  readonly meta: Result['meta'];
  /**
   * Runs `run` while sampling the target from /proc, and returns its Result with `resources`
   * and the session's `meta` added. The signal aborts when the target process exits; if it did
   * during the run, the Result gets a `failure` that says so, with the target's log tail.
   */
  measure(run: (signal: AbortSignal) => Promise<Result>): Promise<Result>;
  /**
   * Replaces the target's process by a fresh one of the same build (pinned the same way, not
   * verified again): `target`, `url` and `meta` then describe the new process. Process-to-process
   * variation is replicated this way (src/load/ranking-run.ts).
   */
  restart(): Promise<void>;
}

/** Errors of the target runner itself (a target that would not go away). */
export class TargetRunnerError extends Error {
  override name = 'TargetRunnerError';
}

/** A started target: its session, and `close()` that stops it (and unpins this process). */
export interface OpenTargetSession extends TargetSession {
  /**
   * Stops the target and checks nothing of its group is left; gives this process its CPUs back
   * when it was pinned for in-process load. Throws a TargetRunnerError naming the pids left.
   */
  close(): Promise<void>;
}

/**
 * Starts target `nameOrDefinition` (verified unless `verify: false`) and returns its session;
 * the caller must `close()` it. A suite file that measures several variants starts its targets
 * once this way and closes them in `afterAll`; `withTarget` is the callback form.
 */
export async function openTargetSession(
  nameOrDefinition: string | TargetDefinition,
  env: TargetEnv,
  options: TargetRunOptions = {},
): Promise<OpenTargetSession> {
  const definition =
    typeof nameOrDefinition === 'string' ? getTarget(nameOrDefinition) : nameOrDefinition;
  const plan = options.plan ?? pinningPlan();
  if (definition.external) return openExternalSession(definition, env, options, plan);
  const targetCpus = plan.enabled ? plan.targetCpus : undefined;
  const generatorCpus = plan.enabled ? plan.generatorCpus : undefined;
  const startOptions = {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.extraEnv ? { extraEnv: options.extraEnv } : {}),
    ...(targetCpus ? { cpus: targetCpus } : {}),
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  };

  let target: RunningTarget;
  let conformance: ConformanceReport | undefined;
  // Once per target build per run (verified.ts): a later suite of the run skips it.
  if (options.verify ?? !verifiedThisRun(definition)) {
    ({ target, report: conformance } = await startConformantTarget(definition, env, startOptions));
    markVerified(definition);
  } else {
    target = await startTarget(definition, env, startOptions);
  }

  let exitCode: number | string | undefined;
  const watchExit = (running: RunningTarget) => {
    exitCode = undefined;
    void running.exited.then((code) => {
      if (running === target) exitCode = code;
    });
  };
  watchExit(target);

  const generator = options.generator ?? 'external';
  let restoreAffinity: string | undefined;
  let generatorPinned = false;

  /** Stops the current process; a problem (a group member left behind) is returned. */
  const stopCurrent = async (): Promise<unknown | undefined> => {
    try {
      const stopped = await target.stop(options.stopGraceMs);
      if (stopped.exited) return undefined;
      const left = processGroupMembers(target.pid);
      try {
        process.kill(-target.pid, 'SIGKILL');
      } catch {
        // gone after all
      }
      return new TargetRunnerError(
        `target ${definition.name} (pid ${target.pid}): processes of its group were still ` +
          `running after it was stopped (pids ${left.join(', ') || '?'}); sent SIGKILL`,
      );
    } catch (error) {
      return error;
    }
  };

  const close = async (): Promise<void> => {
    const problems: unknown[] = [];
    const stopProblem = await stopCurrent();
    if (stopProblem) problems.push(stopProblem);
    if (restoreAffinity && generatorPinned && !pinProcess(process.pid, restoreAffinity)) {
      problems.push(
        new TargetRunnerError(`could not restore this process's CPUs to ${restoreAffinity}`),
      );
    }
    if (problems.length === 1) throw problems[0];
    if (problems.length > 1) {
      throw new AggregateError(problems, `target ${definition.name}: cleaning up failed`);
    }
  };

  try {
    if (generator === 'inprocess' && generatorCpus) {
      restoreAffinity = allowedCpus('self');
      generatorPinned = pinProcess(process.pid, generatorCpus);
    }
    await options.reset?.();
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }

  const meta = (): Result['meta'] => ({
    ...pinningMeta(plan),
    'target.name': definition.name,
    'target.framework': definition.framework,
    'target.frameworkVersion': frameworkVersion(definition),
    'target.adapter': definition.adapter,
    'target.language': definition.language,
    'target.runtime': definition.runtime,
    'target.server': definition.server,
    'target.workers': options.workers ?? definition.workers,
    'target.dataLayer': definition.dataLayer,
    'target.pid': target.pid,
    'target.cpus': target.cpus ?? null,
    'generator.kind': generator,
    'generator.cpus': generator === 'inprocess' ? (allowedCpus('self') ?? null) : null,
    'generator.pinned': generatorPinned,
    'target.restarts': restarts,
  });
  let restarts = 0;

  /** The exit code when the target process is gone, undefined while it runs. */
  async function targetExit(): Promise<number | string | undefined> {
    if (exitCode !== undefined) return exitCode;
    if (processRunning(target.pid)) return undefined;
    // Dead but not reaped yet: the exit event follows shortly.
    return Promise.race([target.exited, sleep(2000).then(() => 'unknown')]);
  }

  return {
    get target() {
      return target;
    },
    get url() {
      return target.url;
    },
    plan,
    generatorCpus,
    conformance,
    get meta() {
      return meta();
    },
    close,
    async restart() {
      const problem = await stopCurrent();
      if (problem) throw problem;
      // The same build was verified at the first start: a fresh process of it needs no re-check.
      target = await startTarget(definition, env, startOptions);
      watchExit(target);
      restarts++;
    },
    async measure(run) {
      const controller = new AbortController();
      void target.exited.then((code) =>
        controller.abort(new Error(`target ${definition.name} exited (${code})`)),
      );
      const sampler = startProcSampler(target.pid, {
        ...(options.sampleIntervalMs ? { intervalMs: options.sampleIntervalMs } : {}),
      });
      const died = (code: number | string) =>
        `target ${definition.name} exited (${code}) during the run; log tail:\n${target.logTail()}`;
      let result: Result;
      try {
        result = await run(controller.signal);
      } catch (error) {
        sampler.stop();
        const code = await targetExit();
        if (code !== undefined) throw new TargetRunnerError(died(code), { cause: error });
        throw error;
      }
      const resources = sampler.stop();
      const code = await targetExit();
      const failure =
        code === undefined
          ? result.failure
          : result.failure
            ? `${died(code)}\n(engine: ${result.failure})`
            : died(code);
      return {
        ...result,
        ...(failure !== undefined ? { failure } : {}),
        resources,
        meta: { ...result.meta, ...meta() },
      };
    },
  };
}

/**
 * Starts target `nameOrDefinition`, hands `fn` a session to measure with, and stops the target
 * when `fn` settles — also when it throws. Throws a TargetRunnerError naming the pid when a
 * process of the target's group is still there after the stop.
 */
export async function withTarget<T>(
  nameOrDefinition: string | TargetDefinition,
  env: TargetEnv,
  fn: (session: TargetSession) => Promise<T>,
  options: TargetRunOptions = {},
): Promise<T> {
  const session = await openTargetSession(nameOrDefinition, env, options);
  let value: T;
  try {
    value = await fn(session);
  } catch (error) {
    try {
      await session.close();
    } catch (cleanup) {
      const name = session.target.definition.name;
      throw new AggregateError(
        [error, ...(cleanup instanceof AggregateError ? cleanup.errors : [cleanup])],
        `target ${name}: the run failed, and so did cleaning up after it`,
      );
    }
    throw error;
  }
  await session.close();
  return value;
}
