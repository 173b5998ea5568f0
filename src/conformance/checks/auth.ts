import { decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { CheckFailed, expectEqual, expectJson, expectThat } from '../expect.ts';
import { preview } from '../schemas.ts';
import type { Check, CheckContext } from './context.ts';
import { bearer, groupState, JSON_TYPE, refused, sendCountingAll } from './group-support.ts';
import { expectRedisCommands, expectStatements } from './oracle.ts';

/**
 * Scenario 16 (`auth` group). Logins check the authors' scrypt hashes (1 statement, no Redis for
 * JWTs, one SET for sessions); the JWT is checked with the secret (HS256, `sub`, `email`, `exp =
 * iat + LAB_AUTH_TTL_SECONDS`); `/me` costs no statement (JWT: no Redis either, session: one GET,
 * TTL not refreshed); logout deletes the session; and every bad credential, token or session is
 * 401 with the error body and the `WWW-Authenticate: Bearer` challenge.
 */
export const LAB_PASSWORD = 'lab-password';
const ACCOUNT = { id: 2, email: 'author2@example.com' };
const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

const credentials = (email: string, password = LAB_PASSWORD) => JSON.stringify({ email, password });

interface LoginResult {
  token: string;
  expiresIn: number;
}

async function login(
  ctx: CheckContext,
  kind: 'jwt' | 'session',
  email = ACCOUNT.email,
): Promise<LoginResult> {
  const res = await ctx.client.send({
    method: 'POST',
    path: `/auth/${kind}/login`,
    headers: JSON_TYPE,
    body: credentials(email),
  });
  return expectJson(ctx.validators, res, {
    status: 200,
    operation: ['post', `/auth/${kind}/login`],
  }) as LoginResult;
}

/** A session token of the target (for the flow checks too). */
export const sessionLogin = (ctx: CheckContext, email: string) => login(ctx, 'session', email);

const key = (token: string) => `session:${token}`;

/** A JWT signed like the target's, with chosen claims. */
async function signed(
  ctx: CheckContext,
  claims: { sub?: string; email?: string; exp?: number },
  secret = ctx.options.authSecret,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims.email === undefined ? {} : { email: claims.email })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(now);
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(secret));
}

const inFiveMinutes = () => Math.floor(Date.now() / 1000) + 300;
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function expect401(ctx: CheckContext, res: Parameters<typeof expectJson>[1], path: string) {
  const method = path.endsWith('logout') ? 'post' : 'get';
  expectJson(ctx.validators, res, {
    status: 401,
    operation: [method, path],
    code: 'unauthorized',
  });
}

