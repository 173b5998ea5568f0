import { HttpError } from '../../targets/shared/errors.ts';
import { hasNul, parseIntegerParam } from '../../targets/shared/validation.ts';
import {
  CURSOR_LENGTH,
  CURSOR_PATTERN,
  DataInputError,
  MAX_PAGE_SIZE,
  MIN_PAGE_SIZE,
} from '../errors.ts';
import type {
  AuthorWithPosts,
  BulkInsertStrategy,
  BulkUpdateStrategy,
  ColumnShape,
  ColumnType,
  CursorPage,
  DataLayer,
  LoadStrategy,
  LockStrategy,
  NewBulkItem,
  PageUser,
} from '../types.ts';

/**
 * The `/db/…` routes of scenarios 09–13, framework-neutral: the input rules (one place, so that
 * every framework validates identically), pure parsers from raw query/params/bodies to typed
 * arguments (or an HttpError), the calls into the DataLayer, and the mapping of data-layer errors
 * to the contract's error shape. Express and the NestJS pipes call the parsers; Fastify states the
 * same rules as JSON schemas built from the constants below (src/targets/fastify/db.ts).
 *
 *   GET  /db/users/offset?skip&size            → 200 { items }
 *   GET  /db/users/keyset?after&size           → 200 { items }
 *   GET  /db/users/cursor?size[&cursor]        → 200 { items, next }
 *   GET  /db/columns/{shape}?skip&size         → 200 { items }
 *   GET  /db/types/{type}?skip&size            → 200 { items }
 *   GET  /db/authors?strategy&skip&size        → 200 { items }
 *   POST /db/bulk/insert?strategy  { items }   → 201 { written }
 *   POST /db/bulk/update?strategy  { updates } → 200 { updated }
 *   POST /db/products/{id}/decrement?strategy { quantity } → 200 { ok: true, retries } | 409
 */

export { CURSOR_PATTERN };

// ---- rules ---------------------------------------------------------------------------------

export const DB_SIZE = { min: MIN_PAGE_SIZE, max: MAX_PAGE_SIZE, default: 20 } as const;
/** `skip` (offset) and `after` (keyset id): integers 0–2^53−1 (docs/contract.md). */
export const DB_SKIP = { min: 0, max: Number.MAX_SAFE_INTEGER, default: 0 } as const;
export const PRODUCT_ID = { min: 1, max: 2_147_483_647 } as const;
export const DECREMENT_QUANTITY = { min: 1, max: 2_147_483_647 } as const;
export const BULK_ITEMS = { min: 1, max: 5000 } as const;
export const SKU_MAX_LENGTH = 64;
export const ITEM_NAME_MAX_LENGTH = 200;
export const QUANTITY = { min: 0, max: 2_147_483_647 } as const;
/** numeric(10,2) as a decimal string: up to 8 integer digits, up to 2 decimals. */
export const PRICE_PATTERN = '^\\d{1,8}(\\.\\d{1,2})?$';
const PRICE = new RegExp(PRICE_PATTERN);
const CURSOR = new RegExp(CURSOR_PATTERN);

export const COLUMN_SHAPES: readonly ColumnShape[] = [
  'narrow',
  'wide',
  'extra_wide',
  'wide_projected',
];
export const COLUMN_TYPES: readonly ColumnType[] = [
  'int',
  'varchar',
  'text',
  'jsonb',
  'timestamp',
  'uuid',
];
export const LOAD_STRATEGIES: readonly LoadStrategy[] = ['lazy', 'eager', 'select-in'];
export const BULK_INSERT_STRATEGIES: readonly BulkInsertStrategy[] = [
  'individual',
  'orm-batch',
  'multi-values',
  'unnest',
  'copy',
];
export const BULK_UPDATE_STRATEGIES: readonly BulkUpdateStrategy[] = ['individual', 'bulk'];
export const LOCK_STRATEGIES: readonly LockStrategy[] = [
  'none',
  'pessimistic',
  'optimistic',
  'serializable',
];

