import type { FastifyPluginAsync } from 'fastify';
import type { CacheOperations } from '../../data/http/cache-routes.ts';
import type { CacheStrategy } from '../shared/user-cache.ts';
import { requireBody } from './hooks.ts';
import {
  cacheInfoSchema,
  cacheReadSchema,
  cacheRenameSchema,
  cacheWarmBody,
  counterSchema,
  userSchema,
} from './scenario-schemas.ts';
import { errorResponses } from './schemas.ts';

/** Scenarios 14–15 as a plugin over the shared cache-aside (src/data/http/cache-routes.ts). */
export const cacheRoutes: FastifyPluginAsync<{ cache: CacheOperations }> = async (
  app,
  { cache },
) => {
  app.get<{ Params: { id: number }; Querystring: { strategy: CacheStrategy } }>(
    '/cache/users/:id',
    { schema: { ...cacheReadSchema, response: { 200: userSchema, ...errorResponses } } },
    (request) => cache.read(request.params.id, request.query.strategy),
  );

  app.patch<{ Params: { id: number }; Body: { name: string } }>(
    '/cache/users/:id',
    {
      schema: { ...cacheRenameSchema, response: { 200: userSchema, ...errorResponses } },
      preValidation: requireBody,
    },
    (request) => cache.rename(request.params.id, request.body.name),
  );

  app.post<{ Body: { from: number; count: number } }>(
    '/cache/users/warm',
    {
      schema: {
        body: cacheWarmBody,
        response: { 200: counterSchema('warmed'), ...errorResponses },
      },
      preValidation: requireBody,
    },
    (request) => cache.warm(request.body),
  );

  app.post(
    '/cache/users/flush',
    { schema: { response: { 200: counterSchema('deleted'), ...errorResponses } } },
    () => cache.flush(),
  );

  app.get(
    '/cache/info',
    { schema: { response: { 200: cacheInfoSchema, ...errorResponses } } },
    async () => cache.info(),
  );
};
