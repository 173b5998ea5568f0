import {
  type EntityManager,
  IsolationLevel,
  LockMode,
  MikroORM,
  OptimisticLockError,
} from '@mikro-orm/postgresql';
import {
  checkNonNegative,
  checkPageSize,
  DataInputError,
  decodeCursor,
  encodeCursor,
} from '../errors.ts';
import type {
  AuthorWithPosts,
  BulkInsertStrategy,
  BulkUpdateStrategy,
  ColumnShape,
  ColumnType,
  CursorPage,
  DataLayer,
  DataLayerOptions,
  DecrementOutcome,
  LoadStrategy,
  LockStrategy,
  PageUser,
} from '../types.ts';
import { mikroormAccounts } from './accounts.ts';
import { mikroormAggregates } from './aggregate.ts';
import {
  Author,
  BulkItem,
  ENTITIES,
  NARROW_COLUMNS,
  Post,
  Product,
  TYPE_ENTITIES,
  User,
  UsersExtraWide,
  UsersNarrow,
  UsersWide,
  VersionedProduct,
} from './entities.ts';
import { mikroormSearch } from './search.ts';
import { mikroormUserReads } from './user-reads.ts';

/**
 * The MikroORM 7 data layer of scenarios 09–19 (see ../types.ts; 14–19 in their own modules). Idiomatic use: entities from
 * `defineEntity`, one `MikroORM.init` per layer, an EntityManager forked per operation (its own
 * identity map and unit of work), `em.create` + `flush` for writes. Raw SQL only where the ORM
 * has no equivalent (the `UPDATE … FROM unnest` of bulk updates).
 *
 * MikroORM 7 (through kysely) sends every query as one SQL text with the values inlined
 * (escaped client-side): no bind parameters, no prepared statements, so no 65,535-parameter
 * limit on multi-row INSERTs either.
 *
 * Statements per operation (counted with pg_stat_statements in test/data-mikroorm.test.ts;
 * BEGIN/COMMIT not counted):
 *   09 offset/keyset/cursor: 1 SELECT (findByCursor reads size + 1 rows, no count query).
 *   10 readColumns/readType: 1 SELECT.
 *   11 lazy: 1 + N; eager (joined): 1, the page of authors in an `IN (subquery)`; select-in: 2.
 *   12 individual: n INSERTs, each flush its own transaction; orm-batch: one flush, one
 *      multi-row INSERT per BATCH_SIZE (300) entities, e.g. 4 for 1,000; multi-values: 1 INSERT;
 *      all INSERTs end in `RETURNING id` (the unit of work hydrates the generated ids).
 *      bulkUpdate individual: n UPDATEs (nativeUpdate, autocommit); bulk: 1.
 *   13 2 per attempt (SELECT [FOR UPDATE], UPDATE); see decrementStock.
 */

const DEFAULT_MAX_RETRIES = 10;

/** Bulk insert strategies of this layer: `unnest` and `copy` are raw-SQL, pg-only. */
const BULK_INSERT_STRATEGIES: readonly BulkInsertStrategy[] = [
  'individual',
  'orm-batch',
  'multi-values',
];

/** MikroORM's default for how many inserts one flush packs into one multi-row INSERT. */
const BATCH_SIZE = 300;

type Scalar = string | number | boolean | null | Date | Record<string, unknown>;

/** Normalises one hydrated value the way every layer returns it (Dates → ISO strings). */
const plain = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value);

function toRow(entity: object, columns: readonly string[]): Record<string, unknown> {
  const source = entity as Record<string, Scalar>;
  const row: Record<string, unknown> = {};
  for (const column of columns) row[column] = plain(source[column]);
  return row;
}

/**
 * Partial loading (MikroORM's `fields`): read only the columns the operation returns, as the
 * other layers' SQL does. Whole entities would also read `users.country/status/age`, the
 * authors' `bio` and the posts' `body` (text), and hydrate them: more bytes and more work than
 * the same operation on raw pg or TypeORM, which is not the comparison the scenarios make.
 */
