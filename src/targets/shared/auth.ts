import { errors, jwtVerify, SignJWT } from 'jose';
import { HttpError } from './errors.ts';

/** Bearer-token auth of `GET /protected`: HS256 JWT with required `exp` and `sub`. */
export async function verifyBearer(header: string | undefined, secret: string): Promise<string> {
  if (!header) throw new HttpError('unauthorized', 'missing bearer token');
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
  if (!match?.[1]) throw new HttpError('unauthorized', 'malformed Authorization header');
  try {
    const { payload } = await jwtVerify(match[1], keyOf(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'sub'],
    });
    return payload.sub as string;
  } catch (error) {
    const reason = error instanceof errors.JWTExpired ? 'token expired' : 'invalid token';
    throw new HttpError('unauthorized', reason);
  }
}

const keys = new Map<string, Uint8Array>();
function keyOf(secret: string): Uint8Array {
  let key = keys.get(secret);
  if (!key) {
    key = new TextEncoder().encode(secret);
    keys.set(secret, key);
  }
  return key;
}

/** Issues a token; used by the verifier, the load scripts and tests. */
export function issueToken(
  subject: string,
  secret: string,
  expiresInSeconds = 3600,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds)
    .sign(keyOf(secret));
}

export const WWW_AUTHENTICATE = 'Bearer realm="lab"';
