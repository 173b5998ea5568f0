import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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
  NewBulkItem,
  PageUser,
} from '../types.ts';
import { pgAccounts } from './accounts.ts';
import { pgAggregates } from './aggregate.ts';
import { pgSearch } from './search.ts';
import { pgUserReads } from './user-reads.ts';

/**
 * The raw node-postgres data layer of scenarios 09–19: one `pg.Pool`, hand-written SQL, named
 * prepared statements for every fixed SQL text (parsed and planned once per connection), no
 * logging. It is the baseline the ORM layers are compared with, so each operation does exactly
 * the work its strategy names and nothing more.
 *
 * Value normalisation — every layer returns the same values, and the ORM layers must match it:
 *   - column names stay as in the table (snake_case) for the generic rows of scenario 10; the
 *     typed results (PageUser, AuthorWithPosts) use their camelCase fields;
 *   - bigint (int8) → number (ids; every value here is far below 2^53);
 *   - timestamptz → ISO 8601 string in UTC with milliseconds (`Date#toISOString()`);
 *   - date → 'YYYY-MM-DD' string, as stored (no time zone shift);
 *   - numeric → string, exactly as PostgreSQL prints it (e.g. "12.50");
 *   - jsonb → parsed value; int → number; boolean → boolean; text, varchar, uuid → string.
 * The conversions run in the pool's type parsers, so they apply to every query of this layer
 * and to nothing else in the process (the global `pg.types` stay untouched).
 */

const INT8 = 20;
const DATE = 1082;
const TIMESTAMPTZ = 1184;

const parseTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (value: string) => Date;
const TEXT_OVERRIDES = new Map<number, (value: string) => unknown>([
  [INT8, (value) => Number(value)],
  [TIMESTAMPTZ, (value) => parseTimestamptz(value).toISOString()],
  [DATE, (value) => value],
]);

const layerTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format !== 'binary' && TEXT_OVERRIDES.get(oid)) ||
    pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** PostgreSQL's limit on bind parameters per statement (a 16-bit count). */
export const MAX_BIND_PARAMETERS = 65_535;
const BULK_COLUMNS = 4;
/** Rows per multi-VALUES INSERT: as many as fit under the parameter limit (16,383). */
export const MULTI_VALUES_CHUNK_ROWS = Math.floor(MAX_BIND_PARAMETERS / BULK_COLUMNS);

export const DEFAULT_MAX_RETRIES = 10;
const SERIALIZATION_FAILURE = '40001';

const USER_COLUMNS = 'id, name, email, created_at';

interface UserRow {
  id: number;
  name: string;
  email: string;
  created_at: string;
}

const toPageUser = (row: UserRow): PageUser => ({
  id: row.id,
  name: row.name,
  email: row.email,
  createdAt: row.created_at,
});

/** Scenario 10: fixed SQL per shape; wide_projected reads users_narrow's 5 columns. */
const COLUMN_SHAPE_SQL: Readonly<Record<ColumnShape, string>> = {
  narrow: 'SELECT * FROM users_narrow ORDER BY id LIMIT $1 OFFSET $2',
  wide: 'SELECT * FROM users_wide ORDER BY id LIMIT $1 OFFSET $2',
  extra_wide: 'SELECT * FROM users_extra_wide ORDER BY id LIMIT $1 OFFSET $2',
  wide_projected:
    'SELECT id, name, email, age, created_at FROM users_wide ORDER BY id LIMIT $1 OFFSET $2',
};

const COLUMN_TYPES: readonly ColumnType[] = [
  'int',
  'varchar',
  'text',
  'jsonb',
  'timestamp',
  'uuid',
];

interface AuthorRow {
  id: number;
  name: string;
}

interface PostRow {
  id: number;
  author_id: number;
  title: string;
  view_count: number;
}

const INSERT_ITEM_SQL =
  'INSERT INTO bulk_items (sku, name, quantity, price) VALUES ($1, $2, $3, $4)';