const PAGE_USER_FIELDS = ['id', 'name', 'email', 'createdAt'] as const;
const AUTHOR_FIELDS = ['id', 'name'] as const;
const POST_FIELDS = ['id', 'title', 'viewCount'] as const;
const AUTHOR_WITH_POSTS_FIELDS = [
  ...AUTHOR_FIELDS,
  ...POST_FIELDS.map((f) => `posts.${f}`),
] as const;

const toPageUser = (user: { id: number; name: string; email: string; createdAt: Date }) => ({
  id: user.id,
  name: user.name,
  email: user.email,
  createdAt: user.createdAt.toISOString(),
});

const SHAPES = {
  narrow: UsersNarrow,
  wide: UsersWide,
  extra_wide: UsersExtraWide,
  wide_projected: UsersWide,
} as const;

const isSerializationFailure = (error: unknown) =>
  (error as { code?: string } | null)?.code === '40001';

export async function createMikroormLayer({
  databaseUrl,
  poolSize = 10,
}: DataLayerOptions): Promise<DataLayer> {
  const orm = await MikroORM.init({
    clientUrl: databaseUrl,
    entities: ENTITIES,
    debug: false,
    pool: { min: 0, max: poolSize },
    batchSize: BATCH_SIZE,
    // The fixtures create the database; without this, the first query of every new ORM
    // instance is preceded by a `select 1 from pg_database where datname = …` check.
    ensureDatabase: false,
    // `products` is mapped twice (with and without the version property), on purpose.
    discovery: { checkDuplicateTableNames: false },
  });

  /** Every operation works in its own fork: a fresh identity map and unit of work. */
  const fork = (): EntityManager => orm.em.fork();

  const columnsOf = (entity: (typeof SHAPES)[ColumnShape]) =>
    Object.keys(orm.getMetadata(entity).properties);

  async function readRows(
    entity: (typeof SHAPES)[ColumnShape] | (typeof TYPE_ENTITIES)[ColumnType],
    columns: readonly string[],
    skip: number,
    size: number,
    fields?: readonly string[],
  ) {
    checkPageSize(size);
    checkNonNegative('skip', skip);
    const rows = await fork().find(
      entity,
      {},
      {
        orderBy: { id: 'asc' },
        offset: skip,
        limit: size,
        ...(fields ? { fields: fields as never } : {}),
      },
    );
    return rows.map((row) => toRow(row, columns));
  }

  async function applyDecrement(
    em: EntityManager,
    productId: number,
    quantity: number,
    lockMode?: LockMode,
  ): Promise<boolean> {
    const product = await em.findOne(
      Product,
      { id: productId },
      lockMode ? { lockMode } : undefined,
    );
    if (!product) throw new DataInputError('not_found', `product ${productId} not found`);
    if (product.stock < quantity) return false;
    product.stock -= quantity;
    await em.flush();
    return true;
  }

  return {
    name: 'mikroorm',
    settings: {
      poolSize,
      logging: false,
      preparedStatements: false,
      // MikroORM 7 inlines values into the SQL text client-side (no bind parameters).
      parameters: 'inlined',
      batchSize: BATCH_SIZE,
      identityMap: 'fork per operation',
    },
    bulkInsertStrategies: BULK_INSERT_STRATEGIES,

    // 09 -------------------------------------------------------------------------------------
    async offsetPage(skip, size) {
      checkPageSize(size);
      checkNonNegative('skip', skip);
      const users = await fork().find(
        User,
        {},
        { orderBy: { id: 'asc' }, offset: skip, limit: size, fields: PAGE_USER_FIELDS },
      );
      return users.map(toPageUser);
    },

    async keysetPage(afterId, size) {
      checkPageSize(size);
      checkNonNegative('afterId', afterId);
      const users = await fork().find(
        User,
        { id: { $gt: afterId } },
        { orderBy: { id: 'asc' }, limit: size, fields: PAGE_USER_FIELDS },
      );
      return users.map(toPageUser);
    },

    async cursorPage(cursor, size): Promise<CursorPage> {
      checkPageSize(size);
      const after = cursor === null ? null : decodeCursor(cursor);
      // findByCursor fetches `first + 1` rows to know whether a next page exists and turns
      // `after` into a keyset condition on (created_at, id); its own cursor encoding is not
      // used: the lab's opaque cursor is the same in every layer.
      const page = await fork().findByCursor(User, {
        first: size,
        ...(after ? { after: { createdAt: new Date(after.createdAt), id: after.id } } : {}),
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        includeCount: false,
        fields: PAGE_USER_FIELDS,
      });
      const items: PageUser[] = page.items.map(toPageUser);
      const last = items.at(-1);
      return {
        items,
        next: page.hasNextPage && last ? encodeCursor(last.createdAt, last.id) : null,
      };
    },

    // 10 -------------------------------------------------------------------------------------
    async readColumns(shape, skip, size) {
      const entity = SHAPES[shape];
      if (!entity) throw new DataInputError('not_found', `unknown column shape ${shape}`);
      if (shape === 'wide_projected') {
        return readRows(entity, NARROW_COLUMNS, skip, size, NARROW_COLUMNS);
      }
      return readRows(entity, columnsOf(entity), skip, size);
    },

    async readType(type, skip, size) {
      const entity = TYPE_ENTITIES[type];
      if (!entity) throw new DataInputError('not_found', `unknown column type ${type}`);
      return readRows(entity, columnsOf(entity), skip, size);
    },

    // 11 -------------------------------------------------------------------------------------
    async authorsWithPosts(strategy: LoadStrategy, skip, size): Promise<AuthorWithPosts[]> {
      checkPageSize(size);
      checkNonNegative('skip', skip);
      const em = fork();
      const page = { orderBy: { id: 'asc' }, offset: skip, limit: size } as const;
      if (strategy === 'lazy') {
        // 1 + N: the authors, then one query per author for its posts. `em.find` on Post never
        // batches across calls (no dataloader), so each author costs its own statement.
        const authors = await em.find(
          Author,
          {},
          { ...page, populate: false, fields: AUTHOR_FIELDS },
        );
        const result: AuthorWithPosts[] = [];
        for (const author of authors) {
          const posts = await em.find(
            Post,
            { author: author.id },
            { orderBy: { id: 'asc' }, fields: POST_FIELDS },
          );
          result.push({
            id: author.id,
            name: author.name,
            posts: posts.map((post) => ({
              id: post.id,
              title: post.title,
              viewCount: post.viewCount,
            })),
          });
        }
        return result;
      }
      if (strategy !== 'eager' && strategy !== 'select-in') {
        throw new DataInputError('not_found', `unknown load strategy ${strategy}`);
      }
      const authors = await em.find(
        Author,
        {},
        {
          ...page,
          // Posts ordered through populateOrderBy: putting them in `orderBy` would make even the
          // select-in root query join posts (and paginate the join through a subquery). The
          // joined strategy paginates through such a subquery anyway: to page the authors of a
          // to-many JOIN, MikroORM groups the whole authors ⨝ posts join by author
          // (`… GROUP BY a0.id ORDER BY min(a0.id), min(p1.id) LIMIT …`), every request — the
          // measured reason its eager loading gains little over lazy (docs/scenarios/11).
          populateOrderBy: { posts: { id: 'asc' } },
          populate: ['posts'],
          fields: AUTHOR_WITH_POSTS_FIELDS as never,
          strategy: strategy === 'eager' ? 'joined' : 'select-in',
        },
      );
      return authors.map((author) => ({
        id: author.id,
        name: author.name,
        posts: author.posts.getItems().map((post) => ({
          id: post.id,
          title: post.title,
          viewCount: post.viewCount,
        })),
      }));
    },

    // 12 -------------------------------------------------------------------------------------
    async bulkInsert(strategy, items) {
      if (items.length === 0) return 0;
      switch (strategy) {
        case 'individual': {
          // One unit of work per item: every flush is its own transaction.
          for (const item of items) {
            const em = fork();
            em.create(BulkItem, { ...item });
            await em.flush();
          }
          return items.length;
        }
        case 'orm-batch': {
          // One unit of work: MikroORM packs up to `batchSize` inserts into one statement.
          const em = fork();
          for (const item of items) em.create(BulkItem, { ...item });
          await em.flush();
          return items.length;
        }
        case 'multi-values': {
          const result = await fork()
            .createQueryBuilder(BulkItem)
            .insert(items.map((item) => ({ ...item })))
            .execute('run');
          return result.affectedRows;
        }
        case 'unnest':
        case 'copy':
          throw new Error(
            `bulk insert strategy "${strategy}" is raw SQL and implemented by the pg layer only; the mikroorm layer offers ${BULK_INSERT_STRATEGIES.join(', ')}`,
          );
        default:
          throw new DataInputError('not_found', `unknown bulk insert strategy ${strategy}`);
      }
    },

    async bulkUpdate(strategy: BulkUpdateStrategy, updates) {
      if (updates.length === 0) return 0;
      if (strategy === 'individual') {
        const em = fork();
        let written = 0;
        for (const { sku, quantity } of updates) {
          written += await em.nativeUpdate(BulkItem, { sku }, { quantity, updatedAt: new Date() });
        }
        return written;
      }
      if (strategy === 'bulk') {
        const result = await fork()
          .getConnection()
          .execute<{ affectedRows: number }>(
            `UPDATE bulk_items AS b SET quantity = u.quantity, updated_at = now()
               FROM unnest(ARRAY[?]::varchar[], ARRAY[?]::int[]) AS u(sku, quantity)
              WHERE b.sku = u.sku`,
            [updates.map((u) => u.sku), updates.map((u) => u.quantity)],
            'run',
          );
        return result.affectedRows;
      }
      throw new DataInputError('not_found', `unknown bulk update strategy ${strategy}`);
    },

    // 13 -------------------------------------------------------------------------------------
    async decrementStock(
      strategy: LockStrategy,
      productId,
      quantity,
      maxRetries = DEFAULT_MAX_RETRIES,
    ): Promise<DecrementOutcome> {
      if (!Number.isSafeInteger(productId) || productId < 1) {
        throw new DataInputError('not_found', `product ${productId} not found`);
      }
      if (!Number.isSafeInteger(quantity) || quantity < 1) {
        throw new DataInputError('out_of_range', `quantity must be a positive integer`);
      }
      checkNonNegative('maxRetries', maxRetries);
      switch (strategy) {
        case 'none':
          // Read, modify, flush: no lock, no version check, so concurrent calls lose updates.
          return { ok: await applyDecrement(fork(), productId, quantity), retries: 0 };
        case 'pessimistic':
          return {
            ok: await fork().transactional((em) =>
              applyDecrement(em, productId, quantity, LockMode.PESSIMISTIC_WRITE),
            ),
            retries: 0,
          };
        case 'optimistic': {
          for (let retries = 0; ; retries++) {
            // A fresh fork per attempt: the stale entity must not survive in an identity map.
            const em = fork();
            const product = await em.findOne(VersionedProduct, { id: productId });
            if (!product) throw new DataInputError('not_found', `product ${productId} not found`);
            if (product.stock < quantity) return { ok: false, retries };
            product.stock -= quantity;
            try {
              // UPDATE … SET version = version + 1 WHERE id = ? AND version = ?; 0 rows → error
              await em.flush();
              return { ok: true, retries };
            } catch (error) {
              if (!(error instanceof OptimisticLockError)) throw error;
              if (retries >= maxRetries) return { ok: false, retries };
            }
          }
        }
        case 'serializable': {
          for (let retries = 0; ; retries++) {
            try {
              const ok = await fork().transactional(
                (em) => applyDecrement(em, productId, quantity),
                { isolationLevel: IsolationLevel.SERIALIZABLE },
              );
              return { ok, retries };
            } catch (error) {
              if (!isSerializationFailure(error)) throw error;
              if (retries >= maxRetries) return { ok: false, retries };
            }
          }
        }
        default:
          throw new DataInputError('not_found', `unknown lock strategy ${strategy}`);
      }
    },

    // 14–19 ---------------------------------------------------------------------------------
    // One module per scenario (user-reads, accounts, aggregate, search), on the same ORM.
    ...mikroormUserReads(orm),
    ...mikroormAccounts(orm),
    ...mikroormAggregates(orm),
    ...mikroormSearch(orm),

    async close() {
      await orm.close(true);
    },
  };
}
