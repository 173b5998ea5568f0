import { finished } from 'node:stream/promises';
import type { FastifyError, FastifyInstance } from 'fastify';
import { dataHttpError } from '../../data/http/db-routes.ts';
import { WWW_AUTHENTICATE } from '../shared/auth.ts';
import { contractHasRoute, type ErrorCode, HttpError, unmatchedRoute } from '../shared/errors.ts';
import { METRICS_PATH } from '../shared/metrics.ts';

/** Fastify's and @fastify/multipart's error codes a client can cause, in contract terms. */
const CODE_OF: Record<string, ErrorCode> = {
  FST_ERR_VALIDATION: 'validation_failed',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
  FST_FIELDS_LIMIT: 'payload_too_large',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
  FST_PROTO_VIOLATION: 'validation_failed',
  FST_MP_PREMATURE_CLOSE: 'validation_failed',
};

/** By status, for 4xx errors without a code of their own (busboy's parse errors, …). */
const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export function toHttpError(error: FastifyError): HttpError {
  if (error instanceof HttpError) return error;
  const data = dataHttpError(error);
  if (data) return data;
  const code = CODE_OF[error.code] ?? CODE_OF_STATUS[error.statusCode ?? 500];
  if (code) return new HttpError(code, error.message);
  // Unexpected by definition: worth a line on stderr (never happens on the benchmark paths).
  process.stderr.write(`internal error: ${error.stack ?? String(error)}\n`);
  return new HttpError('internal_error', 'internal error');
}

/** Not a contract route (the metrics endpoint aside). */
function offContract(method: string, url: string): boolean {
  return !url.startsWith(METRICS_PATH) && !contractHasRoute(method, url);
}

/** The contract's error shape for every error, unknown route and undeclared method. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    // Fastify checks a body (Content-Type, JSON) before it runs the not-found handler; a request
    // no route takes is answered 404/405 whatever its body, as on every target.
    // A templated route took a literal contract path of another method (PATCH /cache/users/warm
    // as /cache/users/:id): the contract's literal path wins, so 405. Checked on errors only.
    const httpError =
      request.is404 || offContract(request.method, request.url)
        ? unmatchedRoute(request.method, request.url)
        : toHttpError(error);
    // A body refused unread (JSON above bodyLimit, by Content-Length): Fastify answers with
    // `Connection: close`, and a client still sending gets EPIPE instead of the 413. Read it to
    // the end first, as Node does for Express.
    if (!request.raw.complete) await finished(request.raw.resume()).catch(() => {});
    if (httpError.code === 'unauthorized') reply.header('WWW-Authenticate', WWW_AUTHENTICATE);
    reply.headers(httpError.headers);
    return reply.code(httpError.status).send(httpError.toBody());
  });
  // No route took it: 405 for another method of a contract path, else 404.
  app.setNotFoundHandler((request, reply) => {
    const error = unmatchedRoute(request.method, request.url);
    reply.code(error.status).headers(error.headers).send(error.toBody());
  });
}
