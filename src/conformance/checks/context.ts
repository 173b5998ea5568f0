import type { Redis } from 'ioredis';
import type { HttpMethod } from '../../contract/index.ts';
import type { HttpResponse, TargetClient } from '../http.ts';
import type { ContractValidators } from '../schemas.ts';
import type { TestTokens } from '../tokens.ts';

export interface User {
  id: number;
  name: string;
  email: string;
  createdAt: string;
}

export interface ResolvedOptions {
  authSecret: string;
  uploadLimitBytes: number;
  timeoutMs: number;
  upstreamPayload: unknown;
}

/** What the db checks share (verifyTarget's `db` option). */
export interface DbCheckState {
  databaseUrl: string;
  /** Unique per verifier run: the prefix of every sku the checks insert. */
  runId: string;
  /** `GET /meta`'s `dataLayer`, once db.meta.data-layer has read it. */
  dataLayer?: string;
}

/** Contract groups of scenarios 14–19 (src/launcher/manifest.ts). */
export type ScenarioGroup = 'cache' | 'auth' | 'aggregate' | 'search' | 'flow';

/** What the checks of scenarios 14–19 share (verifyTarget's `groups` option). */
export interface GroupCheckState {
  databaseUrl: string;
  /** The verifier's own connection to the target's Redis. */
  redis: Redis;
  cacheTtlSeconds: number;
  authTtlSeconds: number;
  /** Unique per verifier run: part of the titles and names the checks write. */
  runId: string;
  /** `GET /meta`'s `dataLayer`, read by the first check that needs it. */
  dataLayer?: string;
  /** The flow checks' session (author 3), from flow.login. */
  flowToken?: string;
}

/** What checks share: the client, the contract, and facts earlier checks learnt. */
export interface CheckContext {
  client: TargetClient;
  validators: ContractValidators;
  options: ResolvedOptions;
  tokens: TestTokens;
  /** The first page of `GET /users`, once users.list.default has read it. */
  listedUsers?: User[];
  /** The user users.create.ok created. */
  createdUser?: User;
  /** Present when the db group (scenarios 09–13) runs. */
  db?: DbCheckState;
  /** Present when groups of scenarios 14–19 run. */
  groups?: GroupCheckState;
}

export interface Check {
  id: string;
  description: string;
  run(ctx: CheckContext): Promise<void>;
}

export const JSON_HEADERS = { 'content-type': 'application/json' };

/** Shorthand for the requests checks make. */
export function send(
  ctx: CheckContext,
  method: Uppercase<HttpMethod>,
  path: string,
  init: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<HttpResponse> {
  return ctx.client.send({ method, path, ...init });
}
