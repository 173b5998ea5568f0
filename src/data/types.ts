/**
 * The operations of the database scenarios 09–13, implemented once per data layer (raw `pg`,
 * TypeORM, MikroORM) so that suites and targets measure the same work through each. Every layer
 * returns plain objects of the same shape (numbers for bigint ids, ISO strings for timestamps),
 * and tests compare them across layers. Pool size, logging (off) and prepared statements are
 * fixed per layer and reported by `settings`.
 */
export type DataLayerName = 'pg' | 'typeorm' | 'mikroorm';

export interface DataLayerOptions {
  databaseUrl: string;
  /** Connection pool size, the same for every layer (default 10). */
  poolSize?: number;
}

/** Row of `users` as the pagination operations return it. */
export interface PageUser {
  id: number;
  name: string;
  email: string;
  createdAt: string;
}

export interface CursorPage {
  items: PageUser[];
  /** Opaque base64url of `(created_at, id)` of the last row; null on the last page. */
  next: string | null;
}

/** Scenario 10: `narrow` = users_narrow (5 columns), `wide` (20), `extra_wide` (50), and
 * `wide_projected` = 5 columns selected out of users_wide. */
export type ColumnShape = 'narrow' | 'wide' | 'extra_wide' | 'wide_projected';
export type ColumnType = 'int' | 'varchar' | 'text' | 'jsonb' | 'timestamp' | 'uuid';

/** Scenario 11. lazy = 1 + N queries, eager = 1 (JOIN), select-in = 2 (IN batch). */
export type LoadStrategy = 'lazy' | 'eager' | 'select-in';

export interface AuthorWithPosts {
  id: number;
  name: string;
  posts: Array<{ id: number; title: string; viewCount: number }>;
}

/** Scenario 12. */
export type BulkInsertStrategy = 'individual' | 'orm-batch' | 'multi-values' | 'unnest' | 'copy';
export type BulkUpdateStrategy = 'individual' | 'bulk';

export interface NewBulkItem {
  sku: string;
  name: string;
  quantity: number;
  /** Decimal string, e.g. "12.50" (numeric(10,2)). */
  price: string;
}

/** Scenario 13. */
export type LockStrategy = 'none' | 'pessimistic' | 'optimistic' | 'serializable';

export interface DecrementOutcome {
  /** The decrement was applied (stock was sufficient and the transaction committed). */
  ok: boolean;
  /** Retries after optimistic version conflicts or serialization failures (40001). */
  retries: number;
}

export interface DataLayer {
  readonly name: DataLayerName;
  /** What is the same across layers, for result metadata: pool size, logging, prepared statements. */
  readonly settings: Record<string, string | number | boolean>;
  /** Bulk insert strategies this layer implements (raw SQL ones may be pg-only). */
  readonly bulkInsertStrategies: readonly BulkInsertStrategy[];

  // 09 pagination (ORDER BY id, or (created_at, id) for the opaque cursor)
  offsetPage(skip: number, size: number): Promise<PageUser[]>;
  keysetPage(afterId: number, size: number): Promise<PageUser[]>;
  cursorPage(cursor: string | null, size: number): Promise<CursorPage>;

  // 10 column overhead: rows ordered by id
  readColumns(
    shape: ColumnShape,
    skip: number,
    size: number,
  ): Promise<Array<Record<string, unknown>>>;
  readType(type: ColumnType, skip: number, size: number): Promise<Array<Record<string, unknown>>>;

  // 11 N+1: `size` authors ordered by id from `skip`, each with its posts ordered by id
  authorsWithPosts(strategy: LoadStrategy, skip: number, size: number): Promise<AuthorWithPosts[]>;

  // 12 bulk: returns rows written
  bulkInsert(strategy: BulkInsertStrategy, items: readonly NewBulkItem[]): Promise<number>;
  bulkUpdate(
    strategy: BulkUpdateStrategy,
    updates: ReadonlyArray<{ sku: string; quantity: number }>,
  ): Promise<number>;

  // 13 transactions on hot rows
  decrementStock(
    strategy: LockStrategy,
    productId: number,
    quantity: number,
    maxRetries?: number,
  ): Promise<DecrementOutcome>;

  close(): Promise<void>;
}
