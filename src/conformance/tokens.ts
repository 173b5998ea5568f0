import { SignJWT } from 'jose';

/** Bearer tokens for `GET /protected`: one valid, and one per way of being invalid. */
export interface TestTokens {
  subject: string;
  valid: string;
  wrongSignature: string;
  expired: string;
  withoutExp: string;
  withoutSub: string;
  /** `alg: none`, no signature: must never be accepted. */
  unsigned: string;
}

export const TOKEN_SUBJECT = 'conformance-client';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function makeTokens(secret: string): Promise<TestTokens> {
  const key = new TextEncoder().encode(secret);
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: { sub?: string; exp?: number }, signingKey = key) => {
    const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(now);
    if (claims.sub !== undefined) jwt.setSubject(claims.sub);
    if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
    return jwt.sign(signingKey);
  };
  const inFiveMinutes = now + 300;
  return {
    subject: TOKEN_SUBJECT,
    valid: await sign({ sub: TOKEN_SUBJECT, exp: inFiveMinutes }),
    wrongSignature: await sign(
      { sub: TOKEN_SUBJECT, exp: inFiveMinutes },
      new TextEncoder().encode(`${secret}-but-not-quite`),
    ),
    // An hour in the past: beyond any clock tolerance a JWT library applies by default.
    expired: await sign({ sub: TOKEN_SUBJECT, exp: now - 3600 }),
    withoutExp: await sign({ sub: TOKEN_SUBJECT }),
    withoutSub: await sign({ exp: inFiveMinutes }),
    unsigned: `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: TOKEN_SUBJECT, exp: inFiveMinutes })}.`,
  };
}
