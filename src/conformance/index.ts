import { randomUUID } from 'node:crypto';
import { loadUpstreamPayload } from '../contract/index.ts';
import type { CheckContext, GroupCheckState, ScenarioGroup } from './checks/context.ts';
import { dbState } from './checks/db.ts';
import { CHECKS, DB_CHECKS, GROUP_CHECKS } from './checks/index.ts';
import { redisOracle } from './checks/oracle.ts';
import { CheckFailed } from './expect.ts';
import { RequestFailedError, TargetClient } from './http.ts';
import { type CheckResult, ConformanceError, type ConformanceReport } from './report.ts';
import { contractValidators } from './schemas.ts';
import { makeTokens } from './tokens.ts';

export { CHECKS, DB_CHECKS, GROUP_CHECKS, type ScenarioGroup } from './checks/index.ts';
export {
  type CheckResult,
  ConformanceError,
  type ConformanceReport,
  formatReport,
} from './report.ts';

export interface VerifyOptions {
  /** `LAB_AUTH_SECRET` of the target. Default `lab-secret`. */
  authSecret?: string;
  /** `LAB_UPLOAD_LIMIT_BYTES` of the target. Default 10 MiB. */
  uploadLimitBytes?: number;
  /** Per-request bound, connection included. Default 10 s. */
  timeoutMs?: number;
  /** What `GET /external` must return. Default: the lab upstream stub's fixed payload. */
  upstreamPayload?: unknown;
  /**
   * Also run the `db.*` checks of the scenario 09–13 endpoints (off by default: only targets
   * with a scenario data layer serve `/db/*`). `databaseUrl` is the target's database: the
   * checks read it as their oracle and count statements there (`pg_stat_statements`), so no
   * other session may use it meanwhile. They write (unique skus, stock of product 10) and
   * restore nothing: reset the database afterwards when that matters.
   */
  db?: {
    databaseUrl: string;
    /** Run the db checks alone (for servers that serve nothing but `/db/*`, `/meta`, `/health`). */
    only?: boolean;
  };
  /**
   * Also run the checks of these contract groups of scenarios 14–19 (a target's `supports`;
   * docs/contract.md). They read the target's database and Redis as their oracles and count the
   * statements and Redis commands of requests, so nothing else may use either meanwhile; they
   * write (a user's name, post titles, sessions, cache keys) and restore nothing.
   */
  groups?: {
    names: readonly ScenarioGroup[];
    databaseUrl: string;
    redisUrl: string;
    /** `LAB_CACHE_TTL_SECONDS` of the target (default 300). */
    cacheTtlSeconds?: number;
    /** `LAB_AUTH_TTL_SECONDS` of the target (default 900). */
    authTtlSeconds?: number;
    /** Run these checks alone (neither the basic nor the db ones). */
    only?: boolean;
  };
}

/**
 * Runs every contract check against a running target at `baseUrl`, one after another. A check
 * that fails (or whose request fails) is recorded and the next one runs regardless.
 */
export async function verifyTarget(
  baseUrl: string,
  options: VerifyOptions = {},
): Promise<ConformanceReport> {
  const client = new TargetClient(baseUrl, options.timeoutMs ?? 10_000);
  const authSecret = options.authSecret ?? 'lab-secret';
  const ctx: CheckContext = {
    client,
    validators: contractValidators(),
    options: {
      authSecret,
      uploadLimitBytes: options.uploadLimitBytes ?? 10 * 1024 * 1024,
      timeoutMs: client.timeoutMs,
      upstreamPayload: options.upstreamPayload ?? loadUpstreamPayload(),
    },
    tokens: await makeTokens(authSecret),
    ...(options.db ? { db: dbState(options.db.databaseUrl) } : {}),
    ...(options.groups ? { groups: groupState(options.groups) } : {}),
  };
  const only = Boolean(options.db?.only || options.groups?.only);
  const checks = [
    ...(only ? [] : CHECKS),
    ...(options.db && !options.groups?.only ? DB_CHECKS : []),
    ...Object.entries(GROUP_CHECKS)
      .filter(([group]) => options.groups?.names.includes(group as ScenarioGroup))
      .flatMap(([, groupChecks]) => groupChecks),
  ];
  const results: CheckResult[] = [];
  try {
    for (const check of checks) {
      const { id, description } = check;
      try {
        await check.run(ctx);
        results.push({ id, description, status: 'pass' });
      } catch (error) {
        results.push({ id, description, status: 'fail', detail: failureDetail(error) });
      }
    }
  } finally {
    await client.close();
    ctx.groups?.redis.disconnect();
  }
  const passed = results.filter((result) => result.status === 'pass');
  const failed = results.filter((result) => result.status === 'fail');
  return { baseUrl: client.baseUrl, passed, failed, ok: failed.length === 0 };
}

function groupState(options: NonNullable<VerifyOptions['groups']>): GroupCheckState {
  return {
    databaseUrl: options.databaseUrl,
    redis: redisOracle(options.redisUrl),
    cacheTtlSeconds: options.cacheTtlSeconds ?? 300,
    authTtlSeconds: options.authTtlSeconds ?? 900,
    runId: `${Date.now().toString(36)}${randomUUID().slice(0, 6)}`,
  };
}

function failureDetail(error: unknown): string {
  if (error instanceof CheckFailed) return error.message;
  if (error instanceof RequestFailedError) {
    return `expected a response, received none: ${error.message}`;
  }
  // A bug in a check must read as one, not as the target's fault.
  return `the check itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

/** verifyTarget, throwing ConformanceError (with the failing ids and details) unless all pass. */
export async function assertConformant(
  baseUrl: string,
  options: VerifyOptions = {},
): Promise<ConformanceReport> {
  const report = await verifyTarget(baseUrl, options);
  if (!report.ok) throw new ConformanceError(report);
  return report;
}
