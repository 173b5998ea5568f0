import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream/promises';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { dataHttpError } from '../../../data/http/db-routes.ts';
import { WWW_AUTHENTICATE } from '../../shared/auth.ts';
import {
  contractHasRoute,
  type ErrorCode,
  HttpError,
  unmatchedRoute,
} from '../../shared/errors.ts';
import { METRICS_PATH } from '../../shared/metrics.ts';

const CODE_OF_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'validation_failed',
  401: 'unauthorized',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  502: 'bad_gateway',
};

/** Body-parser failures reach Nest as HttpExceptions whose `cause` is the parser's own error. */
function parserErrorCode(cause: unknown): ErrorCode | undefined {
  if (cause instanceof HttpError) return cause.code;
  const { type, code } = (cause ?? {}) as { type?: unknown; code?: unknown };
  // body-parser (Express) tags errors with `type`, Fastify with FST_ERR_* codes.
  if (type === 'entity.parse.failed' || cause instanceof SyntaxError) return 'invalid_json';
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return 'invalid_json';
  }
  return undefined;
}

/** The request's method and URL, on either adapter (Express `req`, Fastify `request`). */
interface RequestLine {
  method?: string;
  url?: string;
  /** Fastify: no route took the request. */
  is404?: boolean;
}

/**
 * Any thrown value → the contract's error (status + `{ error: { code, message } }`). Nest's own
 * NotFoundException means its router found no route for the request (the application throws
 * HttpErrors): 405 with `Allow` for another method of a contract path, else 404.
 */
export function toHttpError(exception: unknown, request: RequestLine = {}): HttpError {
  const { method = 'GET', url = '/' } = request;
  // Bodies are parsed before routing (Express: a global JSON parser; Fastify: before the
  // not-found handler): a request no route takes is 404/405 whatever its body. A templated route
  // that took a literal contract path of another method (PATCH /cache/users/warm) is 405 too.
  if (request.is404 || !contractHasRoute(method, url)) {
    if (!url.startsWith(METRICS_PATH)) return unmatchedRoute(method, url);
  }
  if (exception instanceof HttpError) return exception;
  if (exception instanceof NotFoundException && !(exception.cause instanceof HttpError)) {
    return unmatchedRoute(method, url);
  }
  const data = dataHttpError(exception);
  if (data) return data;
  if (exception instanceof HttpException) {
    const cause = exception.cause;
    if (cause instanceof HttpError) return cause;
    const status = exception.getStatus();
    const code =
      parserErrorCode(cause) ??
      CODE_OF_STATUS[status] ??
      (status >= 500 ? 'internal_error' : 'validation_failed');
    return new HttpError(code, exception.message || code);
  }
  // Never expected: report it on stderr (errors only, never per-request noise) and hide details.
  process.stderr.write(`unhandled error: ${(exception as Error)?.stack ?? String(exception)}\n`);
  return new HttpError('internal_error', 'internal server error');
}

/** Global filter (APP_FILTER): one error shape on both adapters, 401 with its challenge. */
@Catch()
@Injectable()
export class LabExceptionFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const error = toHttpError(exception, http.getRequest<RequestLine>() ?? {});
    // A body refused unread (JSON above the limit, by Content-Length): answering at once closes
    // the connection under a client still sending, which then sees EPIPE instead of the 413.
    // Read the rest first, as the plain Fastify target does (Express: `req`, Fastify: `req.raw`).
    const request = http.getRequest<{ raw?: IncomingMessage } & Partial<IncomingMessage>>();
    const raw = (request?.raw ?? request) as IncomingMessage | undefined;
    if (raw && typeof raw.resume === 'function' && !raw.complete && !raw.destroyed) {
      void finished(raw.resume())
        .catch(() => {})
        .then(() => this.answer(error, http.getResponse()));
      return;
    }
    this.answer(error, http.getResponse());
  }

  private answer(error: HttpError, response: unknown): void {
    const { httpAdapter } = this.adapterHost;
    if (httpAdapter.isHeadersSent(response)) {
      httpAdapter.end(response);
      return;
    }
    if (error.code === 'unauthorized') {
      httpAdapter.setHeader(response, 'WWW-Authenticate', WWW_AUTHENTICATE);
    }
    for (const [name, value] of Object.entries(error.headers)) {
      httpAdapter.setHeader(response, name, value);
    }
    httpAdapter.reply(response, error.toBody(), error.status);
  }
}
