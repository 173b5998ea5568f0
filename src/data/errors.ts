/**
 * Bad input to a data layer operation (every layer throws the same codes, so targets can map
 * them to HTTP statuses the same way): `invalid_cursor` for a cursor the layer did not produce,
 * `out_of_range` for page sizes outside 1–100, negative offsets and non-positive quantities,
 * `not_found` for an unknown product, column shape or column type.
 */
export type DataInputErrorCode = 'invalid_cursor' | 'out_of_range' | 'not_found';

export class DataInputError extends Error {
  readonly code: DataInputErrorCode;

  constructor(code: DataInputErrorCode, message: string) {
    super(message);
    this.name = 'DataInputError';
    this.code = code;
  }
}

/** Page sizes every layer accepts. */
export const MIN_PAGE_SIZE = 1;
export const MAX_PAGE_SIZE = 100;

/** Throws `out_of_range` unless `size` is an integer in 1–100. */
export function checkPageSize(size: number): void {
  if (!Number.isInteger(size) || size < MIN_PAGE_SIZE || size > MAX_PAGE_SIZE) {
    throw new DataInputError(
      'out_of_range',
      `page size must be an integer from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE}, got ${size}`,
    );
  }
}

/** Throws `out_of_range` unless `value` (an offset or an id to page after) is an integer ≥ 0. */
export function checkNonNegative(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DataInputError('out_of_range', `${name} must be an integer ≥ 0, got ${value}`);
  }
}

/**
 * What a cursor looks like (the contract's `Cursor`): base64url, no padding. Produced ones are 40
 * to 64 characters; the bounds leave room without letting junk through to the decoder.
 */
export const CURSOR_LENGTH = { min: 8, max: 128 } as const;
export const CURSOR_PATTERN = `^[A-Za-z0-9_-]{${CURSOR_LENGTH.min},${CURSOR_LENGTH.max}}$`;
const CURSOR = new RegExp(CURSOR_PATTERN);

/**
 * The opaque cursor of `cursorPage`, the same in every layer: base64url of the JSON array
 * `[createdAtIso, id]` of the last row of a page. Timestamps have millisecond precision, like
 * JavaScript's Date: exact for the fixture (whole seconds); rows written with sub-millisecond
 * `created_at` (e.g. by `now()`) could be repeated at a page boundary.
 */
export function encodeCursor(createdAt: string, id: number): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: number } {
  const invalid = () => new DataInputError('invalid_cursor', 'invalid cursor');
  if (typeof cursor !== 'string' || !CURSOR.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(value) || value.length !== 2) throw invalid();
  const [createdAt, id] = value as [unknown, unknown];
  if (typeof createdAt !== 'string' || typeof id !== 'number') throw invalid();
  if (!Number.isSafeInteger(id) || id < 0) throw invalid();
  const time = new Date(createdAt);
  if (Number.isNaN(time.getTime()) || time.toISOString() !== createdAt) throw invalid();
  return { createdAt, id };
}
