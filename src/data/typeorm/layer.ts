import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataSource, type EntityManager, In, QueryFailedError } from 'typeorm';
import {
  DataInputError,
  decodeCursor,
  encodeCursor,
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
  DataLayerOptions,
  DecrementOutcome,
  LoadStrategy,
  LockStrategy,
  NewBulkItem,
  PageUser,
} from '../types.ts';
import { typeormAccounts } from './accounts.ts';
import { typeormAggregates } from './aggregate.ts';
import {
  Author,
  type AuthorEntity,
  BulkItem,
  type ColumnRow,
  ENTITIES,
  NARROW_COLUMNS,
  Post,
  type PostEntity,
  Product,
  TYPE_ENTITIES,
  User,
  type UserEntity,
  UsersExtraWide,
  UsersNarrow,
  UsersWide,
} from './entities.ts';
import { typeormSearch } from './search.ts';
import { typeormUserReads } from './user-reads.ts';

/**
 * The scenario 09–19 operations through TypeORM 1.x (14–19 in accounts.ts, aggregate.ts,
 * search.ts and user-reads.ts): `EntitySchema` entities, repositories and
 * QueryBuilder, raw SQL only where TypeORM has no builder for the statement (UPDATE … FROM).
 *
 * Statements each operation sends (counted with pg_stat_statements in test/data-typeorm.test.ts):
 *   09 offset/keyset/cursor: 1 SELECT each.
 *   10 readColumns/readType: 1 SELECT.
 *   11 lazy: 1 + N; eager: 1 (JOIN, page of authors in an IN (subquery)); select-in: 2.
 *   12 individual: n INSERTs; orm-batch: repository.save(array) = one multi-row INSERT per
 *      chunk of ORM_BATCH_CHUNK, inside one transaction (no SELECTs: the entities have no ids);
 *      multi-values: one INSERT per MULTI_VALUES_CHUNK rows (16,383, the parameter limit).
 *      TypeORM's INSERTs end in RETURNING "id", "quantity", "updated_at" (generated and
 *      defaulted columns) and send DEFAULT for updated_at. bulkUpdate individual: n UPDATEs
 *      (with updated_at = CURRENT_TIMESTAMP, the updateDate column); bulk: 1.
 *   13 2 statements per uncontended call for every strategy (read, write; BEGIN/COMMIT aside).
 *      Every UPDATE TypeORM builds on products adds version = version + 1 (the version column)
 *      and updated_at = CURRENT_TIMESTAMP.
 */
export const DEFAULT_POOL_SIZE = 10;
/** Default retries for optimistic conflicts and serialization failures (as the pg layer). */
export const DEFAULT_MAX_RETRIES = 10;

/** PostgreSQL takes at most 65,535 bind parameters per statement; a bulk_items row binds 4. */
const PARAMS_PER_ITEM = 4;
const MULTI_VALUES_CHUNK = Math.floor(65_535 / PARAMS_PER_ITEM);
/** repository.save(array) in chunks of this many entities (its `chunk` option). */
const ORM_BATCH_CHUNK = MULTI_VALUES_CHUNK;

const SERIALIZATION_FAILURE = '40001';

interface ProductState {
  id: number;
  stock: number;
  version: number;
}

