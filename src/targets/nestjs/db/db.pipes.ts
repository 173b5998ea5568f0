import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import {
  type AuthorsArgs,
  type BulkUpdate,
  type CursorArgs,
  type KeysetArgs,
  type OffsetArgs,
  parseAuthorsQuery,
  parseBulkInsertBody,
  parseBulkInsertStrategy,
  parseBulkUpdateBody,
  parseBulkUpdateStrategy,
  parseColumnShape,
  parseColumnType,
  parseCursorQuery,
  parseDecrementBody,
  parseKeysetQuery,
  parseLockStrategy,
  parseOffsetQuery,
  parseProductId,
} from '../../../data/http/db-routes.ts';
import type {
  BulkInsertStrategy,
  BulkUpdateStrategy,
  ColumnShape,
  ColumnType,
  DataLayer,
  LockStrategy,
  NewBulkItem,
} from '../../../data/types.ts';
import { DATA_LAYER } from '../tokens.ts';

/**
 * Validation pipes of the `/db/…` routes, each one of the shared parsers
 * (src/data/http/db-routes.ts), so the NestJS targets accept and refuse exactly what the
 * others do. They throw HttpError; the global LabExceptionFilter answers it.
 */
export class ParsePipe<T> implements PipeTransform<unknown, T> {
  constructor(private readonly parse: (value: unknown) => T) {}

  transform(value: unknown): T {
    return this.parse(value);
  }
}

type Query = Record<string, unknown> | undefined;

export const OffsetQueryPipe = new ParsePipe<OffsetArgs>((q) => parseOffsetQuery(q as Query));
export const KeysetQueryPipe = new ParsePipe<KeysetArgs>((q) => parseKeysetQuery(q as Query));
export const CursorQueryPipe = new ParsePipe<CursorArgs>((q) => parseCursorQuery(q as Query));
export const AuthorsQueryPipe = new ParsePipe<AuthorsArgs>((q) => parseAuthorsQuery(q as Query));
export const ColumnShapePipe = new ParsePipe<ColumnShape>(parseColumnShape);
export const ColumnTypePipe = new ParsePipe<ColumnType>(parseColumnType);
export const ProductIdPipe = new ParsePipe<number>(parseProductId);
export const BulkUpdateStrategyPipe = new ParsePipe<BulkUpdateStrategy>(parseBulkUpdateStrategy);
export const LockStrategyPipe = new ParsePipe<LockStrategy>(parseLockStrategy);
export const BulkInsertBodyPipe = new ParsePipe<NewBulkItem[]>(parseBulkInsertBody);
export const BulkUpdateBodyPipe = new ParsePipe<BulkUpdate[]>(parseBulkUpdateBody);
export const DecrementBodyPipe = new ParsePipe<number>(parseDecrementBody);

/** Which bulk insert strategies exist depends on the layer: a DI-built pipe. */
@Injectable()
export class BulkInsertStrategyPipe implements PipeTransform<unknown, BulkInsertStrategy> {
  constructor(@Inject(DATA_LAYER) private readonly layer: DataLayer) {}

  transform(value: unknown): BulkInsertStrategy {
    return parseBulkInsertStrategy(value, this.layer);
  }
}
