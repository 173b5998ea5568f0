import type { onRequestAsyncHookHandler, preValidationAsyncHookHandler } from 'fastify';
import { verifyBearer } from '../shared/auth.ts';
import { HttpError } from '../shared/errors.ts';

/**
 * JSON routes: a body of another type never gets here (no parser → 415), but a bodiless request
 * without Content-Type skips parsing altogether; the contract wants 415 for it too.
 */
export const requireBody: preValidationAsyncHookHandler = async (request) => {
  if (request.body === undefined) {
    throw new HttpError('unsupported_media_type', 'expected application/json');
  }
};

declare module 'fastify' {
  interface FastifyRequest {
    subject: string;
  }
}

/** Bearer auth as an onRequest hook: rejected requests never reach parsing or the handler. */
export function bearerAuth(secret: string): onRequestAsyncHookHandler {
  return async (request) => {
    request.subject = await verifyBearer(request.headers.authorization, secret);
  };
}
