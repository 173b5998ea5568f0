import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type {
  AuthorsArgs,
  BulkUpdate,
  CursorArgs,
  ItemsBody,
  KeysetArgs,
  OffsetArgs,
} from '../../../data/http/db-routes.ts';
import type {
  AuthorWithPosts,
  BulkInsertStrategy,
  BulkUpdateStrategy,
  ColumnShape,
  ColumnType,
  CursorPage,
  LockStrategy,
  NewBulkItem,
  PageUser,
} from '../../../data/types.ts';
import { Consumes } from '../core/consumes.ts';
import {
  AuthorsQueryPipe,
  BulkInsertBodyPipe,
  BulkInsertStrategyPipe,
  BulkUpdateBodyPipe,
  BulkUpdateStrategyPipe,
  ColumnShapePipe,
  ColumnTypePipe,
  CursorQueryPipe,
  DecrementBodyPipe,
  KeysetQueryPipe,
  LockStrategyPipe,
  OffsetQueryPipe,
  ProductIdPipe,
} from './db.pipes.ts';
import { DbService } from './db.service.ts';

type Rows = ItemsBody<Record<string, unknown>>;

/** `/db/…`: scenarios 09–13 (docs/contract.md, "Database endpoints"). */
@Controller('db')
export class DbController {
  constructor(private readonly db: DbService) {}

  @Get('users/offset')
  offset(@Query(OffsetQueryPipe) page: OffsetArgs): Promise<ItemsBody<PageUser>> {
    return this.db.offset(page);
  }

  @Get('users/keyset')
  keyset(@Query(KeysetQueryPipe) page: KeysetArgs): Promise<ItemsBody<PageUser>> {
    return this.db.keyset(page);
  }

  @Get('users/cursor')
  cursor(@Query(CursorQueryPipe) page: CursorArgs): Promise<CursorPage> {
    return this.db.cursor(page);
  }

  @Get('columns/:shape')
  columns(
    @Param('shape', ColumnShapePipe) shape: ColumnShape,
    @Query(OffsetQueryPipe) page: OffsetArgs,
  ): Promise<Rows> {
    return this.db.columns(shape, page);
  }

  @Get('types/:type')
  types(
    @Param('type', ColumnTypePipe) type: ColumnType,
    @Query(OffsetQueryPipe) page: OffsetArgs,
  ): Promise<Rows> {
    return this.db.types(type, page);
  }

  @Get('authors')
  authors(@Query(AuthorsQueryPipe) args: AuthorsArgs): Promise<ItemsBody<AuthorWithPosts>> {
    return this.db.authors(args);
  }

  @Post('bulk/insert')
  @Consumes('application/json')
  bulkInsert(
    @Query('strategy', BulkInsertStrategyPipe) strategy: BulkInsertStrategy,
    @Body(BulkInsertBodyPipe) items: NewBulkItem[],
  ): Promise<{ written: number }> {
    return this.db.bulkInsert(strategy, items);
  }

  @Post('bulk/update')
  @HttpCode(200)
  @Consumes('application/json')
  bulkUpdate(
    @Query('strategy', BulkUpdateStrategyPipe) strategy: BulkUpdateStrategy,
    @Body(BulkUpdateBodyPipe) updates: BulkUpdate[],
  ): Promise<{ updated: number }> {
    return this.db.bulkUpdate(strategy, updates);
  }

  /** 200 `{ ok: true, retries }`; a decrement not applied is thrown as 409 conflict. */
  @Post('products/:id/decrement')
  @HttpCode(200)
  @Consumes('application/json')
  decrement(
    @Param('id', ProductIdPipe) id: number,
    @Query('strategy', LockStrategyPipe) strategy: LockStrategy,
    @Body(DecrementBodyPipe) quantity: number,
  ): Promise<{ ok: true; retries: number }> {
    return this.db.decrement(strategy, id, quantity);
  }
}