export const authHappyPath: Check[] = [
  {
    id: 'auth.public',
    description: 'GET /auth/public answers the anonymous principal: no statement, no Redis command',
    async run(ctx) {
      const { res, statements, redis } = await sendCountingAll(ctx, 'GET', '/auth/public');
      const body = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['get', '/auth/public'],
      });
      expectEqual('the principal', { subject: null, email: null }, body);
      expectStatements('GET /auth/public', statements, 0);
      expectRedisCommands('GET /auth/public', redis, {});
    },
  },
  {
    id: 'auth.jwt.login',
    description:
      'POST /auth/jwt/login checks the password in 1 statement and issues an HS256 JWT: sub, email, exp = iat + TTL',
    async run(ctx) {
      const { res, statements, redis } = await sendCountingAll(ctx, 'POST', '/auth/jwt/login', {
        headers: JSON_TYPE,
        body: credentials(ACCOUNT.email),
      });
      const body = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['post', '/auth/jwt/login'],
      }) as LoginResult;
      const { authTtlSeconds } = groupState(ctx);
      expectEqual('expiresIn', authTtlSeconds, body.expiresIn);
      expectStatements('a JWT login', statements, 1);
      expectRedisCommands('a JWT login', redis, {});
      expectEqual('the JWT header alg', 'HS256', decodeProtectedHeader(body.token).alg);
      let claims: ReturnType<typeof decodeJwt>;
      try {
        ({ payload: claims } = await jwtVerify(
          body.token,
          new TextEncoder().encode(ctx.options.authSecret),
          { algorithms: ['HS256'] },
        ));
      } catch (error) {
        throw new CheckFailed(`expected a JWT signed with LAB_AUTH_SECRET: ${String(error)}`);
      }
      expectEqual('sub', String(ACCOUNT.id), claims.sub);
      expectEqual('email', ACCOUNT.email, claims.email);
      expectEqual('exp − iat', authTtlSeconds, (claims.exp ?? 0) - (claims.iat ?? 0));
    },
  },
  {
    id: 'auth.jwt.me',
    description: 'GET /auth/jwt/me with the login JWT answers its subject: no statement, no Redis',
    async run(ctx) {
      const { token } = await login(ctx, 'jwt');
      const { res, statements, redis } = await sendCountingAll(ctx, 'GET', '/auth/jwt/me', {
        headers: bearer(token),
      });
      const body = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['get', '/auth/jwt/me'],
      });
      expectEqual('the principal', { subject: String(ACCOUNT.id), email: ACCOUNT.email }, body);
      expectStatements('GET /auth/jwt/me', statements, 0);
      expectRedisCommands('GET /auth/jwt/me', redis, {});
    },
  },
  {
    id: 'auth.jwt.login.hardened',
    description: 'POST /auth/jwt/login as author 1 (the hardened scrypt hash) succeeds',
    async run(ctx) {
      const { token } = await login(ctx, 'jwt', 'author1@example.com');
      expectEqual('sub', '1', decodeJwt(token).sub);
    },
  },
  {
    id: 'auth.login.same-401-for-unknown-email-and-wrong-password',
    description: 'both logins answer an unknown email and a wrong password with the same 401',
    async run(ctx) {
      for (const kind of ['jwt', 'session'] as const) {
        const path = `/auth/${kind}/login`;
        const answers: string[] = [];
        for (const body of [
          credentials(ACCOUNT.email, 'not-the-password'),
          credentials('nobody@example.com'),
        ]) {
          const res = await ctx.client.send({ method: 'POST', path, headers: JSON_TYPE, body });
          const error = expectJson(ctx.validators, res, {
            status: 401,
            operation: ['post', path],
            code: 'unauthorized',
          }) as { error: { message: string } };
          answers.push(error.error.message);
        }
        expectThat(
          answers[0] === answers[1],
          `expected the same 401 message for a wrong password and an unknown email on ${path}, received ${preview(answers)}`,
        );
      }
    },
  },
  {
    id: 'auth.session.login',
    description:
      'POST /auth/session/login checks the password in 1 statement and SETs session:<43-char token> with the TTL',
    async run(ctx) {
      const { res, statements, redis } = await sendCountingAll(ctx, 'POST', '/auth/session/login', {
        headers: JSON_TYPE,
        body: credentials(ACCOUNT.email),
      });
      const body = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['post', '/auth/session/login'],
      }) as LoginResult;
      const { authTtlSeconds, redis: oracle } = groupState(ctx);
      expectEqual('expiresIn', authTtlSeconds, body.expiresIn);
      expectThat(
        SESSION_TOKEN.test(body.token),
        `expected 43 base64url characters, received ${preview(body.token)}`,
      );
      expectStatements('a session login', statements, 1);
      expectRedisCommands('a session login', redis, { set: 1 });
      const [stored, ttl] = await Promise.all([
        oracle.get(key(body.token)),
        oracle.pttl(key(body.token)),
      ]);
      expectEqual(
        `the value of ${key(body.token)}`,
        { subject: String(ACCOUNT.id), email: ACCOUNT.email },
        stored === null ? null : JSON.parse(stored),
      );
      expectThat(
        ttl > 0 && ttl <= authTtlSeconds * 1000,
        `expected the session to expire within LAB_AUTH_TTL_SECONDS (${authTtlSeconds} s), its TTL is ${ttl} ms`,
      );
    },
  },
  {
    id: 'auth.session.me',
    description:
      'GET /auth/session/me answers the session subject with one GET, no statement; the TTL is not refreshed',
    async run(ctx) {
      const { token } = await login(ctx, 'session');
      const { redis: oracle } = groupState(ctx);
      // Shorten the TTL: a refresh would set it back to LAB_AUTH_TTL_SECONDS.
      await oracle.expire(key(token), 100);
      const { res, statements, redis } = await sendCountingAll(ctx, 'GET', '/auth/session/me', {
        headers: bearer(token),
      });
      const body = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['get', '/auth/session/me'],
      });
      expectEqual('the principal', { subject: String(ACCOUNT.id), email: ACCOUNT.email }, body);
      expectStatements('GET /auth/session/me', statements, 0);
      expectRedisCommands('GET /auth/session/me', redis, { get: 1 });
      const ttl = await oracle.ttl(key(token));
      expectThat(ttl > 0 && ttl <= 100, `expected the TTL not refreshed (≤ 100 s), it is ${ttl} s`);
    },
  },
  {
    id: 'auth.session.logout',
    description:
      'POST /auth/session/logout deletes the session; the token is refused afterwards, a second logout is 401',
    async run(ctx) {
      const { token } = await login(ctx, 'session');
      const { res, statements, redis } = await sendCountingAll(
        ctx,
        'POST',
        '/auth/session/logout',
        { headers: bearer(token) },
      );
      const body = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['post', '/auth/session/logout'],
      });
      expectEqual('the result', { loggedOut: true }, body);
      expectStatements('a logout', statements, 0);
      expectRedisCommands(
        'a logout',
        redis,
        (r) =>
          r.del === 1 && Object.keys(r).every((c) => c === 'del' || (c === 'get' && r.get === 1)),
        '{"del":1} (a GET before it allowed)',
      );
      expectThat(
        (await groupState(ctx).redis.exists(key(token))) === 0,
        `expected ${key(token)} deleted`,
      );
      for (const path of ['/auth/session/me', '/auth/session/logout']) {
        const again = await ctx.client.send({
          method: path.endsWith('logout') ? 'POST' : 'GET',
          path,
          headers: bearer(token),
        });
        expect401(ctx, again, path);
      }
    },
  },
  {
    id: 'auth.session.expired',
    description: 'a session whose key expired in Redis is refused with 401',
    async run(ctx) {
      const { token } = await login(ctx, 'session');
      await groupState(ctx).redis.pexpire(key(token), 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const res = await ctx.client.send({
        method: 'GET',
        path: '/auth/session/me',
        headers: bearer(token),
      });
      expect401(ctx, res, '/auth/session/me');
    },
  },
];

