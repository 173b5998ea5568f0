import { HttpError } from './errors.ts';

/**
 * Input rules of the contract, shared by the targets that validate in code (Express, NestJS
 * pipes). Fastify states the same rules as JSON schemas; the conformance verifier checks that
 * every target ends up answering alike.
 */
export const LIMIT = { min: 1, max: 100, default: 20 } as const;
export const OFFSET = { min: 0, max: 10_000_000, default: 0 } as const;
export const USER_ID = { min: 1, max: 2_147_483_647 } as const;
export const NAME = { minLength: 1, maxLength: 100 } as const;
export const EMAIL_MAX_LENGTH = 254;
/** ajv-formats' `email` (full mode): a dot-atom local part, `@`, a dotted host name. */
const EMAIL_SHAPE =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

/**
 * The contract's `format: email` as every target checks it (Fastify registers it as its Ajv
 * `email` format): ajv-formats' shape plus RFC 5321's lengths (local part ≤ 64 characters, each
 * host label ≤ 63), so that what a strict validator calls no email is refused everywhere.
 */
export function isEmail(value: string): boolean {
  if (!EMAIL_SHAPE.test(value)) return false;
  const at = value.lastIndexOf('@');
  return (
    at <= 64 &&
    value
      .slice(at + 1)
      .split('.')
      .every((label) => label.length <= 63)
  );
}
/**
 * Strings stored in PostgreSQL text columns: it cannot hold U+0000 (the insert would fail with
 * a server error), so the contract refuses them with 400. As a JSON-schema pattern, for Fastify.
 */
export const NO_NUL_PATTERN = '^[^\\u0000]*$';
export const hasNul = (value: string): boolean => value.includes('\u0000');

/** Strict decimal integer: rejects '', '1.5', '1e3', ' 7', '0x10', '-'. */
export function parseIntegerParam(
  name: string,
  raw: unknown,
  range: { min: number; max: number; default?: number },
): number {
  if (raw === undefined && range.default !== undefined) return range.default;
  if (typeof raw !== 'string' || !/^-?\d{1,16}$/.test(raw)) {
    throw new HttpError('validation_failed', `${name} must be an integer`);
  }
  const value = Number(raw);
  if (value < range.min || value > range.max) {
    throw new HttpError(
      'validation_failed',
      `${name} must be between ${range.min} and ${range.max}`,
    );
  }
  return value;
}

export interface NewUser {
  name: string;
  email: string;
}

export function parseNewUser(body: unknown): NewUser {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError('validation_failed', 'body must be a JSON object');
  }
  const { name, email, ...extra } = body as Record<string, unknown>;
  const unknown = Object.keys(extra);
  if (unknown.length > 0) {
    throw new HttpError('validation_failed', `unknown properties: ${unknown.join(', ')}`);
  }
  if (
    typeof name !== 'string' ||
    name.length < NAME.minLength ||
    name.length > NAME.maxLength ||
    hasNul(name)
  ) {
    throw new HttpError(
      'validation_failed',
      'name must be a string of 1 to 100 characters without U+0000',
    );
  }
  if (
    typeof email !== 'string' ||
    email.length > EMAIL_MAX_LENGTH ||
    !isEmail(email) ||
    hasNul(email)
  ) {
    throw new HttpError('validation_failed', 'email must be a valid email address');
  }
  return { name, email };
}

export function assertJsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError('validation_failed', 'body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