export async function createTypeormLayer({
  databaseUrl,
  poolSize = DEFAULT_POOL_SIZE,
}: DataLayerOptions): Promise<DataLayer> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: ENTITIES,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    // node-postgres pool options.
    extra: { max: poolSize },
    // An idle pooled connection dying (e.g. on a snapshot restore) must not crash the process.
    poolErrorHandler: () => {},
  });
  await dataSource.initialize();

  const users = dataSource.getRepository(User);
  const authors = dataSource.getRepository(Author);
  const posts = dataSource.getRepository(Post);
  const bulkItems = dataSource.getRepository(BulkItem);
  const products = dataSource.getRepository(Product);

  const columnEntity = (shape: ColumnShape) => {
    switch (shape) {
      case 'narrow':
        return UsersNarrow;
      case 'wide':
      case 'wide_projected':
        return UsersWide;
      case 'extra_wide':
        return UsersExtraWide;
      default:
        throw new DataInputError('not_found', `unknown column shape ${JSON.stringify(shape)}`);
    }
  };

  async function authorsWithPosts(
    strategy: LoadStrategy,
    skip: number,
    size: number,
  ): Promise<AuthorWithPosts[]> {
    checkPage(skip, size);
    switch (strategy) {
      case 'lazy': {
        // 1 + N: the page of authors, then each author's posts on their own, one after another
        // (what touching a lazy relation in a loop does).
        const page = await authors.find({
          select: { id: true, name: true },
          order: { id: 'ASC' },
          skip,
          take: size,
        });
        const result: AuthorWithPosts[] = [];
        for (const author of page) {
          const own = await posts.find({
            select: { id: true, title: true, viewCount: true },
            where: { authorId: author.id },
            order: { id: 'ASC' },
          });
          result.push(toAuthor(author, own));
        }
        return result;
      }
      case 'eager': {
        // 1: authors LEFT JOIN posts. `find({ relations, skip, take })` would send 2 (TypeORM
        // first selects the DISTINCT page of author ids, since LIMIT on a join counts joined
        // rows), so the page of authors is an IN (subquery) of the one statement instead.
        const page = await authors
          .createQueryBuilder('author')
          .select(['author.id', 'author.name'])
          .leftJoin('author.posts', 'post')
          .addSelect(['post.id', 'post.title', 'post.viewCount'])
          .where(
            (qb) =>
              `author.id IN ${qb
                .subQuery()
                .select('a.id')
                .from(Author, 'a')
                .orderBy('a.id', 'ASC')
                .limit(size)
                .offset(skip)
                .getQuery()}`,
          )
          .orderBy('author.id', 'ASC')
          .addOrderBy('post.id', 'ASC')
          .getMany();
        return page.map((author) => toAuthor(author, author.posts ?? []));
      }
      case 'select-in': {
        // 2: the page of authors, then all their posts in one `author_id IN (…)`. TypeORM's own
        // `find({ relations, relationLoadStrategy: 'query', skip, take })` sends 3 in 1.1.1 (the
        // posts, plus a separate query for the relation ids) and fails when ordering posts by id
        // with skip/take ("column distinctAlias.… does not exist"), so the IN query is explicit.
        const page = await authors.find({
          select: { id: true, name: true },
          order: { id: 'ASC' },
          skip,
          take: size,
        });
        if (page.length === 0) return [];
        const all = await posts.find({
          select: { id: true, authorId: true, title: true, viewCount: true },
          where: { authorId: In(page.map((author) => author.id)) },
          order: { id: 'ASC' },
        });
        const byAuthor = new Map<number, PostEntity[]>();
        for (const post of all) {
          const list = byAuthor.get(post.authorId);
          if (list) list.push(post);
          else byAuthor.set(post.authorId, [post]);
        }
        return page.map((author) => toAuthor(author, byAuthor.get(author.id) ?? []));
      }
      default:
        throw new DataInputError('not_found', `unknown load strategy ${JSON.stringify(strategy)}`);
    }
  }

  async function bulkInsert(
    strategy: BulkInsertStrategy,
    items: readonly NewBulkItem[],
  ): Promise<number> {
    switch (strategy) {
      case 'individual': {
        // One INSERT … RETURNING per item, each its own implicit transaction.
        let written = 0;
        for (const item of items) {
          const result = await bulkItems.insert(toBulkItem(item));
          written += result.identifiers.length;
        }
        return written;
      }
      case 'orm-batch': {
        // The unit of work: save() inserts new entities (no id) of one entity type as one
        // multi-row INSERT … RETURNING per chunk, inside one transaction (BEGIN/COMMIT).
        if (items.length === 0) return 0;
        const saved = await bulkItems.save(items.map(toBulkItem), {
          chunk: ORM_BATCH_CHUNK,
          reload: true,
        });
        return saved.length;
      }
      case 'multi-values': {
        // INSERT … VALUES (…), (…), … from the QueryBuilder; one statement per parameter-limit chunk.
        let written = 0;
        for (let start = 0; start < items.length; start += MULTI_VALUES_CHUNK) {
          const chunk = items.slice(start, start + MULTI_VALUES_CHUNK);
          const result = await bulkItems
            .createQueryBuilder()
            .insert()
            .into(BulkItem)
            .values(chunk.map(toBulkItem))
            .execute();
          written += result.identifiers.length;
        }
        return written;
      }
      case 'unnest':
      case 'copy':
        throw new Error(
          `bulkInsert(${JSON.stringify(strategy)}) is a raw-SQL strategy of the pg layer; TypeORM implements ${BULK_INSERT_STRATEGIES.join(', ')}.`,
        );
      default:
        throw new DataInputError(
          'not_found',
          `unknown bulk insert strategy ${JSON.stringify(strategy)}`,
        );
    }
  }

  async function bulkUpdate(
    strategy: BulkUpdateStrategy,
    updates: ReadonlyArray<{ sku: string; quantity: number }>,
  ): Promise<number> {
    switch (strategy) {
      case 'individual': {
        // One UPDATE per sku (TypeORM adds updated_at = CURRENT_TIMESTAMP, the updateDate column).
        let written = 0;
        for (const { sku, quantity } of updates) {
          const result = await bulkItems.update({ sku }, { quantity });
          written += result.affected ?? 0;
        }
        return written;
      }
      case 'bulk': {
        // One UPDATE … FROM unnest(…): TypeORM's UpdateQueryBuilder has no FROM, so raw SQL.
        if (updates.length === 0) return 0;
        const [, affected] = (await dataSource.query(
          `UPDATE bulk_items AS b
              SET quantity = u.quantity, updated_at = CURRENT_TIMESTAMP
             FROM unnest($1::varchar[], $2::int[]) AS u(sku, quantity)
            WHERE b.sku = u.sku`,
          [updates.map((u) => u.sku), updates.map((u) => u.quantity)],
        )) as [unknown[], number];
        return affected;
      }
      default:
        throw new DataInputError(
          'not_found',
          `unknown bulk update strategy ${JSON.stringify(strategy)}`,
        );
    }
  }

  /** Reads the product's stock and version (optionally with a manager of a transaction). */
  async function readProduct(
    manager: EntityManager,
    productId: number,
    lock: boolean,
  ): Promise<ProductState> {
    const query = manager
      .getRepository(Product)
      .createQueryBuilder('p')
      .select(['p.id', 'p.stock', 'p.version'])
      .where('p.id = :productId', { productId });
    if (lock) query.setLock('pessimistic_write');
    const product = await query.getOne();
    if (!product) throw new DataInputError('not_found', `product ${productId} not found`);
    return product;
  }

  async function decrementStock(
    strategy: LockStrategy,
    productId: number,
    quantity: number,
    maxRetries = DEFAULT_MAX_RETRIES,
  ): Promise<DecrementOutcome> {
    if (!Number.isSafeInteger(productId) || productId < 1) {
      throw new DataInputError('not_found', `product ${productId} not found`);
    }
    if (!Number.isSafeInteger(maxRetries) || maxRetries < 0) {
      throw new DataInputError(
        'out_of_range',
        `maxRetries must be a non-negative integer, got ${maxRetries}`,
      );
    }
    if (!Number.isSafeInteger(quantity) || quantity <= 0) {
      throw new DataInputError(
        'out_of_range',
        `quantity must be a positive integer, got ${quantity}`,
      );
    }
    switch (strategy) {
      case 'none': {
        // Read, compute in the application, write the computed value: no lock, no version check
        // (the read-modify-write race that loses updates under concurrency). 2 statements.
        const product = await readProduct(dataSource.manager, productId, false);
        if (product.stock < quantity) return { ok: false, retries: 0 };
        await products.update({ id: productId }, { stock: product.stock - quantity });
        return { ok: true, retries: 0 };
      }
      case 'pessimistic': {
        // SELECT … FOR UPDATE, then UPDATE, in one transaction: writers queue on the row lock.
        return dataSource.transaction(async (manager) => {
          const product = await readProduct(manager, productId, true);
          if (product.stock < quantity) return { ok: false, retries: 0 };
          await manager.update(Product, { id: productId }, { stock: product.stock - quantity });
          return { ok: true, retries: 0 };
        });
      }
      case 'optimistic': {
        // Read stock and version; UPDATE … WHERE version = :read (the builder adds
        // version = version + 1); 0 rows affected = someone else won, read again.
        for (let retries = 0; ; retries++) {
          const product = await readProduct(dataSource.manager, productId, false);
          if (product.stock < quantity) return { ok: false, retries };
          const result = await products
            .createQueryBuilder()
            .update(Product)
            .set({ stock: product.stock - quantity })
            .where('id = :productId AND version = :version', {
              productId,
              version: product.version,
            })
            .execute();
          if (result.affected === 1) return { ok: true, retries };
          if (retries >= maxRetries) return { ok: false, retries };
        }
      }
      case 'serializable': {
        // Read and write in a SERIALIZABLE transaction; PostgreSQL aborts the losers with
        // 40001 (serialization_failure), which TypeORM wraps in a QueryFailedError whose
        // `driverError` is the pg error (its fields, `code` included, are copied onto it too).
        for (let retries = 0; ; retries++) {
          try {
            return await dataSource.transaction('SERIALIZABLE', async (manager) => {
              const product = await readProduct(manager, productId, false);
              if (product.stock < quantity) return { ok: false, retries };
              await manager.update(Product, { id: productId }, { stock: product.stock - quantity });
              return { ok: true, retries };
            });
          } catch (error) {
            if (!isSerializationFailure(error)) throw error;
            if (retries >= maxRetries) return { ok: false, retries };
          }
        }
      }
      default:
        throw new DataInputError('not_found', `unknown lock strategy ${JSON.stringify(strategy)}`);
    }
  }

  return {
    name: 'typeorm',
    settings: {
      driver: 'pg',
      orm: 'typeorm',
      ormVersion: TYPEORM_VERSION,
      poolSize,
      logging: false,
      // TypeORM sends unnamed (extended-protocol) queries; it never names a prepared statement.
      preparedStatements: false,
    },
    bulkInsertStrategies: BULK_INSERT_STRATEGIES,

    async offsetPage(skip, size) {
      checkPage(skip, size);
      const rows = await users.find({
        select: { id: true, name: true, email: true, createdAt: true },
        order: { id: 'ASC' },
        skip,
        take: size,
      });
      return rows.map(toPageUser);
    },

    async keysetPage(afterId, size) {
      checkPage(afterId, size, 'afterId');
      const rows = await users
        .createQueryBuilder('u')
        .select(['u.id', 'u.name', 'u.email', 'u.createdAt'])
        .where('u.id > :afterId', { afterId })
        .orderBy('u.id', 'ASC')
        .limit(size)
        .getMany();
      return rows.map(toPageUser);
    },

    async cursorPage(cursor, size): Promise<CursorPage> {
      checkPage(0, size);
      const query = users
        .createQueryBuilder('u')
        .select(['u.id', 'u.name', 'u.email', 'u.createdAt'])
        .orderBy('u.createdAt', 'ASC')
        .addOrderBy('u.id', 'ASC')
        // One row more than the page says whether there is a next page.
        .limit(size + 1);
      if (cursor !== null) {
        const { createdAt, id } = decodeCursor(cursor);
        query.where('(u.createdAt, u.id) > (:createdAt, :id)', { createdAt, id });
      }
      const rows = (await query.getMany()).map(toPageUser);
      const items = rows.slice(0, size);
      const last = items.at(-1);
      return {
        items,
        next: rows.length > size && last ? encodeCursor(last.createdAt, last.id) : null,
      };
    },

    async readColumns(shape, skip, size) {
      checkPage(skip, size);
      const entity = columnEntity(shape);
      const rows = await dataSource.getRepository(entity).find({
        ...(shape === 'wide_projected'
          ? { select: Object.fromEntries(NARROW_COLUMNS.map((name) => [name, true])) }
          : {}),
        order: { id: 'ASC' },
        skip,
        take: size,
      });
      return rows.map(toPlainRow);
    },

    async readType(type: ColumnType, skip, size) {
      checkPage(skip, size);
      const entity = Object.hasOwn(TYPE_ENTITIES, type) ? TYPE_ENTITIES[type] : undefined;
      if (!entity)
        throw new DataInputError('not_found', `unknown column type ${JSON.stringify(type)}`);
      const rows = await dataSource
        .getRepository(entity)
        .find({ order: { id: 'ASC' }, skip, take: size });
      return rows.map(toPlainRow);
    },

    authorsWithPosts,
    bulkInsert,
    bulkUpdate,
    decrementStock,

    // 14–19: one module per scenario, on the same DataSource
    ...typeormUserReads(dataSource),
    ...typeormAccounts(dataSource),
    ...typeormAggregates(dataSource),
    ...typeormSearch(dataSource),

    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

/** Strategies TypeORM implements; `unnest` and `copy` are raw SQL (pg layer only). */
const BULK_INSERT_STRATEGIES: readonly BulkInsertStrategy[] = [
  'individual',
  'orm-batch',
  'multi-values',
];

const TYPEORM_VERSION = readTypeormVersion();

/** The installed TypeORM version, for result metadata (its package.json is not exported). */
function readTypeormVersion(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('typeorm');
    const manifest = JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8'));
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function checkPage(skip: number, size: number, skipName = 'skip'): void {
  if (!Number.isSafeInteger(size) || size < MIN_PAGE_SIZE || size > MAX_PAGE_SIZE) {
    throw new DataInputError(
      'out_of_range',
      `page size must be an integer from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE}, got ${size}`,
    );
  }
  if (!Number.isSafeInteger(skip) || skip < 0) {
    throw new DataInputError(
      'out_of_range',
      `${skipName} must be a non-negative integer, got ${skip}`,
    );
  }
}

const toPageUser = (user: Pick<UserEntity, 'id' | 'name' | 'email' | 'createdAt'>): PageUser => ({
  id: user.id,
  name: user.name,
  email: user.email,
  createdAt: user.createdAt.toISOString(),
});

/** Scenario 10 rows as plain objects: Dates as ISO strings, everything else as hydrated. */
function toPlainRow(row: ColumnRow): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    plain[key] = value instanceof Date ? value.toISOString() : value;
  }
  return plain;
}

const toAuthor = (
  author: Pick<AuthorEntity, 'id' | 'name'>,
  own: ReadonlyArray<Pick<PostEntity, 'id' | 'title' | 'viewCount'>>,
): AuthorWithPosts => ({
  id: author.id,
  name: author.name,
  posts: own.map((post) => ({ id: post.id, title: post.title, viewCount: post.viewCount })),
});

const toBulkItem = (item: NewBulkItem) => ({
  sku: item.sku,
  name: item.name,
  quantity: item.quantity,
  price: item.price,
});

function isSerializationFailure(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === SERIALIZATION_FAILURE
  );
}