type TokenCase = [name: string, header: (ctx: CheckContext) => Promise<Record<string, string>>];

const JWT_CASES: TokenCase[] = [
  ['missing', async () => ({})],
  ['not-bearer', async () => ({ authorization: 'Token abc' })],
  ['malformed', async () => bearer('not.a.jwt!')],
  [
    'wrong-signature',
    async (ctx) =>
      bearer(await signed(ctx, { sub: '2', email: 'a@b.c', exp: inFiveMinutes() }, 'other')),
  ],
  [
    'expired',
    async (ctx) =>
      bearer(
        await signed(ctx, { sub: '2', email: 'a@b.c', exp: Math.floor(Date.now() / 1000) - 3600 }),
      ),
  ],
  ['without-exp', async (ctx) => bearer(await signed(ctx, { sub: '2', email: 'a@b.c' }))],
  [
    'without-sub',
    async (ctx) => bearer(await signed(ctx, { email: 'a@b.c', exp: inFiveMinutes() })),
  ],
  ['without-email', async (ctx) => bearer(await signed(ctx, { sub: '2', exp: inFiveMinutes() }))],
  [
    'alg-none',
    async () =>
      bearer(
        `${encode({ alg: 'none' })}.${encode({ sub: '2', email: 'a@b.c', exp: inFiveMinutes() })}.`,
      ),
  ],
  ['a-session-token', async (ctx) => bearer((await login(ctx, 'session')).token)],
];

const SESSION_CASES: TokenCase[] = [
  ['missing', async () => ({})],
  ['not-bearer', async () => ({ authorization: 'Basic YTpi' })],
  ['too-short', async () => bearer('abc')],
  ['unknown', async () => bearer('A'.repeat(43))],
  ['a-jwt', async (ctx) => bearer((await login(ctx, 'jwt')).token)],
];

const tokenRefused = (path: string, [name, header]: TokenCase): Check => ({
  id: `auth.${path.split('/')[2]}.${path.split('/')[3]}.${name}-401`,
  description: `${path} with a ${name} token answers 401 with the challenge`,
  async run(ctx) {
    const method = path.endsWith('logout') ? 'POST' : 'GET';
    const res = await ctx.client.send({ method, path, headers: await header(ctx) });
    expect401(ctx, res, path);
  },
});

const LOGIN_BODIES: Array<[string, string]> = [
  ['missing-password', JSON.stringify({ email: ACCOUNT.email })],
  ['extra-property', JSON.stringify({ email: ACCOUNT.email, password: 'x', remember: true })],
  ['email-number', JSON.stringify({ email: 5, password: 'x' })],
  ['empty-password', JSON.stringify({ email: ACCOUNT.email, password: '' })],
  ['long-password', JSON.stringify({ email: ACCOUNT.email, password: 'x'.repeat(129) })],
  ['not-an-object', JSON.stringify([ACCOUNT.email])],
];

export const authBadInput: Check[] = [
  ...JWT_CASES.map((c) => tokenRefused('/auth/jwt/me', c)),
  ...SESSION_CASES.map((c) => tokenRefused('/auth/session/me', c)),
  tokenRefused('/auth/session/logout', ['unknown', async () => bearer('B'.repeat(43))]),
  ...(['jwt', 'session'] as const).flatMap((kind) => [
    ...LOGIN_BODIES.map(([name, body]) =>
      refused(`auth.${kind}.login.${name}`, `POST /auth/${kind}/login (${name}) answers 400`, {
        method: 'POST',
        path: `/auth/${kind}/login`,
        operation: `/auth/${kind}/login`,
        body,
      }),
    ),
    refused(`auth.${kind}.login.malformed-json`, 'malformed JSON answers 400 invalid_json', {
      method: 'POST',
      path: `/auth/${kind}/login`,
      operation: `/auth/${kind}/login`,
      code: 'invalid_json',
      body: '{"email":',
    }),
    refused(`auth.${kind}.login.not-json`, 'a text/plain body answers 415', {
      method: 'POST',
      path: `/auth/${kind}/login`,
      operation: `/auth/${kind}/login`,
      status: 415,
      code: 'unsupported_media_type',
      headers: { 'content-type': 'text/plain' },
      body: credentials(ACCOUNT.email),
    }),
  ]),
];

export const AUTH_CHECKS: readonly Check[] = [...authHappyPath, ...authBadInput];
