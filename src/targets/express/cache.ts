import type { Express } from 'express';
import {
  type CacheOperations,
  parseCacheStrategy,
  parseCacheWarm,
  parseUserRename,
} from '../../data/http/cache-routes.ts';
import { parseIntegerParam, USER_ID } from '../shared/validation.ts';
import { jsonBody } from './middleware.ts';
import { requestJson } from './users.ts';

/** Scenarios 14–15: `/cache/…` over the shared cache-aside (src/data/http/cache-routes.ts). */
export function cacheRoutes(app: Express, cache: CacheOperations): void {
  const userId = (raw: unknown) => parseIntegerParam('id', raw, USER_ID);

  app.get('/cache/users/:id', async (req, res) => {
    res.json(await cache.read(userId(req.params.id), parseCacheStrategy(req.query.strategy)));
  });

  app.patch('/cache/users/:id', jsonBody, async (req, res) => {
    const id = userId(req.params.id);
    res.json(await cache.rename(id, parseUserRename(requestJson(req.body))));
  });

  app.post('/cache/users/warm', jsonBody, async (req, res) => {
    res.json(await cache.warm(parseCacheWarm(requestJson(req.body))));
  });

  app.post('/cache/users/flush', async (_req, res) => {
    res.json(await cache.flush());
  });

  app.get('/cache/info', (_req, res) => {
    res.json(cache.info());
  });
}
