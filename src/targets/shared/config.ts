import { DATA_LAYERS } from '../../data/index.ts';
import type { DataLayerName } from '../../data/types.ts';
import { metricsEnabled } from './metrics.ts';

/**
 * Target configuration from the environment (docs/contract.md, "Process"). Every target reads it
 * the same way so that pool sizes and limits are identical across frameworks.
 */
export interface TargetConfig {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  upstreamUrl: string;
  dbPool: number;
  /** `LAB_DATA_LAYER` (default `pg`): the data layer behind the `/db/…` routes (scenarios 09–13). */
  dataLayer: DataLayerName;
  authSecret: string;
  /** `LAB_AUTH_TTL_SECONDS` (default 900): lifetime of login tokens and sessions (scenario 16). */
  authTtlSeconds: number;
  /** `LAB_CACHE_TTL_SECONDS` (default 300): TTL of the `user:{id}` entries (scenarios 14–15). */
  cacheTtlSeconds: number;
  uploadLimitBytes: number;
  /**
   * `LAB_REQUEST_TIMEOUT_MS` (default 30 s): a request's head and body must have arrived within
   * this time, else the connection is answered 408 and closed (slow clients cannot hold it).
   */
  requestTimeoutMs: number;
  /** `LAB_METRICS=1`: Prometheus metrics on `GET /metrics` (shared/metrics.ts), else nothing. */
  metrics: boolean;
}

/** JSON bodies above this get 413 in every target. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number | undefined,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    if (fallback === undefined) throw new Error(`${name} is required`);
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `${name}=${JSON.stringify(raw)} is invalid: expected an integer from ${min} to ${max}`,
    );
  }
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

function dataLayer(env: NodeJS.ProcessEnv): DataLayerName {
  const raw = env.LAB_DATA_LAYER;
  if (raw === undefined || raw === '') return 'pg';
  if (!DATA_LAYERS.includes(raw as DataLayerName)) {
    throw new Error(
      `LAB_DATA_LAYER=${JSON.stringify(raw)} is invalid: expected one of ${DATA_LAYERS.join(', ')}`,
    );
  }
  return raw as DataLayerName;
}

export function readTargetConfig(env: NodeJS.ProcessEnv = process.env): TargetConfig {
  return {
    port: integer(env, 'PORT', undefined, 1, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl: required(env, 'DATABASE_URL'),
    redisUrl: env.REDIS_URL || undefined,
    upstreamUrl: required(env, 'UPSTREAM_URL').replace(/\/+$/, ''),
    dbPool: integer(env, 'LAB_DB_POOL', 10, 1, 1000),
    dataLayer: dataLayer(env),
    authSecret: env.LAB_AUTH_SECRET || 'lab-secret',
    authTtlSeconds: integer(env, 'LAB_AUTH_TTL_SECONDS', 900, 1, 86_400),
    cacheTtlSeconds: integer(env, 'LAB_CACHE_TTL_SECONDS', 300, 1, 86_400),
    uploadLimitBytes: integer(env, 'LAB_UPLOAD_LIMIT_BYTES', 10 * 1024 * 1024, 1, 2 ** 31 - 1),
    requestTimeoutMs: integer(env, 'LAB_REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000),
    metrics: metricsEnabled(env),
  };
}

/** Bad configuration: one clear line on stderr and a non-zero exit, never a stack trace. */
export function configOrExit(env: NodeJS.ProcessEnv = process.env): TargetConfig {
  try {
    return readTargetConfig(env);
  } catch (error) {
    process.stderr.write(`target configuration error: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

/**
 * A target that cannot listen: one line and an exit code. A port in use or not allowed is bad
 * configuration (exit 2, like any other); the line keeps the error code, which launch.ts looks
 * for to retry on another port.
 */
export function exitListenFailure(target: string, port: number, error: unknown): never {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    process.stderr.write(
      `${target} target: cannot listen on port ${port} (${code}): set PORT to a free port you may use\n`,
    );
    process.exit(2);
  }
  process.stderr.write(`${target} target: ${code ? `${code} ` : ''}${message}\n`);
  process.exit(1);
}
