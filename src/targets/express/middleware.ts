import express, { type RequestHandler } from 'express';
import { type Principal, verifyBearer } from '../shared/auth.ts';
import { JSON_BODY_LIMIT_BYTES } from '../shared/config.ts';
import { HttpError } from '../shared/errors.ts';
import type { RequestLog } from '../shared/request-log.ts';
import type { SessionStore } from '../shared/sessions.ts';

const mediaType = (header: string | undefined): string =>
  header?.split(';', 1)[0]?.trim().toLowerCase() ?? '';

/**
 * JSON bodies. express.json() silently skips other content types; the contract wants 415. Any
 * JSON value is parsed (`strict: false`) so handlers can answer `validation_failed` for
 * non-objects; an empty body is not JSON (body-parser alone would make it {}).
 */
const parseJson = express.json({
  limit: JSON_BODY_LIMIT_BYTES,
  strict: false,
  verify: (_req, _res, buffer) => {
    if (buffer.length === 0) throw new HttpError('invalid_json', 'request body is empty');
  },
});

export const jsonBody: RequestHandler = (req, res, next) => {
  if (mediaType(req.headers['content-type']) === 'application/json') parseJson(req, res, next);
  else next(new HttpError('unsupported_media_type', 'expected application/json'));
};

/** Scenario 06's logging middleware: one ring-buffer entry per request, once it has finished. */
export function requestLogger(log: RequestLog): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      log.append({
        method: req.method,
        path: req.path,
        status: res.statusCode,
        durationMs: performance.now() - started,
      });
    });
    next();
  };
}

/** Bearer auth; the verified subject travels to the handler in res.locals. */
export function bearerAuth(secret: string): RequestHandler {
  return async (req, res, next) => {
    res.locals.subject = await verifyBearer(req.headers.authorization, secret);
    next();
  };
}

/**
 * Scenarios 16 and 19: a principal from the bearer token (a verified JWT, or the session it
 * names in Redis) in res.locals.principal, or 401 before anything else of the route runs.
 */
export function principalFrom(
  resolve: (authorization: string | undefined) => Promise<Principal>,
): RequestHandler {
  return async (req, res, next) => {
    res.locals.principal = await resolve(req.headers.authorization);
    next();
  };
}

export const sessionAuth = (sessions: SessionStore): RequestHandler =>
  principalFrom((authorization) => sessions.principalOf(authorization));
