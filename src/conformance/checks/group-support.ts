import type { HttpMethod } from '../../contract/index.ts';
import type { StatementCount } from '../../data/query-count.ts';
import { type ErrorCode, expectJson } from '../expect.ts';
import type { HttpResponse } from '../http.ts';
import type { Check, CheckContext, GroupCheckState } from './context.ts';
import {
  countRedisCommands,
  type RedisCommands,
  type RequestInit,
  sendCounted,
  sqlRows,
} from './oracle.ts';

/** Shared by the checks of scenarios 14–19 (cache.ts, auth.ts, reports.ts, flow.ts). */

export function groupState(ctx: CheckContext): GroupCheckState {
  if (!ctx.groups) {
    throw new Error('group checks run only with verifyTarget(url, { groups: { … } })');
  }
  return ctx.groups;
}

export const groupSql = <T>(ctx: CheckContext, text: string, values: unknown[] = []) =>
  sqlRows<T>(groupState(ctx).databaseUrl, text, values);

export interface CountedResponse {
  res: HttpResponse;
  statements: StatementCount;
  redis: RedisCommands;
}

/** Sends the request while counting its SQL statements and its Redis commands. */
export async function sendCountingAll(
  ctx: CheckContext,
  method: Uppercase<HttpMethod>,
  path: string,
  init: RequestInit = {},
): Promise<CountedResponse> {
  const state = groupState(ctx);
  let counted: { res: HttpResponse; statements: StatementCount } | undefined;
  const redis = await countRedisCommands(state.redis, async () => {
    counted = await sendCounted(ctx, state.databaseUrl, method, path, init);
  });
  return { ...(counted as { res: HttpResponse; statements: StatementCount }), redis };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const JSON_TYPE = { 'content-type': 'application/json' };

export interface BadRequest {
  method?: Uppercase<HttpMethod>;
  path: string;
  /** The contract path, e.g. `/cache/users/{id}`. */
  operation: string;
  status?: number;
  code?: ErrorCode;
  headers?: Record<string, string> | ((ctx: CheckContext) => Record<string, string>);
  body?: string;
}

/** A request that must be refused with `status` (default 400) and `code` (validation_failed). */
export function refused(id: string, description: string, request: BadRequest): Check {
  return {
    id,
    description,
    async run(ctx) {
      const method = request.method ?? 'GET';
      const headers =
        typeof request.headers === 'function' ? request.headers(ctx) : (request.headers ?? {});
      const res = await ctx.client.send({
        method,
        path: request.path,
        headers: {
          ...(request.body !== undefined ? JSON_TYPE : {}),
          ...headers,
        },
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      expectJson(ctx.validators, res, {
        status: request.status ?? 400,
        operation: [method.toLowerCase() as HttpMethod, request.operation],
        code: request.code ?? 'validation_failed',
      });
    },
  };
}

/** The data layer `GET /meta` names (read once). */
export async function targetDataLayer(ctx: CheckContext): Promise<string | undefined> {
  const state = groupState(ctx);
  if (state.dataLayer) return state.dataLayer;
  const res = await ctx.client.send({ method: 'GET', path: '/meta' });
  try {
    const layer = (JSON.parse(res.body.toString('utf8')) as { dataLayer?: unknown }).dataLayer;
    if (typeof layer === 'string') state.dataLayer = layer;
  } catch {
    // unknown: checks that depend on the layer accept either documented answer
  }
  return state.dataLayer;
}

/** `users` rows as the contract's User, from the database. */
export const USER_SQL = `SELECT id::int AS id, name, email,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
  FROM users`;