// ---- typed arguments -----------------------------------------------------------------------

export interface OffsetArgs {
  skip: number;
  size: number;
}
export interface KeysetArgs {
  after: number;
  size: number;
}
export interface CursorArgs {
  cursor: string | null;
  size: number;
}
export interface AuthorsArgs extends OffsetArgs {
  strategy: LoadStrategy;
}
export interface BulkUpdate {
  sku: string;
  quantity: number;
}

// ---- parsers (raw framework values → typed arguments, or HttpError) ------------------------

type Raw = Record<string, unknown> | undefined | null;

const invalid = (message: string) => new HttpError('validation_failed', message);

/** Strict decimal integer from a query/path string (the shared rule of every target). */
export const intParam = parseIntegerParam;

export function oneOf<T extends string>(name: string, raw: unknown, valid: readonly T[]): T {
  if (typeof raw !== 'string' || !valid.includes(raw as T)) {
    throw invalid(`${name} must be one of ${valid.join(', ')}`);
  }
  return raw as T;
}

export function parseOffsetQuery(query: Raw): OffsetArgs {
  return {
    skip: intParam('skip', query?.skip, DB_SKIP),
    size: intParam('size', query?.size, DB_SIZE),
  };
}

export function parseKeysetQuery(query: Raw): KeysetArgs {
  return {
    after: intParam('after', query?.after, DB_SKIP),
    size: intParam('size', query?.size, DB_SIZE),
  };
}

/**
 * `cursor` must look like one (base64url, 8–128 characters: the contract's `Cursor`), else it is
 * `validation_failed`; whether it decodes to a position is the layer's `invalid_cursor`.
 */
export function parseCursorQuery(query: Raw): CursorArgs {
  const cursor = query?.cursor;
  if (cursor !== undefined && (typeof cursor !== 'string' || !CURSOR.test(cursor))) {
    throw invalid(
      `cursor must be base64url of ${CURSOR_LENGTH.min} to ${CURSOR_LENGTH.max} characters`,
    );
  }
  return { cursor: cursor ?? null, size: intParam('size', query?.size, DB_SIZE) };
}

export function parseAuthorsQuery(query: Raw): AuthorsArgs {
  return {
    strategy: oneOf('strategy', query?.strategy, LOAD_STRATEGIES),
    ...parseOffsetQuery(query),
  };
}

/** An unknown shape is an unknown resource: 404, like an unknown route. */
export function parseColumnShape(raw: unknown): ColumnShape {
  if (typeof raw !== 'string' || !COLUMN_SHAPES.includes(raw as ColumnShape)) {
    throw new HttpError('not_found', `unknown column shape ${JSON.stringify(raw)}`);
  }
  return raw as ColumnShape;
}

export function parseColumnType(raw: unknown): ColumnType {
  if (typeof raw !== 'string' || !COLUMN_TYPES.includes(raw as ColumnType)) {
    throw new HttpError('not_found', `unknown column type ${JSON.stringify(raw)}`);
  }
  return raw as ColumnType;
}

export const parseProductId = (raw: unknown): number => intParam('id', raw, PRODUCT_ID);

/**
 * `strategy` of POST /db/bulk/insert: one of the five, and one this layer implements (the raw SQL
 * ones may be pg-only); anything else is 400 naming the layer.
 */
export function parseBulkInsertStrategy(raw: unknown, layer: DataLayer): BulkInsertStrategy {
  const strategy = oneOf('strategy', raw, BULK_INSERT_STRATEGIES);
  checkBulkInsertStrategy(strategy, layer);
  return strategy;
}

export function checkBulkInsertStrategy(strategy: BulkInsertStrategy, layer: DataLayer): void {
  if (!layer.bulkInsertStrategies.includes(strategy)) {
    throw invalid(
      `bulk insert strategy ${strategy} is not implemented by the ${layer.name} data layer ` +
        `(it has: ${layer.bulkInsertStrategies.join(', ')})`,
    );
  }
}