/** COPY text format: backslash, tab, newline and carriage return are escaped. */
const copyText = (value: string): string => value.replace(/[\\\t\n\r]/g, copyEscape);
const copyEscape = (char: string): string =>
  char === '\\' ? '\\\\' : char === '\t' ? '\\t' : char === '\n' ? '\\n' : '\\r';

function* copyChunks(items: readonly NewBulkItem[]): Generator<string> {
  const LINES_PER_CHUNK = 1_000;
  for (let start = 0; start < items.length; start += LINES_PER_CHUNK) {
    let chunk = '';
    for (const item of items.slice(start, start + LINES_PER_CHUNK)) {
      chunk += `${copyText(item.sku)}\t${copyText(item.name)}\t${item.quantity}\t${copyText(item.price)}\n`;
    }
    yield chunk;
  }
}

const isSerializationFailure = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === SERIALIZATION_FAILURE;

export function createPgLayer({ databaseUrl, poolSize = 10 }: DataLayerOptions): DataLayer {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, types: layerTypes });
  // An idle client losing its connection (e.g. lab.reset() terminating sessions) must not crash
  // the process; the pool drops that client and the next query gets a fresh one.
  pool.on('error', () => {});

  const query = <R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) =>
    pool.query<R>({ name, text, values });

  async function inTransaction<T>(
    work: (client: pg.PoolClient) => Promise<T>,
    begin = 'BEGIN',
  ): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      // A client whose ROLLBACK failed is in an unknown state: destroy it, do not reuse it.
      client.release(broken);
    }
  }

  async function readStock(
    db: pg.Pool | pg.PoolClient,
    name: string,
    text: string,
    productId: number,
  ): Promise<{ stock: number; version: number }> {
    const { rows } = await db.query<{ stock: number; version: number }>({
      name,
      text,
      values: [productId],
    });
    const row = rows[0];
    if (!row) throw new DataInputError('not_found', `product ${productId} not found`);
    return row;
  }

  async function authorsPage(skip: number, size: number): Promise<AuthorRow[]> {
    const { rows } = await query<AuthorRow>(
      'dl-authors-page',
      'SELECT id, name FROM authors ORDER BY id LIMIT $1 OFFSET $2',
      [size, skip],
    );
    return rows;
  }

  const toPost = (row: PostRow) => ({ id: row.id, title: row.title, viewCount: row.view_count });

  return {
    name: 'pg',
    settings: {
      driver: 'pg',
      poolSize,
      logging: false,
      preparedStatements: true,
    },
    bulkInsertStrategies: ['individual', 'orm-batch', 'multi-values', 'unnest', 'copy'],

    // ---- 09 pagination ----

    async offsetPage(skip, size) {
      checkPageSize(size);
      checkNonNegative('skip', skip);
      const { rows } = await query<UserRow>(
        'dl-users-offset',
        `SELECT ${USER_COLUMNS} FROM users ORDER BY id LIMIT $1 OFFSET $2`,
        [size, skip],
      );
      return rows.map(toPageUser);
    },

    async keysetPage(afterId, size) {
      checkPageSize(size);
      checkNonNegative('afterId', afterId);
      const { rows } = await query<UserRow>(
        'dl-users-keyset',
        `SELECT ${USER_COLUMNS} FROM users WHERE id > $1 ORDER BY id LIMIT $2`,
        [afterId, size],
      );
      return rows.map(toPageUser);
    },

    /**
     * One row more than the page is read, so `next` is null exactly on the last page (also when
     * the last page is full); the extra row is not returned.
     */
    async cursorPage(cursor, size): Promise<CursorPage> {
      checkPageSize(size);
      const { rows } =
        cursor === null
          ? await query<UserRow>(
              'dl-users-cursor-first',
              `SELECT ${USER_COLUMNS} FROM users ORDER BY created_at, id LIMIT $1`,
              [size + 1],
            )
          : await (() => {
              const after = decodeCursor(cursor);
              return query<UserRow>(
                'dl-users-cursor-next',
                `SELECT ${USER_COLUMNS} FROM users WHERE (created_at, id) > ($1, $2)
                 ORDER BY created_at, id LIMIT $3`,
                [after.createdAt, after.id, size + 1],
              );
            })();
      const items = rows.slice(0, size).map(toPageUser);
      const last = items.at(-1);
      return {
        items,
        next: rows.length > size && last ? encodeCursor(last.createdAt, last.id) : null,
      };
    },

    // ---- 10 column overhead ----

    async readColumns(shape, skip, size) {
      checkPageSize(size);
      checkNonNegative('skip', skip);
      const text = Object.hasOwn(COLUMN_SHAPE_SQL, shape) ? COLUMN_SHAPE_SQL[shape] : undefined;
      if (!text) throw new DataInputError('not_found', `unknown column shape ${String(shape)}`);
      const { rows } = await query(`dl-columns-${shape}`, text, [size, skip]);
      return rows;
    },

    async readType(type, skip, size) {
      checkPageSize(size);
      checkNonNegative('skip', skip);
      if (!COLUMN_TYPES.includes(type)) {
        throw new DataInputError('not_found', `unknown column type ${String(type)}`);
      }
      const { rows } = await query(
        `dl-type-${type}`,
        `SELECT * FROM users_type_${type} ORDER BY id LIMIT $1 OFFSET $2`,
        [size, skip],
      );
      return rows;
    },

    // ---- 11 N+1 ----

    async authorsWithPosts(strategy: LoadStrategy, skip, size): Promise<AuthorWithPosts[]> {
      checkPageSize(size);
      checkNonNegative('skip', skip);
      switch (strategy) {
        case 'lazy': {
          // 1 + N: the posts of each author are fetched when that author is visited, one
          // round trip after another, as lazy loading does.
          const authors = await authorsPage(skip, size);
          const result: AuthorWithPosts[] = [];
          for (const author of authors) {
            const { rows } = await query<PostRow>(
              'dl-posts-of-author',
              'SELECT id, author_id, title, view_count FROM posts WHERE author_id = $1 ORDER BY id',
              [author.id],
            );
            result.push({ id: author.id, name: author.name, posts: rows.map(toPost) });
          }
          return result;
        }
        case 'eager': {
          // 1 query: the page of authors LEFT JOIN their posts; rows grouped here (author
          // columns repeat on every post row, the cost a JOIN pays).
          const { rows } = await query<{
            id: number;
            name: string;
            post_id: number | null;
            title: string | null;
            view_count: number | null;
          }>(
            'dl-authors-join-posts',
            `SELECT a.id, a.name, p.id AS post_id, p.title, p.view_count
               FROM (SELECT id, name FROM authors ORDER BY id LIMIT $1 OFFSET $2) AS a
               LEFT JOIN posts AS p ON p.author_id = a.id
              ORDER BY a.id, p.id`,
            [size, skip],
          );
          const result: AuthorWithPosts[] = [];
          let current: AuthorWithPosts | undefined;
          for (const row of rows) {
            if (current?.id !== row.id) {
              current = { id: row.id, name: row.name, posts: [] };
              result.push(current);
            }
            if (row.post_id !== null) {
              current.posts.push({
                id: row.post_id,
                title: row.title as string,
                viewCount: row.view_count as number,
              });
            }
          }
          return result;
        }
        case 'select-in': {
          // 2 queries: the authors, then all their posts in one `= ANY($1)` batch.
          const authors = await authorsPage(skip, size);
          if (authors.length === 0) return [];
          const { rows } = await query<PostRow>(
            'dl-posts-of-authors',
            `SELECT id, author_id, title, view_count FROM posts
              WHERE author_id = ANY($1::bigint[]) ORDER BY author_id, id`,
            [authors.map((author) => author.id)],
          );
          const byAuthor = new Map<number, AuthorWithPosts>(
            authors.map((author) => [author.id, { id: author.id, name: author.name, posts: [] }]),
          );
          for (const row of rows) byAuthor.get(row.author_id)?.posts.push(toPost(row));
          return [...byAuthor.values()];
        }
        default:
          throw new DataInputError('not_found', `unknown load strategy ${String(strategy)}`);
      }
    },

    // ---- 12 bulk ----

    async bulkInsert(strategy: BulkInsertStrategy, items) {
      if (items.length === 0) return 0;
      const values = (item: NewBulkItem) => [item.sku, item.name, item.quantity, item.price];
      switch (strategy) {
        case 'individual': {
          // One INSERT per row, each its own (autocommit) transaction.
          let written = 0;
          for (const item of items) {
            const result = await query('dl-bulk-insert-one', INSERT_ITEM_SQL, values(item));
            written += result.rowCount ?? 0;
          }
          return written;
        }
        case 'orm-batch':
          // Raw pg has no unit of work that could batch anything: the closest equivalent of an
          // ORM saving a list of entities is one transaction with one INSERT per row (the
          // prepared statement is reused). Against `individual` it removes the per-row commit;
          // against the ORMs' own batching it shows what their batching buys.
          return inTransaction(async (client) => {
            let written = 0;
            for (const item of items) {
              const result = await client.query({
                name: 'dl-bulk-insert-one',
                text: INSERT_ITEM_SQL,
                values: values(item),
              });
              written += result.rowCount ?? 0;
            }
            return written;
          });
        case 'multi-values': {
          // One INSERT … VALUES (…), (…) per chunk of 16,383 rows (4 parameters a row, at most
          // 65,535 per statement); several chunks share one transaction. The SQL text depends on
          // the row count, so it is not a named statement.
          const insertChunk = async (
            db: pg.Pool | pg.PoolClient,
            chunk: readonly NewBulkItem[],
          ) => {
            const placeholders = chunk.map((_, row) => {
              const base = row * BULK_COLUMNS;
              return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4})`;
            });
            const result = await db.query(
              `INSERT INTO bulk_items (sku, name, quantity, price) VALUES ${placeholders.join(', ')}`,
              chunk.flatMap(values),
            );
            return result.rowCount ?? 0;
          };
          if (items.length <= MULTI_VALUES_CHUNK_ROWS) return insertChunk(pool, items);
          return inTransaction(async (client) => {
            let written = 0;
            for (let start = 0; start < items.length; start += MULTI_VALUES_CHUNK_ROWS) {
              written += await insertChunk(
                client,
                items.slice(start, start + MULTI_VALUES_CHUNK_ROWS),
              );
            }
            return written;
          });
        }
        case 'unnest': {
          // One INSERT with four array parameters, whatever the row count.
          const result = await query(
            'dl-bulk-insert-unnest',
            `INSERT INTO bulk_items (sku, name, quantity, price)
             SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::int[], $4::numeric[])`,
            [
              items.map((item) => item.sku),
              items.map((item) => item.name),
              items.map((item) => item.quantity),
              items.map((item) => item.price),
            ],
          );
          return result.rowCount ?? 0;
        }
        case 'copy': {
          // COPY … FROM STDIN in text format, streamed in chunks of 1,000 lines.
          const client = await pool.connect();
          let broken: Error | undefined;
          try {
            const stream = client.query(
              copyFrom('COPY bulk_items (sku, name, quantity, price) FROM STDIN'),
            );
            await pipeline(Readable.from(copyChunks(items)), stream);
            return stream.rowCount;
          } catch (error) {
            broken = error as Error;
            throw error;
          } finally {
            client.release(broken);
          }
        }
        default:
          throw new DataInputError('not_found', `unknown bulk insert strategy ${String(strategy)}`);
      }
    },

    async bulkUpdate(strategy: BulkUpdateStrategy, updates) {
      if (updates.length === 0) return 0;
      switch (strategy) {
        case 'individual': {
          // One UPDATE per row, each its own (autocommit) transaction, like `individual` inserts.
          let written = 0;
          for (const update of updates) {
            const result = await query(
              'dl-bulk-update-one',
              'UPDATE bulk_items SET quantity = $2, updated_at = now() WHERE sku = $1',
              [update.sku, update.quantity],
            );
            written += result.rowCount ?? 0;
          }
          return written;
        }
        case 'bulk': {
          const result = await query(
            'dl-bulk-update-unnest',
            `UPDATE bulk_items AS b SET quantity = u.quantity, updated_at = now()
               FROM unnest($1::varchar[], $2::int[]) AS u (sku, quantity)
              WHERE b.sku = u.sku`,
            [updates.map((update) => update.sku), updates.map((update) => update.quantity)],
          );
          return result.rowCount ?? 0;
        }
        default:
          throw new DataInputError('not_found', `unknown bulk update strategy ${String(strategy)}`);
      }
    },

    // ---- 13 transactions on hot rows ----

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
        case 'none': {
          // Read, then write the computed value, no lock and no transaction: two concurrent
          // decrements can read the same stock and one overwrites the other (lost update) —
          // the anomaly this strategy exists to show.
          const { stock } = await readStock(
            pool,
            'dl-stock-read',
            'SELECT stock, version FROM products WHERE id = $1',
            productId,
          );
          if (stock < quantity) return { ok: false, retries: 0 };
          await query(
            'dl-stock-write',
            'UPDATE products SET stock = $2, updated_at = now() WHERE id = $1',
            [productId, stock - quantity],
          );
          return { ok: true, retries: 0 };
        }
        case 'pessimistic': {
          // SELECT … FOR UPDATE holds the row lock until COMMIT: decrements queue up, none lost.
          const ok = await inTransaction(async (client) => {
            const { stock } = await readStock(
              client,
              'dl-stock-read-for-update',
              'SELECT stock, version FROM products WHERE id = $1 FOR UPDATE',
              productId,
            );
            if (stock < quantity) return false;
            await client.query({
              name: 'dl-stock-write',
              text: 'UPDATE products SET stock = $2, updated_at = now() WHERE id = $1',
              values: [productId, stock - quantity],
            });
            return true;
          });
          return { ok, retries: 0 };
        }
        case 'optimistic': {
          // Read stock and version; write only if the version is unchanged. 0 rows updated = a
          // concurrent writer won: read again, up to maxRetries times (ok false after that).
          for (let retries = 0; ; retries++) {
            const { stock, version } = await readStock(
              pool,
              'dl-stock-read',
              'SELECT stock, version FROM products WHERE id = $1',
              productId,
            );
            if (stock < quantity) return { ok: false, retries };
            const result = await query(
              'dl-stock-write-versioned',
              `UPDATE products SET stock = $2, version = version + 1, updated_at = now()
                WHERE id = $1 AND version = $3`,
              [productId, stock - quantity, version],
            );
            if (result.rowCount === 1) return { ok: true, retries };
            if (retries >= maxRetries) return { ok: false, retries };
          }
        }
        case 'serializable': {
          // The same read-then-write as `none`, in a SERIALIZABLE transaction: PostgreSQL aborts
          // the losers with SQLSTATE 40001 and the whole transaction is retried.
          for (let retries = 0; ; retries++) {
            try {
              const ok = await inTransaction(async (client) => {
                const { stock } = await readStock(
                  client,
                  'dl-stock-read',
                  'SELECT stock, version FROM products WHERE id = $1',
                  productId,
                );
                if (stock < quantity) return false;
                await client.query({
                  name: 'dl-stock-write',
                  text: 'UPDATE products SET stock = $2, updated_at = now() WHERE id = $1',
                  values: [productId, stock - quantity],
                });
                return true;
              }, 'BEGIN ISOLATION LEVEL SERIALIZABLE');
              return { ok, retries };
            } catch (error) {
              if (!isSerializationFailure(error)) throw error;
              if (retries >= maxRetries) return { ok: false, retries };
            }
          }
        }
        default:
          throw new DataInputError('not_found', `unknown lock strategy ${String(strategy)}`);
      }
    },

    // ---- 14–19: one module per scenario, on the same pool ----
    ...pgUserReads(pool),
    ...pgAccounts(pool),
    ...pgAggregates(pool),
    ...pgSearch(pool),

    close: () => pool.end(),
  };
}
