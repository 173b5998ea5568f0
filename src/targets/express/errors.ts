import type { ErrorRequestHandler, RequestHandler } from 'express';
import { dataHttpError } from '../../data/http/db-routes.ts';
import { WWW_AUTHENTICATE } from '../shared/auth.ts';
import { contractHasRoute, HttpError, unmatchedRoute } from '../shared/errors.ts';
import { METRICS_PATH } from '../shared/metrics.ts';

/** body-parser tags its errors with `type`; map the ones a client can cause to the contract. */
function fromBodyParser(type: unknown): HttpError | undefined {
  switch (type) {
    case 'entity.parse.failed':
      return new HttpError('invalid_json', 'request body is not valid JSON');
    case 'entity.too.large':
      return new HttpError('payload_too_large', 'JSON body exceeds 1 MiB');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new HttpError('unsupported_media_type', 'unsupported charset or content encoding');
    case 'request.aborted':
    case 'request.size.invalid':
      return new HttpError('validation_failed', 'request body was incomplete');
    default:
      return undefined;
  }
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const data = dataHttpError(error);
  if (data) return data;
  const mapped = fromBodyParser((error as { type?: unknown } | null)?.type);
  if (mapped) return mapped;
  // Unexpected by definition: worth a line on stderr (never happens on the benchmark paths).
  process.stderr.write(`internal error: ${(error as Error)?.stack ?? String(error)}\n`);
  return new HttpError('internal_error', 'internal error');
}

/** After every route: 405 for another method of a contract path, else 404. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(unmatchedRoute(req.method, req.path));
};

export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  // A templated route took a literal contract path of another method (PATCH /cache/users/warm
  // as /cache/users/:id): the contract's literal path wins, so 405. Checked on errors only.
  const httpError =
    !req.path.startsWith(METRICS_PATH) && !contractHasRoute(req.method, req.path)
      ? unmatchedRoute(req.method, req.path)
      : toHttpError(error);
  // A failure after the head went out cannot be reported in-band; drop the connection instead.
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (httpError.code === 'unauthorized') res.set('WWW-Authenticate', WWW_AUTHENTICATE);
  res.set(httpError.headers);
  res.status(httpError.status).json(httpError.toBody());
};
