import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { RequestLog } from '../../shared/request-log.ts';

/**
 * Appends `{ method, path, status, durationMs }` to the in-memory sink once the response is
 * finished. Both adapters hand Nest middleware Node's own request/response objects (Express
 * extends them, Fastify passes the raw ones), so one implementation serves both.
 */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  constructor(private readonly log: RequestLog) {}

  use(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void) {
    const started = performance.now();
    res.once('finish', () => {
      const url = req.originalUrl ?? req.url ?? '';
      const query = url.indexOf('?');
      this.log.append({
        method: req.method ?? '',
        path: query === -1 ? url : url.slice(0, query),
        status: res.statusCode,
        durationMs: performance.now() - started,
      });
    });
    next();
  }
}
