/**
 * The operations of the database scenarios 09–19, implemented once per data layer (raw `pg`,
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

/** Scenario 16: an account (an author) as login reads it. */
export interface Account {
  id: number;
  email: string;
  /** `scrypt$…` (src/targets/shared/password.ts). */
  passwordHash: string;
}

/**
 * Scenario 17. `raw`: hand-written SQL; `builder`: the layer's query builder or ORM API (not on
 * raw pg); `reduce`: the rows loaded and aggregated in code.
 */
export type AggregateStrategy = 'raw' | 'builder' | 'reduce';
export type OrdersDimension = 'country' | 'status';

/** Decimal strings have exactly two decimals, as PostgreSQL prints numeric(10,2) sums. */
export interface GroupStats {
  key: string;
  orders: number;
  quantity: number;
  revenue: string;
  avgAmount: string;
}

export interface AuthorRevenue {
  authorId: number;
  name: string;
  orders: number;
  revenue: string;
  avgAmount: string;
}

/** Scenario 18. */
export type SearchStrategy = 'ilike' | 'trigram' | 'fts';

export interface SearchHit {
  id: number;
  title: string;
  createdAt: string;
}

/** Scenario 19: an author's post. */
export interface PostSummary {
  id: number;
  title: string;
  viewCount: number;
}

export interface AuthorPost extends PostSummary {
  authorId: number;
  body: string;
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

  // 14–15 cache: the user by primary key (undefined: no such user), and renaming one
  userById(id: number): Promise<PageUser | undefined>;
  renameUser(id: number, name: string): Promise<PageUser | undefined>;
  /** Users with from ≤ id < from + count, ordered by id: one statement (cache warm-up). */
  usersInRange(from: number, count: number): Promise<PageUser[]>;

  // 16 auth: the author whose email this is
  accountByEmail(email: string): Promise<Account | undefined>;

  // 17 aggregation over `orders` (names from `authors`); every strategy returns the same values
  /** Strategies this layer implements (`builder` needs a query builder). */
  readonly aggregateStrategies: readonly AggregateStrategy[];
  countOrders(strategy: AggregateStrategy): Promise<number>;
  ordersBy(dimension: OrdersDimension, strategy: AggregateStrategy): Promise<GroupStats[]>;
  topAuthors(strategy: AggregateStrategy, size: number): Promise<AuthorRevenue[]>;

  // 18 search over `documents`: the `size` newest matches of `term`
  searchDocuments(strategy: SearchStrategy, term: string, size: number): Promise<SearchHit[]>;

  // 19 flow: an author's own posts (undefined: unknown or another author's)
  postsOfAuthor(authorId: number, skip: number, size: number): Promise<PostSummary[]>;
  postOfAuthor(authorId: number, postId: number): Promise<AuthorPost | undefined>;
  retitlePost(authorId: number, postId: number, title: string): Promise<AuthorPost | undefined>;

  close(): Promise<void>;
}
