import type { FastifyPluginAsync } from 'fastify';
import type { RequestLog } from '../shared/request-log.ts';
import { bearerAuth } from './hooks.ts';
import { errorResponses, protectedSchema } from './schemas.ts';

/**
 * Scenario 06 as an encapsulated plugin: its hooks apply to its routes only. Logging is an
 * onResponse hook (Fastify's idiom: it sees the final status and reply.elapsedTime), auth an
 * onRequest hook.
 */
export const protectedRoutes: FastifyPluginAsync<{ log: RequestLog; secret: string }> = async (
  app,
  { log, secret },
) => {
  app.addHook('onResponse', async (request, reply) => {
    log.append({
      method: request.method,
      path: request.routeOptions.url ?? request.url,
      status: reply.statusCode,
      durationMs: reply.elapsedTime,
    });
  });
  app.addHook('onRequest', bearerAuth(secret));

  app.get(
    '/protected',
    { schema: { response: { 200: protectedSchema, ...errorResponses } } },
    async (request) => ({ subject: request.subject, logged: log.size }),
  );
};
