import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { bearerToken, type Principal } from './auth.ts';
import { HttpError } from './errors.ts';

/**
 * Server-side sessions of scenarios 16 and 19 in Redis: `session:<token>` holds the principal
 * as JSON with a TTL (not refreshed on use); the token is 32 random bytes in base64url, sent back
 * as a bearer token. A token of any other shape is refused without asking Redis.
 */
export const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const sessionKey = (token: string): string => `session:${token}`;

export interface SessionStore {
  create(principal: Principal): Promise<string>;
  /** The session of the request's bearer token; 401 when there is none. */
  principalOf(authorization: string | undefined): Promise<Principal>;
  /** Ends the request's session; 401 when there is none. */
  end(authorization: string | undefined): Promise<void>;
  readonly ttlSeconds: number;
}

function sessionToken(authorization: string | undefined): string {
  const token = bearerToken(authorization);
  if (!SESSION_TOKEN.test(token)) throw new HttpError('unauthorized', 'invalid session token');
  return token;
}

const noSession = () => new HttpError('unauthorized', 'no such session (expired or logged out)');

export function sessionStore(redis: Redis, ttlSeconds: number): SessionStore {
  return {
    ttlSeconds,
    async create(principal) {
      const token = randomBytes(32).toString('base64url');
      await redis.set(
        sessionKey(token),
        JSON.stringify({ subject: principal.subject, email: principal.email }),
        'EX',
        ttlSeconds,
      );
      return token;
    },
    async principalOf(authorization) {
      const stored = await redis.get(sessionKey(sessionToken(authorization)));
      if (stored === null) throw noSession();
      return JSON.parse(stored) as Principal;
    },
    async end(authorization) {
      const deleted = await redis.del(sessionKey(sessionToken(authorization)));
      if (deleted === 0) throw noSession();
    },
  };
}
