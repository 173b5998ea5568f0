import type { FastifyPluginAsync } from 'fastify';
import {
  BULK_INSERT_STRATEGIES,
  BULK_ITEMS,
  BULK_UPDATE_STRATEGIES,
  type BulkUpdate,
  CURSOR_PATTERN,
  checkBulkInsertStrategy,
  DB_SIZE,
  DB_SKIP,
  DECREMENT_QUANTITY,
  dbOperations,
  ITEM_NAME_MAX_LENGTH,
  LOAD_STRATEGIES,
  LOCK_STRATEGIES,
  PRICE_PATTERN,
  PRODUCT_ID,
  parseColumnShape,
  parseColumnType,
  QUANTITY,
  SKU_MAX_LENGTH,
} from '../../data/http/db-routes.ts';
import type {
  BulkInsertStrategy,
  BulkUpdateStrategy,
  DataLayer,
  LoadStrategy,
  LockStrategy,
  NewBulkItem,
} from '../../data/types.ts';
import { NO_NUL_PATTERN } from '../shared/validation.ts';
import { requireBody } from './hooks.ts';
import { errorResponses, userSchema } from './schemas.ts';

/**
 * The `/db/…` routes of scenarios 09–13 (src/data/http/db-routes.ts) as a Fastify plugin: the
 * contract's input rules as JSON schemas (Ajv validates, coercing query strings), responses
 * serialized from schemas, the handlers calling the DataLayer the target opened at start.
 */

const size = {
  type: 'integer',
  minimum: DB_SIZE.min,
  maximum: DB_SIZE.max,
  default: DB_SIZE.default,
};
const skip = {
  type: 'integer',
  minimum: DB_SKIP.min,
  maximum: DB_SKIP.max,
  default: DB_SKIP.default,
};
const strategy = (values: readonly string[]) =>
  ({
    type: 'object',
    required: ['strategy'],
    properties: { strategy: { type: 'string', enum: [...values] } },
  }) as const;

const offsetQuery = { type: 'object', properties: { skip, size } } as const;
const keysetQuery = { type: 'object', properties: { after: skip, size } } as const;
/** A cursor-shaped string reaches the layer, which answers `invalid_cursor` for one it did not produce. */
const cursorQuery = {
  type: 'object',
  properties: { cursor: { type: 'string', pattern: CURSOR_PATTERN }, size },
} as const;
const authorsQuery = {
  type: 'object',
  required: ['strategy'],
  properties: { strategy: { type: 'string', enum: [...LOAD_STRATEGIES] }, skip, size },
} as const;
/** Shape and type are checked in the handler: an unknown one is 404, not a schema's 400. */
const nameParams = (name: string) =>
  ({ type: 'object', required: [name], properties: { [name]: { type: 'string' } } }) as const;
const productParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: PRODUCT_ID.min, maximum: PRODUCT_ID.max } },
} as const;

const sku = {
  type: 'string',
  minLength: 1,
  maxLength: SKU_MAX_LENGTH,
  pattern: NO_NUL_PATTERN,
} as const;
const quantity = { type: 'integer', minimum: QUANTITY.min, maximum: QUANTITY.max } as const;
const bulkInsertBody = {
  type: 'object',
  required: ['items'],
  additionalProperties: false,
  properties: {
    items: {
      type: 'array',
      minItems: BULK_ITEMS.min,
      maxItems: BULK_ITEMS.max,
      items: {
        type: 'object',
        required: ['sku', 'name', 'quantity', 'price'],
        additionalProperties: false,
        properties: {
          sku,
          name: {
            type: 'string',
            minLength: 1,
            maxLength: ITEM_NAME_MAX_LENGTH,
            pattern: NO_NUL_PATTERN,
          },
          quantity,
          price: { type: 'string', pattern: PRICE_PATTERN },
        },
      },
    },
  },
} as const;
const bulkUpdateBody = {
  type: 'object',
  required: ['updates'],
  additionalProperties: false,
  properties: {
    updates: {
      type: 'array',
      minItems: BULK_ITEMS.min,
      maxItems: BULK_ITEMS.max,
      items: {
        type: 'object',
        required: ['sku', 'quantity'],
        additionalProperties: false,
        properties: { sku, quantity },
      },
    },
  },
} as const;
const decrementBody = {
  type: 'object',
  required: ['quantity'],
  additionalProperties: false,
  properties: {
    quantity: { type: 'integer', minimum: DECREMENT_QUANTITY.min, maximum: DECREMENT_QUANTITY.max },
  },
} as const;

