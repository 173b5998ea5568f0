import { Inject, Injectable } from '@nestjs/common';
import {
  type AuthorsArgs,
  type BulkUpdate,
  type CursorArgs,
  type DbOperations,
  dbOperations,
  type ItemsBody,
  type KeysetArgs,
  type OffsetArgs,
} from '../../../data/http/db-routes.ts';
import type {
  AuthorWithPosts,
  BulkInsertStrategy,
  BulkUpdateStrategy,
  ColumnShape,
  ColumnType,
  CursorPage,
  DataLayer,
  LockStrategy,
  NewBulkItem,
  PageUser,
} from '../../../data/types.ts';
import { DATA_LAYER } from '../tokens.ts';

type Rows = ItemsBody<Record<string, unknown>>;

/** Scenarios 09–13 over the injected DataLayer; data-layer errors come out as HttpErrors. */
@Injectable()
export class DbService {
  private readonly db: DbOperations;

  constructor(@Inject(DATA_LAYER) layer: DataLayer) {
    this.db = dbOperations(layer);
  }

  offset(args: OffsetArgs): Promise<ItemsBody<PageUser>> {
    return this.db.offset(args);
  }

  keyset(args: KeysetArgs): Promise<ItemsBody<PageUser>> {
    return this.db.keyset(args);
  }

  cursor(args: CursorArgs): Promise<CursorPage> {
    return this.db.cursor(args);
  }

  columns(shape: ColumnShape, page: OffsetArgs): Promise<Rows> {
    return this.db.columns(shape, page);
  }

  types(type: ColumnType, page: OffsetArgs): Promise<Rows> {
    return this.db.types(type, page);
  }

  authors(args: AuthorsArgs): Promise<ItemsBody<AuthorWithPosts>> {
    return this.db.authors(args);
  }

  bulkInsert(strategy: BulkInsertStrategy, items: NewBulkItem[]): Promise<{ written: number }> {
    return this.db.bulkInsert(strategy, items);
  }

  bulkUpdate(strategy: BulkUpdateStrategy, updates: BulkUpdate[]): Promise<{ updated: number }> {
    return this.db.bulkUpdate(strategy, updates);
  }

  decrement(
    strategy: LockStrategy,
    productId: number,
    quantity: number,
  ): Promise<{ ok: true; retries: number }> {
    return this.db.decrement(strategy, productId, quantity);
  }
}
