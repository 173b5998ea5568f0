import { createHash, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Password hashes of the accounts (the authors of the blog fixture; docs/contract.md, 16):
 * scrypt, stored as `scrypt$<log2 N>$<r>$<p>$<salt base64>$<key base64>`, so the cost travels
 * with the hash and every language verifies it with its standard library (Node crypto, Python
 * hashlib, Go x/crypto/scrypt). scrypt rather than bcrypt or argon2: it is the memory-hard
 * password hash all three runtimes have without a native add-on.
 */
export interface ScryptCost {
  log2N: number;
  r: number;
  p: number;
}

/** Every author's password. */
export const LAB_PASSWORD = 'lab-password';
/** Microseconds: a login then costs its lookup and its token, not the hash. */
export const CHEAP_COST: ScryptCost = { log2N: 4, r: 8, p: 1 };
/** The scrypt paper's interactive-login cost (16 MiB, tens of ms): the CPU-heavy login of 16. */
export const HARDENED_COST: ScryptCost = { log2N: 14, r: 8, p: 1 };
/** The account with the hardened hash; every other author has the cheap one. */
export const HARDENED_AUTHOR_ID = 1;

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const FORMAT =
  /^scrypt\$(\d{1,2})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** scrypt needs 128 · N · r bytes; Node refuses more than `maxmem` (default 32 MiB). */
const maxmem = ({ log2N, r }: ScryptCost) => 256 * 2 ** log2N * r;

/** A deterministic salt for the fixture's hashes (same seed, same table contents). */
export function fixedSalt(label: string): Buffer {
  return createHash('sha256').update(label).digest().subarray(0, SALT_BYTES);
}

/** Hashes `password` (synchronously: fixtures and tests; targets only verify). */
export function hashPassword(password: string, cost: ScryptCost, salt: Buffer): string {
  const options = { N: 2 ** cost.log2N, r: cost.r, p: cost.p, maxmem: maxmem(cost) };
  const key = scryptSync(password, salt, KEY_BYTES, options);
  return `scrypt$${cost.log2N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether `password` matches `stored`; a malformed hash matches nothing. Off the event loop. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const cost = { log2N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (cost.log2N < 1 || cost.log2N > 20 || cost.r < 1 || cost.p < 1) return false;
  const salt = Buffer.from(match[4] as string, 'base64');
  const expected = Buffer.from(match[5] as string, 'base64');
  const key = await scryptAsync(password, salt, expected.length, {
    N: 2 ** cost.log2N,
    r: cost.r,
    p: cost.p,
    maxmem: maxmem(cost),
  });
  return timingSafeEqual(key, expected);
}
