import type { Express } from 'express';
import { HttpError } from '../shared/errors.ts';
import {
  assertJsonObject,
  LIMIT,
  OFFSET,
  parseIntegerParam,
  parseNewUser,
  USER_ID,
} from '../shared/validation.ts';
import type { AppDeps } from './deps.ts';
import { jsonBody } from './middleware.ts';

/**
 * `/users` routes, registered on the app itself: a mounted Router would answer unknown OPTIONS
 * requests with its own 200 instead of reaching the app's 404 fallthrough.
 */
export function userRoutes(app: Express, { users }: Pick<AppDeps, 'users'>): void {
  app.get('/users', async (req, res) => {
    const limit = parseIntegerParam('limit', req.query.limit, LIMIT);
    const offset = parseIntegerParam('offset', req.query.offset, OFFSET);
    res.json(await users.list(limit, offset));
  });

  app.get('/users/:id', async (req, res) => {
    res.json(await users.get(parseIntegerParam('id', req.params.id, USER_ID)));
  });

  app.post('/users', jsonBody, async (req, res) => {
    res.status(201).json(await users.create(parseNewUser(requestJson(req.body))));
  });
}

/** A JSON route's parsed body; undefined only when a request had no body at all. */
export function requestJson(body: unknown): unknown {
  if (body === undefined) throw new HttpError('invalid_json', 'request body is empty');
  return body;
}

export const echoBody = (body: unknown) => assertJsonObject(requestJson(body));
