import { allowedMethods, type ServedContract } from '../../contract/routes.ts';

/** The one error shape of the contract: `{ error: { code, message } }`. */
export type ErrorCode =
  | 'invalid_json'
  | 'validation_failed'
  | 'invalid_cursor'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'bad_gateway'
  | 'internal_error';

export const STATUS_OF: Record<ErrorCode, number> = {
  invalid_json: 400,
  validation_failed: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  bad_gateway: 502,
  internal_error: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** Thrown by shared code; each framework maps it to a response in its own idiom. */
export class HttpError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Response headers the error implies (`Allow` of a 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.status = STATUS_OF[code];
    this.headers = headers;
  }

  toBody(): ErrorBody {
    return errorBody(this.code, this.message);
  }
}

export const errorBody = (code: ErrorCode, message: string): ErrorBody => ({
  error: { code, message },
});

/**
 * What this process serves of the contract, for 404 vs 405: the Node targets serve every group,
 * the Redis-backed paths only with REDIS_URL (each app sets it from its config).
 */
let served: ServedContract = {
  groups: ['basic', 'db', 'cache', 'auth', 'aggregate', 'search', 'flow'],
  redis: Boolean(process.env.REDIS_URL),
};

export function setServedContract(redis: boolean): void {
  served = { ...served, redis };
}

/** Whether the contract has this method on this path (HEAD wherever GET). */
export function contractHasRoute(method: string, url: string): boolean {
  const pathname = url.split('?', 1)[0] ?? url;
  return allowedMethods(pathname, served)?.includes(method.toUpperCase()) ?? false;
}

/**
 * The answer to a request no route took: 405 with `Allow` when the contract has the path
 * (another method is declared on it), else 404 (src/contract/routes.ts).
 */
export function unmatchedRoute(method: string, url: string): HttpError {
  const pathname = url.split('?', 1)[0] ?? url;
  const allowed = allowedMethods(pathname, served);
  if (!allowed) return new HttpError('not_found', `no route for ${method} ${pathname}`);
  const allow = allowed.join(', ');
  return new HttpError('method_not_allowed', `${method} is not allowed on ${pathname} (${allow})`, {
    Allow: allow,
  });
}
