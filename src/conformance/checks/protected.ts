import { expectEqual, expectJson, expectThat } from '../expect.ts';
import type { TestTokens } from '../tokens.ts';
import { type Check, type CheckContext, send } from './context.ts';

/** Scenario 06: logging + bearer-auth middleware in front of `GET /protected`. */

interface ProtectedResult {
  subject: string;
  logged: number;
}

const RING_BUFFER_SIZE = 10_000;

async function callProtected(ctx: CheckContext): Promise<ProtectedResult> {
  const res = await send(ctx, 'GET', '/protected', {
    headers: { authorization: `Bearer ${ctx.tokens.valid}` },
  });
  return expectJson(ctx.validators, res, {
    status: 200,
    operation: ['get', '/protected'],
  }) as ProtectedResult;
}

export const protectedHappyPath: Check[] = [
  {
    id: 'protected.ok',
    description: 'GET /protected with a valid token answers 200 with the token subject',
    async run(ctx) {
      const result = await callProtected(ctx);
      expectEqual('subject', ctx.tokens.subject, result.subject);
    },
  },
  {
    id: 'protected.logged-grows',
    description: 'the logged count of GET /protected grows with each request (ring buffer)',
    async run(ctx) {
      const counts: number[] = [];
      // Three calls: a sink that appends on response finish may lag one request behind.
      for (let i = 0; i < 3; i++) counts.push((await callProtected(ctx)).logged);
      const [first = 0, , last = 0] = counts;
      const full = counts.every((count) => count === RING_BUFFER_SIZE);
      expectThat(
        full || last > first,
        `expected logged to grow over three requests, received ${counts.join(', ')}`,
      );
    },
  },
];

const unauthorized: [
  id: string,
  what: string,
  header: (tokens: TestTokens) => string | undefined,
][] = [
  ['missing-token', 'no Authorization header', () => undefined],
  ['malformed-token', 'a bearer token that is not a JWT', () => 'Bearer not-a-jwt'],
  ['wrong-scheme', 'Basic credentials', () => 'Basic Y29uZm9ybWFuY2U6c2VjcmV0'],
  ['wrong-signature', 'a token signed with another secret', (t) => `Bearer ${t.wrongSignature}`],
  ['expired-token', 'a token that expired an hour ago', (t) => `Bearer ${t.expired}`],
  ['no-exp', 'a token without exp', (t) => `Bearer ${t.withoutExp}`],
  ['no-sub', 'a token without sub', (t) => `Bearer ${t.withoutSub}`],
  ['unsigned-token', 'an unsigned token (alg none)', (t) => `Bearer ${t.unsigned}`],
];

export const protectedBadInput: Check[] = unauthorized.map(([id, what, header]) => ({
  id: `protected.${id}-401`,
  description: `GET /protected with ${what} answers 401 unauthorized with WWW-Authenticate: Bearer`,
  async run(ctx) {
    const value = header(ctx.tokens);
    const res = await send(
      ctx,
      'GET',
      '/protected',
      value ? { headers: { authorization: value } } : {},
    );
    expectJson(ctx.validators, res, {
      status: 401,
      operation: ['get', '/protected'],
      code: 'unauthorized',
    });
  },
}));