const pageUsers = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: userSchema } },
} as const;
const cursorPage = {
  type: 'object',
  required: ['items', 'next'],
  properties: { items: { type: 'array', items: userSchema }, next: { type: ['string', 'null'] } },
} as const;
const rows = {
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } } },
} as const;
const authors = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'posts'],
        properties: {
          id: { type: 'integer' },
          name: { type: 'string' },
          posts: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'title', 'viewCount'],
              properties: {
                id: { type: 'integer' },
                title: { type: 'string' },
                viewCount: { type: 'integer' },
              },
            },
          },
        },
      },
    },
  },
} as const;
const counter = (name: string) =>
  ({ type: 'object', required: [name], properties: { [name]: { type: 'integer' } } }) as const;
const decrementResult = {
  type: 'object',
  required: ['ok', 'retries'],
  properties: { ok: { type: 'boolean' }, retries: { type: 'integer' } },
} as const;

type Page = { skip: number; size: number };

export const dbRoutes: FastifyPluginAsync<{ layer: DataLayer }> = async (app, { layer }) => {
  const db = dbOperations(layer);

  app.get<{ Querystring: Page }>(
    '/db/users/offset',
    { schema: { querystring: offsetQuery, response: { 200: pageUsers, ...errorResponses } } },
    (request) => db.offset(request.query),
  );

  app.get<{ Querystring: { after: number; size: number } }>(
    '/db/users/keyset',
    { schema: { querystring: keysetQuery, response: { 200: pageUsers, ...errorResponses } } },
    (request) => db.keyset(request.query),
  );

  app.get<{ Querystring: { cursor?: string; size: number } }>(
    '/db/users/cursor',
    { schema: { querystring: cursorQuery, response: { 200: cursorPage, ...errorResponses } } },
    (request) => db.cursor({ cursor: request.query.cursor ?? null, size: request.query.size }),
  );

  app.get<{ Params: { shape: string }; Querystring: Page }>(
    '/db/columns/:shape',
    {
      schema: {
        params: nameParams('shape'),
        querystring: offsetQuery,
        response: { 200: rows, ...errorResponses },
      },
    },
    (request) => db.columns(parseColumnShape(request.params.shape), request.query),
  );

  app.get<{ Params: { type: string }; Querystring: Page }>(
    '/db/types/:type',
    {
      schema: {
        params: nameParams('type'),
        querystring: offsetQuery,
        response: { 200: rows, ...errorResponses },
      },
    },
    (request) => db.types(parseColumnType(request.params.type), request.query),
  );

  app.get<{ Querystring: Page & { strategy: LoadStrategy } }>(
    '/db/authors',
    { schema: { querystring: authorsQuery, response: { 200: authors, ...errorResponses } } },
    (request) => db.authors(request.query),
  );

  app.post<{ Querystring: { strategy: BulkInsertStrategy }; Body: { items: NewBulkItem[] } }>(
    '/db/bulk/insert',
    {
      schema: {
        querystring: strategy(BULK_INSERT_STRATEGIES),
        body: bulkInsertBody,
        response: { 201: counter('written'), ...errorResponses },
      },
      preValidation: requireBody,
    },
    async (request, reply) => {
      // The schema knows the five strategies; whether this layer has one is the layer's say.
      checkBulkInsertStrategy(request.query.strategy, layer);
      const result = await db.bulkInsert(request.query.strategy, request.body.items);
      reply.code(201);
      return result;
    },
  );

  app.post<{ Querystring: { strategy: BulkUpdateStrategy }; Body: { updates: BulkUpdate[] } }>(
    '/db/bulk/update',
    {
      schema: {
        querystring: strategy(BULK_UPDATE_STRATEGIES),
        body: bulkUpdateBody,
        response: { 200: counter('updated'), ...errorResponses },
      },
      preValidation: requireBody,
    },
    (request) => db.bulkUpdate(request.query.strategy, request.body.updates),
  );

  app.post<{
    Params: { id: number };
    Querystring: { strategy: LockStrategy };
    Body: { quantity: number };
  }>(
    '/db/products/:id/decrement',
    {
      schema: {
        params: productParams,
        querystring: strategy(LOCK_STRATEGIES),
        body: decrementBody,
        response: { 200: decrementResult, ...errorResponses },
      },
      preValidation: requireBody,
    },
    (request) => db.decrement(request.query.strategy, request.params.id, request.body.quantity),
  );
};
