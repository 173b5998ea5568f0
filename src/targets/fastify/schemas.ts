import {
  EMAIL_MAX_LENGTH,
  LIMIT,
  NAME,
  NO_NUL_PATTERN,
  OFFSET,
  USER_ID,
} from '../shared/validation.ts';

/**
 * The contract's rules as JSON schemas (src/contract/openapi.yaml): Fastify validates inputs
 * with Ajv and serializes outputs with fast-json-stringify from the same schemas.
 */
export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

/** Every route also serializes its error bodies from a schema. */
export const errorResponses = { '4xx': errorSchema, '5xx': errorSchema } as const;

export const userSchema = {
  type: 'object',
  required: ['id', 'name', 'email', 'createdAt'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    email: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const usersPageSchema = {
  type: 'object',
  required: ['items', 'limit', 'offset'],
  properties: {
    items: { type: 'array', items: userSchema },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
  },
} as const;

export const listQuerySchema = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: LIMIT.min, maximum: LIMIT.max, default: LIMIT.default },
    offset: {
      type: 'integer',
      minimum: OFFSET.min,
      maximum: OFFSET.max,
      default: OFFSET.default,
    },
  },
} as const;

export const userParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: USER_ID.min, maximum: USER_ID.max } },
} as const;

export const newUserSchema = {
  type: 'object',
  required: ['name', 'email'],
  additionalProperties: false,
  properties: {
    name: {
      type: 'string',
      minLength: NAME.minLength,
      maxLength: NAME.maxLength,
      pattern: NO_NUL_PATTERN,
    },
    email: {
      type: 'string',
      format: 'email',
      maxLength: EMAIL_MAX_LENGTH,
      pattern: NO_NUL_PATTERN,
    },
  },
} as const;

/** Echo: any object, serialized as-is (no declared properties, so nothing is coerced). */
export const anyObjectSchema = { type: 'object', additionalProperties: true } as const;

export const healthSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' } },
} as const;

export const metaSchema = {
  type: 'object',
  properties: {
    target: { type: 'string' },
    framework: { type: 'string' },
    frameworkVersion: { type: 'string' },
    adapter: { type: ['string', 'null'] },
    dataLayer: { type: 'string' },
    runtime: { type: 'string' },
    runtimeVersion: { type: 'string' },
    pid: { type: 'integer' },
    dbPool: { type: 'integer' },
  },
} as const;

export const protectedSchema = {
  type: 'object',
  required: ['subject', 'logged'],
  properties: { subject: { type: 'string' }, logged: { type: 'integer' } },
} as const;

export const uploadResultSchema = {
  type: 'object',
  required: ['size', 'sha256'],
  properties: { size: { type: 'integer' }, sha256: { type: 'string' } },
} as const;
