import type { DataLayer } from '../../data/types.ts';
import { issueLoginToken, type Principal, verifyLoginToken } from '../../targets/shared/auth.ts';
import { HttpError } from '../../targets/shared/errors.ts';
import { checkCredentials } from '../../targets/shared/login.ts';
import type { SessionStore } from '../../targets/shared/sessions.ts';
import { object } from './db-routes.ts';

/**
 * The `/auth/…` routes of scenario 16, framework-neutral: the login body's rules and the work
 * of each endpoint. The frameworks put the token checks where their idiom wants them (Express
 * middleware, Fastify hooks, NestJS guards) and call `jwtPrincipal` / `sessions.principalOf`.
 *
 *   GET  /auth/public                        → 200 { subject: null, email: null }
 *   POST /auth/jwt/login     { email, password } → 200 { token, expiresIn }
 *   GET  /auth/jwt/me        Bearer <JWT>        → 200 { subject, email }
 *   POST /auth/session/login { email, password } → 200 { token, expiresIn }
 *   GET  /auth/session/me    Bearer <session>    → 200 { subject, email }
 *   POST /auth/session/logout Bearer <session>   → 200 { loggedOut: true }
 */
export const LOGIN_EMAIL_MAX = 254;
export const LOGIN_PASSWORD_MAX = 128;

export interface Credentials {
  email: string;
  password: string;
}

const invalid = (message: string) => new HttpError('validation_failed', message);

/** `{ email, password }`: non-empty strings within their limits, nothing else. */
export function parseLogin(body: unknown): Credentials {
  const { email, password } = object(body, 'body', ['email', 'password']);
  if (typeof email !== 'string' || email.length < 1 || email.length > LOGIN_EMAIL_MAX) {
    throw invalid(`email must be a string of 1 to ${LOGIN_EMAIL_MAX} characters`);
  }
  if (typeof password !== 'string' || password.length < 1 || password.length > LOGIN_PASSWORD_MAX) {
    throw invalid(`password must be a string of 1 to ${LOGIN_PASSWORD_MAX} characters`);
  }
  return { email, password };
}

export const ANONYMOUS = { subject: null, email: null } as const;

export interface AuthSettings {
  layer: Pick<DataLayer, 'accountByEmail'>;
  secret: string;
  ttlSeconds: number;
  /** Absent without REDIS_URL: the session endpoints are then not served. */
  sessions?: SessionStore;
}

export function authOperations({ layer, secret, ttlSeconds, sessions }: AuthSettings) {
  const credentials = ({ email, password }: Credentials) =>
    checkCredentials(layer, email, password);
  return {
    jwtLogin: async (login: Credentials) => ({
      token: await issueLoginToken(await credentials(login), secret, ttlSeconds),
      expiresIn: ttlSeconds,
    }),
    jwtPrincipal: (authorization: string | undefined): Promise<Principal> =>
      verifyLoginToken(authorization, secret),
    sessionLogin: async (login: Credentials) => {
      if (!sessions) throw new Error('sessions need REDIS_URL');
      return { token: await sessions.create(await credentials(login)), expiresIn: ttlSeconds };
    },
  };
}

export type AuthOperations = ReturnType<typeof authOperations>;

/** What `/me` answers: exactly the principal's two fields. */
export const principalBody = ({ subject, email }: Principal) => ({ subject, email });
