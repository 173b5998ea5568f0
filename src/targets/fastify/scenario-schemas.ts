import {
  AGGREGATE_STRATEGIES,
  ORDERS_DIMENSIONS,
  TOP_AUTHORS_SIZE,
} from '../../data/http/aggregate-routes.ts';
import { LOGIN_EMAIL_MAX, LOGIN_PASSWORD_MAX } from '../../data/http/auth-routes.ts';
import { CACHE_STRATEGIES, WARM_COUNT, WARM_FROM } from '../../data/http/cache-routes.ts';
import { DB_SIZE, DB_SKIP } from '../../data/http/db-routes.ts';
import { POST_ID, POST_TITLE_MAX } from '../../data/http/flow-routes.ts';
import { SEARCH_QUERY, SEARCH_STRATEGIES } from '../../data/http/search-routes.ts';
import { NAME, NO_NUL_PATTERN, USER_ID } from '../shared/validation.ts';
import { userSchema } from './schemas.ts';

/**
 * The input rules of scenarios 14–19 as JSON schemas (from the shared constants of
 * src/data/http), and the response schemas fast-json-stringify serializes from.
 */
const integer = (range: { min: number; max: number }) =>
  ({ type: 'integer', minimum: range.min, maximum: range.max }) as const;
const strategy = (values: readonly string[]) => ({ type: 'string', enum: [...values] }) as const;
const strictObject = (properties: Record<string, object>) =>
  ({
    type: 'object',
    required: Object.keys(properties),
    additionalProperties: false,
    properties,
  }) as const;

// ---- 14–15 --------------------------------------------------------------------------------
export const cacheReadSchema = {
  params: strictObject({ id: integer(USER_ID) }),
  querystring: {
    type: 'object',
    required: ['strategy'],
    properties: { strategy: strategy(CACHE_STRATEGIES) },
  },
} as const;
export const cacheRenameSchema = {
  params: strictObject({ id: integer(USER_ID) }),
  body: strictObject({
    name: {
      type: 'string',
      minLength: NAME.minLength,
      maxLength: NAME.maxLength,
      pattern: NO_NUL_PATTERN,
    },
  }),
} as const;
export const cacheWarmBody = strictObject({ from: integer(WARM_FROM), count: integer(WARM_COUNT) });
export const counterSchema = (name: string) =>
  ({ type: 'object', required: [name], properties: { [name]: { type: 'integer' } } }) as const;
export const cacheInfoSchema = {
  type: 'object',
  properties: {
    client: { type: 'string' },
    connections: { type: 'integer' },
    ttlSeconds: { type: 'integer' },
  },
} as const;
export { userSchema };

// ---- 16 -----------------------------------------------------------------------------------
export const loginBody = strictObject({
  email: { type: 'string', minLength: 1, maxLength: LOGIN_EMAIL_MAX },
  password: { type: 'string', minLength: 1, maxLength: LOGIN_PASSWORD_MAX },
});
export const loginResultSchema = {
  type: 'object',
  properties: { token: { type: 'string' }, expiresIn: { type: 'integer' } },
} as const;
export const principalSchema = {
  type: 'object',
  properties: { subject: { type: ['string', 'null'] }, email: { type: ['string', 'null'] } },
} as const;
export const logoutSchema = {
  type: 'object',
  properties: { loggedOut: { type: 'boolean' } },
} as const;

// ---- 17–18 --------------------------------------------------------------------------------
export const aggregateQuery = {
  type: 'object',
  required: ['strategy'],
  properties: { strategy: strategy(AGGREGATE_STRATEGIES) },
} as const;
export const topAuthorsQuery = {
  type: 'object',
  required: ['strategy'],
  properties: {
    strategy: strategy(AGGREGATE_STRATEGIES),
    size: { ...integer(TOP_AUTHORS_SIZE), default: TOP_AUTHORS_SIZE.default },
  },
} as const;
/** The dimension is checked in the handler: an unknown one is 404, not a schema's 400. */
export const dimensionParams = {
  type: 'object',
  required: ['dimension'],
  properties: { dimension: { type: 'string' } },
} as const;
export { ORDERS_DIMENSIONS };

const decimal = { type: 'string' } as const;
export const groupStatsPage = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          orders: { type: 'integer' },
          quantity: { type: 'integer' },
          revenue: decimal,
          avgAmount: decimal,
        },
      },
    },
  },
} as const;
export const authorRevenuePage = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          authorId: { type: 'integer' },
          name: { type: 'string' },
          orders: { type: 'integer' },
          revenue: decimal,
          avgAmount: decimal,
        },
      },
    },
  },
} as const;
export const searchQuery = {
  type: 'object',
  required: ['q', 'strategy'],
  properties: {
    q: { type: 'string', ...SEARCH_QUERY },
    strategy: strategy(SEARCH_STRATEGIES),
    size: { ...integer(DB_SIZE), default: DB_SIZE.default },
  },
} as const;
export const searchPage = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          title: { type: 'string' },
          createdAt: { type: 'string' },
        },
      },
    },
  },
} as const;

// ---- 19 -----------------------------------------------------------------------------------
export const postsQuery = {
  type: 'object',
  properties: {
    skip: { ...integer(DB_SKIP), default: DB_SKIP.default },
    size: { ...integer(DB_SIZE), default: DB_SIZE.default },
  },
} as const;
export const postParams = strictObject({ id: integer(POST_ID) });
export const retitleBody = strictObject({
  title: { type: 'string', minLength: 1, maxLength: POST_TITLE_MAX, pattern: NO_NUL_PATTERN },
});
export const postSummaryPage = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          title: { type: 'string' },
          viewCount: { type: 'integer' },
        },
      },
    },
  },
} as const;
export const postSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    authorId: { type: 'integer' },
    title: { type: 'string' },
    body: { type: 'string' },
    viewCount: { type: 'integer' },
  },
} as const;
