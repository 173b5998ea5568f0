import type { FastifyPluginAsync, onRequestAsyncHookHandler } from 'fastify';
import {
  ANONYMOUS,
  type AuthOperations,
  type Credentials,
  principalBody,
} from '../../data/http/auth-routes.ts';
import type { Principal } from '../shared/auth.ts';
import type { SessionStore } from '../shared/sessions.ts';
import { requireBody } from './hooks.ts';
import { loginBody, loginResultSchema, logoutSchema, principalSchema } from './scenario-schemas.ts';
import { errorResponses } from './schemas.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/** An onRequest hook: the principal of the bearer token, or 401 before parsing anything. */
export function principalHook(
  resolve: (authorization: string | undefined) => Promise<Principal>,
): onRequestAsyncHookHandler {
  return async (request) => {
    request.principal = await resolve(request.headers.authorization);
  };
}

const login = { body: loginBody, response: { 200: loginResultSchema, ...errorResponses } };
const me = { response: { 200: principalSchema, ...errorResponses } };

/** Scenario 16; the session routes only with Redis. Token checks are onRequest hooks. */
export const authRoutes: FastifyPluginAsync<{
  auth: AuthOperations;
  sessions?: SessionStore;
}> = async (app, { auth, sessions }) => {
  app.decorateRequest('principal');

  app.get('/auth/public', { schema: me }, async () => ANONYMOUS);

  app.post<{ Body: Credentials }>(
    '/auth/jwt/login',
    { schema: login, preValidation: requireBody },
    (request) => auth.jwtLogin(request.body),
  );

  app.get(
    '/auth/jwt/me',
    { schema: me, onRequest: principalHook(auth.jwtPrincipal) },
    async (request) => principalBody(request.principal),
  );

  if (!sessions) return;

  app.post<{ Body: Credentials }>(
    '/auth/session/login',
    { schema: login, preValidation: requireBody },
    (request) => auth.sessionLogin(request.body),
  );

  app.get(
    '/auth/session/me',
    {
      schema: me,
      onRequest: principalHook((authorization) => sessions.principalOf(authorization)),
    },
    async (request) => principalBody(request.principal),
  );

  // One DEL: it says whether there was a session (401 when not).
  app.post(
    '/auth/session/logout',
    { schema: { response: { 200: logoutSchema, ...errorResponses } } },
    async (request) => {
      await sessions.end(request.headers.authorization);
      return { loggedOut: true };
    },
  );
};
