import type { Express } from 'express';
import { parseOffsetQuery } from '../../data/http/db-routes.ts';
import { type FlowOperations, parsePostId, parseRetitle } from '../../data/http/flow-routes.ts';
import type { SessionStore } from '../shared/sessions.ts';
import { jsonBody, sessionAuth } from './middleware.ts';
import { requestJson } from './users.ts';

/** Scenario 19: the session author's posts; the session middleware runs first on each route. */
export function flowRoutes(app: Express, flow: FlowOperations, sessions: SessionStore): void {
  const session = sessionAuth(sessions);

  app.get('/flow/posts', session, async (req, res) => {
    res.json(await flow.list(res.locals.principal, parseOffsetQuery(req.query)));
  });

  app.get('/flow/posts/:id', session, async (req, res) => {
    res.json(await flow.read(res.locals.principal, parsePostId(req.params.id)));
  });

  app.patch('/flow/posts/:id', session, jsonBody, async (req, res) => {
    const id = parsePostId(req.params.id);
    res.json(await flow.retitle(res.locals.principal, id, parseRetitle(requestJson(req.body))));
  });
}
