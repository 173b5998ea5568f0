import type { Express } from 'express';
import {
  dbOperations,
  parseAuthorsQuery,
  parseBulkInsertBody,
  parseBulkInsertStrategy,
  parseBulkUpdateBody,
  parseBulkUpdateStrategy,
  parseColumnShape,
  parseColumnType,
  parseCursorQuery,
  parseDecrementBody,
  parseKeysetQuery,
  parseLockStrategy,
  parseOffsetQuery,
  parseProductId,
} from '../../data/http/db-routes.ts';
import type { DataLayer } from '../../data/types.ts';
import { jsonBody } from './middleware.ts';
import { requestJson } from './users.ts';

/**
 * The `/db/…` routes of scenarios 09–13: handlers validating with the shared parsers
 * (src/data/http/db-routes.ts) and calling the DataLayer directly; errors (HttpError, or
 * data-layer errors mapped by errors.ts) reach the app's error handler. Registered on the app
 * like `/users`, for the same reason (a mounted Router answers unknown OPTIONS itself).
 */
export function dbRoutes(app: Express, layer: DataLayer): void {
  const db = dbOperations(layer);

  app.get('/db/users/offset', async (req, res) => {
    res.json(await db.offset(parseOffsetQuery(req.query)));
  });

  app.get('/db/users/keyset', async (req, res) => {
    res.json(await db.keyset(parseKeysetQuery(req.query)));
  });

  app.get('/db/users/cursor', async (req, res) => {
    res.json(await db.cursor(parseCursorQuery(req.query)));
  });

  app.get('/db/columns/:shape', async (req, res) => {
    res.json(await db.columns(parseColumnShape(req.params.shape), parseOffsetQuery(req.query)));
  });

  app.get('/db/types/:type', async (req, res) => {
    res.json(await db.types(parseColumnType(req.params.type), parseOffsetQuery(req.query)));
  });

  app.get('/db/authors', async (req, res) => {
    res.json(await db.authors(parseAuthorsQuery(req.query)));
  });

  app.post('/db/bulk/insert', jsonBody, async (req, res) => {
    const strategy = parseBulkInsertStrategy(req.query.strategy, layer);
    const items = parseBulkInsertBody(requestJson(req.body));
    res.status(201).json(await db.bulkInsert(strategy, items));
  });

  app.post('/db/bulk/update', jsonBody, async (req, res) => {
    const strategy = parseBulkUpdateStrategy(req.query.strategy);
    const updates = parseBulkUpdateBody(requestJson(req.body));
    res.json(await db.bulkUpdate(strategy, updates));
  });

  app.post('/db/products/:id/decrement', jsonBody, async (req, res) => {
    const id = parseProductId(req.params.id);
    const strategy = parseLockStrategy(req.query.strategy);
    const quantity = parseDecrementBody(requestJson(req.body));
    res.json(await db.decrement(strategy, id, quantity));
  });
}
