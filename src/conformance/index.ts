import { loadUpstreamPayload } from '../contract/index.ts';
import type { CheckContext } from './checks/context.ts';
import { dbState } from './checks/db.ts';
import { CHECKS, DB_CHECKS } from './checks/index.ts';
import { CheckFailed } from './expect.ts';
import { RequestFailedError, TargetClient } from './http.ts';
import { type CheckResult, ConformanceError, type ConformanceReport } from './report.ts';
import { contractValidators } from './schemas.ts';
import { makeTokens } from './tokens.ts';

export { CHECKS, DB_CHECKS } from './checks/index.ts';
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
  };
  const checks = options.db ? [...(options.db.only ? [] : CHECKS), ...DB_CHECKS] : CHECKS;
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
  }
  const passed = results.filter((result) => result.status === 'pass');
  const failed = results.filter((result) => result.status === 'fail');
  return { baseUrl: client.baseUrl, passed, failed, ok: failed.length === 0 };
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