export const parseBulkUpdateStrategy = (raw: unknown): BulkUpdateStrategy =>
  oneOf('strategy', raw, BULK_UPDATE_STRATEGIES);

export const parseLockStrategy = (raw: unknown): LockStrategy =>
  oneOf('strategy', raw, LOCK_STRATEGIES);

export function object(
  value: unknown,
  what: string,
  keys: readonly string[],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`${what} must be a JSON object`);
  }
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !keys.includes(key));
  if (unknown.length > 0) throw invalid(`${what}: unknown properties: ${unknown.join(', ')}`);
  return record;
}

function array(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value) || value.length < BULK_ITEMS.min || value.length > BULK_ITEMS.max) {
    throw invalid(`${name} must be an array of ${BULK_ITEMS.min} to ${BULK_ITEMS.max} entries`);
  }
  return value;
}

function sku(value: unknown, where: string): string {
  if (
    typeof value !== 'string' ||
    value.length < 1 ||
    value.length > SKU_MAX_LENGTH ||
    hasNul(value)
  ) {
    throw invalid(
      `${where}.sku must be a string of 1 to ${SKU_MAX_LENGTH} characters without U+0000`,
    );
  }
  return value;
}

function quantity(value: unknown, where: string): number {
  if (!Number.isInteger(value) || (value as number) < QUANTITY.min) {
    throw invalid(`${where}.quantity must be an integer ≥ 0`);
  }
  if ((value as number) > QUANTITY.max) throw invalid(`${where}.quantity is too large`);
  return value as number;
}

/** `{ items: [{ sku, name, quantity, price }] }`, 1–5000 items, nothing else. */
export function parseBulkInsertBody(body: unknown): NewBulkItem[] {
  const { items } = object(body, 'body', ['items']);
  return array(items, 'items').map((raw, index) => {
    const where = `items[${index}]`;
    const item = object(raw, where, ['sku', 'name', 'quantity', 'price']);
    const { name, price } = item;
    if (
      typeof name !== 'string' ||
      name.length < 1 ||
      name.length > ITEM_NAME_MAX_LENGTH ||
      hasNul(name)
    ) {
      throw invalid(
        `${where}.name must be a string of 1 to ${ITEM_NAME_MAX_LENGTH} characters without U+0000`,
      );
    }
    if (typeof price !== 'string' || !PRICE.test(price)) {
      throw invalid(`${where}.price must be a decimal string such as "12.50"`);
    }
    return { sku: sku(item.sku, where), name, quantity: quantity(item.quantity, where), price };
  });
}

/** `{ updates: [{ sku, quantity }] }`, 1–5000 entries, nothing else. */
export function parseBulkUpdateBody(body: unknown): BulkUpdate[] {
  const { updates } = object(body, 'body', ['updates']);
  return array(updates, 'updates').map((raw, index) => {
    const where = `updates[${index}]`;
    const update = object(raw, where, ['sku', 'quantity']);
    return { sku: sku(update.sku, where), quantity: quantity(update.quantity, where) };
  });
}

/** `{ quantity }`, an integer ≥ 1. */
export function parseDecrementBody(body: unknown): number {
  const { quantity } = object(body, 'body', ['quantity']);
  if (
    !Number.isInteger(quantity) ||
    (quantity as number) < DECREMENT_QUANTITY.min ||
    (quantity as number) > DECREMENT_QUANTITY.max
  ) {
    throw invalid(
      `quantity must be an integer from ${DECREMENT_QUANTITY.min} to ${DECREMENT_QUANTITY.max}`,
    );
  }
  return quantity as number;
}

// ---- operations (typed arguments → response bodies) ----------------------------------------

export interface ItemsBody<T> {
  items: T[];
}

/**
 * The handlers every framework calls once its inputs are validated; data-layer errors are
 * rethrown as HttpErrors (a 409 is thrown too, so each framework's error path answers it).
 */
