import type { Express } from 'express';
import {
  ANONYMOUS,
  type AuthOperations,
  parseLogin,
  principalBody,
} from '../../data/http/auth-routes.ts';
import type { SessionStore } from '../shared/sessions.ts';
import { jsonBody, principalFrom, sessionAuth } from './middleware.ts';
import { requestJson } from './users.ts';

/**
 * Scenario 16: `/auth/…`. Token checks are route middleware (principalFrom); the session routes
 * exist only with Redis (`sessions`).
 */
export function authRoutes(app: Express, auth: AuthOperations, sessions?: SessionStore): void {
  app.get('/auth/public', (_req, res) => {
    res.json(ANONYMOUS);
  });

  app.post('/auth/jwt/login', jsonBody, async (req, res) => {
    res.json(await auth.jwtLogin(parseLogin(requestJson(req.body))));
  });

  app.get('/auth/jwt/me', principalFrom(auth.jwtPrincipal), (_req, res) => {
    res.json(principalBody(res.locals.principal));
  });

  if (!sessions) return;

  app.post('/auth/session/login', jsonBody, async (req, res) => {
    res.json(await auth.sessionLogin(parseLogin(requestJson(req.body))));
  });

  app.get('/auth/session/me', sessionAuth(sessions), (_req, res) => {
    res.json(principalBody(res.locals.principal));
  });

  // One DEL: it says whether there was a session (401 when not).
  app.post('/auth/session/logout', async (req, res) => {
    await sessions.end(req.headers.authorization);
    res.json({ loggedOut: true });
  });
}
