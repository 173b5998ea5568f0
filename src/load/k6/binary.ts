import { containerRuntimeAnswers } from '../../infra/testcontainers.ts';
import { findTool, toolVersion } from '../tool-process.ts';
import { K6_IMAGE } from './container.ts';

/** A k6 binary that answered `k6 version`. */
export interface K6Binary {
  path: string;
  /** e.g. `2.2.0` */
  version: string;
}

/** Where k6 runs: a local binary, or the `grafana/k6` image through testcontainers. */
export type K6Runner =
  | ({ kind: 'binary' } & K6Binary)
  | { kind: 'container'; image: string; version: string };

export type K6Availability =
  | ({ available: true } & K6Runner)
  | { available: false; reason: string; fix: string };

export const K6_FIX =
  'run `bash scripts/setup.sh` (builds k6 v2.2.0 from source with Go ≥ 1.25), or set K6_BIN ' +
  'to a k6 binary';

const k6VersionOf = (file: string): string | undefined =>
  toolVersion(file, ['version'], /k6 v(\d+\.\d+\.\d+\S*)/);

/** Why `findK6()` found nothing, for the messages below. */
function search(env: NodeJS.ProcessEnv): K6Binary | { reason: string } {
  return findTool('k6', 'K6_BIN', k6VersionOf, env);
}

/** The k6 binary from `K6_BIN`, else the first `k6` on PATH; undefined when there is none. */
export function findK6(env: NodeJS.ProcessEnv = process.env): K6Binary | undefined {
  const found = search(env);
  return 'path' in found ? found : undefined;
}

/**
 * Whether the k6 engine can run here: `K6_BIN` or PATH first; without a binary, the `grafana/k6`
 * image through testcontainers when a container runtime answers; else unavailable, with both
 * reasons and the fix.
 */
export async function k6Availability(
  env: NodeJS.ProcessEnv = process.env,
  runtime: () => Promise<{ ok: boolean; reason: string }> = cachedRuntimeProbe,
): Promise<K6Availability> {
  const found = search(env);
  if ('path' in found) return { available: true, kind: 'binary', ...found };
  // An explicit but broken K6_BIN is an error to fix, not a reason to switch to a container.
  if (env.K6_BIN) return { available: false, reason: found.reason, fix: K6_FIX };
  const answer = await runtime();
  if (answer.ok) {
    return {
      available: true,
      kind: 'container',
      image: K6_IMAGE,
      version: K6_IMAGE.split(':')[1] ?? '',
    };
  }
  return {
    available: false,
    reason: `${found.reason}; no Docker runtime for the ${K6_IMAGE} image (${answer.reason})`,
    fix: K6_FIX,
  };
}

let runtimeProbe: Promise<{ ok: boolean; reason: string }> | undefined;
/** The container-runtime probe takes up to 3 s when nothing answers: once per process. */
function cachedRuntimeProbe(): Promise<{ ok: boolean; reason: string }> {
  runtimeProbe ??= containerRuntimeAnswers();
  return runtimeProbe;
}

/** The k6 to use, or undefined with the reason in `k6Availability`. */
export async function resolveK6(
  env: NodeJS.ProcessEnv = process.env,
): Promise<K6Runner | undefined> {
  const availability = await k6Availability(env);
  if (!availability.available) return undefined;
  const { available: _, ...runner } = availability;
  return runner;
}

export class K6UnavailableError extends Error {
  override name = 'K6UnavailableError';
}

/**
 * For suites: `describe.skipIf(reason)(…)` with the reason as the visible skip message.
 * Undefined when k6 is usable. Under `CI=true` a missing k6 is an error, never a skip.
 */
export async function k6SkipReason(
  env: NodeJS.ProcessEnv = process.env,
  runtime?: () => Promise<{ ok: boolean; reason: string }>,
): Promise<string | undefined> {
  const availability = await k6Availability(env, runtime);
  if (availability.available) return undefined;
  const message = `k6 unavailable: ${availability.reason}. Fix: ${availability.fix}`;
  if (env.CI === 'true' || env.CI === '1') throw new K6UnavailableError(`${message} (CI=true)`);
  return message;
}