export function dbOperations(layer: DataLayer) {
  const call = withDataErrors;
  return {
    layer,
    offset: ({ skip, size }: OffsetArgs): Promise<ItemsBody<PageUser>> =>
      call(async () => ({ items: await layer.offsetPage(skip, size) })),
    keyset: ({ after, size }: KeysetArgs): Promise<ItemsBody<PageUser>> =>
      call(async () => ({ items: await layer.keysetPage(after, size) })),
    cursor: ({ cursor, size }: CursorArgs): Promise<CursorPage> =>
      call(() => layer.cursorPage(cursor, size)),
    columns: (
      shape: ColumnShape,
      { skip, size }: OffsetArgs,
    ): Promise<ItemsBody<Record<string, unknown>>> =>
      call(async () => ({ items: await layer.readColumns(shape, skip, size) })),
    types: (
      type: ColumnType,
      { skip, size }: OffsetArgs,
    ): Promise<ItemsBody<Record<string, unknown>>> =>
      call(async () => ({ items: await layer.readType(type, skip, size) })),
    authors: ({ strategy, skip, size }: AuthorsArgs): Promise<ItemsBody<AuthorWithPosts>> =>
      call(async () => ({ items: await layer.authorsWithPosts(strategy, skip, size) })),
    bulkInsert: (
      strategy: BulkInsertStrategy,
      items: readonly NewBulkItem[],
    ): Promise<{ written: number }> =>
      call(async () => ({ written: await layer.bulkInsert(strategy, items) })),
    bulkUpdate: (
      strategy: BulkUpdateStrategy,
      updates: readonly BulkUpdate[],
    ): Promise<{ updated: number }> =>
      call(async () => ({ updated: await layer.bulkUpdate(strategy, updates) })),
    /** 200 `{ ok: true, retries }`; insufficient stock (or retries exhausted) → 409 conflict. */
    decrement: (
      strategy: LockStrategy,
      productId: number,
      quantity: number,
    ): Promise<{ ok: true; retries: number }> =>
      call(async () => {
        const outcome = await layer.decrementStock(strategy, productId, quantity);
        if (!outcome.ok) {
          throw new HttpError(
            'conflict',
            `product ${productId}: decrement by ${quantity} not applied (insufficient stock or ` +
              `too many conflicts; ${outcome.retries} retries)`,
          );
        }
        return { ok: true, retries: outcome.retries };
      }),
  };
}

export type DbOperations = ReturnType<typeof dbOperations>;

// ---- errors --------------------------------------------------------------------------------

/** Runs a data-layer call, rethrowing its input errors in contract terms (see dataHttpError). */
export async function withDataErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw dataHttpError(error) ?? error;
  }
}

const UNIQUE_VIOLATION = '23505';

/**
 * A data-layer error in contract terms, or undefined when it is not a client's fault:
 * DataInputError `invalid_cursor` → 400 invalid_cursor, `out_of_range` → 400 validation_failed,
 * `not_found` → 404; a unique violation (a sku that exists, from pg, TypeORM's QueryFailedError
 * or MikroORM's UniqueConstraintViolationException) → 409 conflict.
 */
export function dataHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof DataInputError) {
    switch (error.code) {
      case 'invalid_cursor':
        return new HttpError('invalid_cursor', error.message);
      case 'out_of_range':
        return new HttpError('validation_failed', error.message);
      case 'not_found':
        return new HttpError('not_found', error.message);
    }
  }
  const candidate = error as
    | { code?: unknown; name?: unknown; driverError?: { code?: unknown } }
    | null
    | undefined;
  if (
    candidate?.code === UNIQUE_VIOLATION ||
    candidate?.driverError?.code === UNIQUE_VIOLATION ||
    candidate?.name === 'UniqueConstraintViolationException'
  ) {
    return new HttpError('conflict', 'a row with this unique key (sku) already exists');
  }
  return undefined;
}
