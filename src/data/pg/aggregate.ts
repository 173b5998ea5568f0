import type pg from 'pg';
import { groupOrders, topAuthorTallies, withNames } from '../aggregate-reduce.ts';
import { checkPageSize, DataInputError } from '../errors.ts';
import type {
  AggregateStrategy,
  AuthorRevenue,
  DataLayer,
  GroupStats,
  OrdersDimension,
} from '../types.ts';

/**
 * Scenario 17 on raw pg. AGGREGATE_SQL is the reference SQL of the contract (docs/contract.md):
 * what `raw` sends here, what the ORM layers' `raw` strategy sends through their own connection,
 * and what their builders must match. `reduce` loads only the columns an aggregate needs and
 * aggregates in code (../aggregate-reduce.ts). Raw pg has no query builder: no `builder`.
 *
 * Keys are ordered with COLLATE "C" (byte order), so the order does not depend on the
 * database's collation and equals the reduce's plain string order.
 */
export const AGGREGATE_SQL = {
  count: 'SELECT count(*) AS count FROM orders',
  ordersBy: (dimension: OrdersDimension) =>
    `SELECT ${dimension} AS key, count(*) AS orders, sum(quantity) AS quantity,
            sum(amount) AS revenue, round(avg(amount), 2) AS avg_amount
       FROM orders GROUP BY ${dimension} ORDER BY ${dimension} COLLATE "C"`,
  /** $1 = size. */
  topAuthors: `SELECT o.author_id, a.name, count(*) AS orders, sum(o.amount) AS revenue,
                      round(avg(o.amount), 2) AS avg_amount
                 FROM orders AS o JOIN authors AS a ON a.id = o.author_id
                GROUP BY o.author_id, a.name
                ORDER BY revenue DESC, o.author_id
                LIMIT $1`,
} as const;

export const ORDERS_DIMENSIONS: readonly OrdersDimension[] = ['country', 'status'];

/** Throws `not_found` for anything but `country` or `status` (they are spliced into SQL). */
export function checkDimension(dimension: string): asserts dimension is OrdersDimension {
  if (!ORDERS_DIMENSIONS.includes(dimension as OrdersDimension)) {
    throw new DataInputError('not_found', `unknown orders dimension ${JSON.stringify(dimension)}`);
  }
}

/** A strategy the layer lacks (or an unknown one): `out_of_range`, naming the layer. */
export function checkAggregateStrategy(
  strategy: AggregateStrategy,
  layer: string,
  has: readonly AggregateStrategy[],
): void {
  if (!has.includes(strategy)) {
    throw new DataInputError(
      'out_of_range',
      `aggregate strategy ${JSON.stringify(strategy)} is not implemented by the ${layer} data layer (it has: ${has.join(', ')})`,
    );
  }
}

interface GroupRow {
  key: string;
  orders: number;
  quantity: number;
  revenue: string;
  avg_amount: string;
}

interface AuthorRow {
  author_id: number;
  name: string;
  orders: number;
  revenue: string;
  avg_amount: string;
}

export const toGroupStats = (row: GroupRow): GroupStats => ({
  key: row.key,
  orders: Number(row.orders),
  quantity: Number(row.quantity),
  revenue: row.revenue,
  avgAmount: row.avg_amount,
});

export const toAuthorRevenue = (row: AuthorRow): AuthorRevenue => ({
  authorId: Number(row.author_id),
  name: row.name,
  orders: Number(row.orders),
  revenue: row.revenue,
  avgAmount: row.avg_amount,
});

const STRATEGIES: readonly AggregateStrategy[] = ['raw', 'reduce'];

export function pgAggregates(
  pool: pg.Pool,
): Pick<DataLayer, 'aggregateStrategies' | 'countOrders' | 'ordersBy' | 'topAuthors'> {
  const check = (strategy: AggregateStrategy) => checkAggregateStrategy(strategy, 'pg', STRATEGIES);
  return {
    aggregateStrategies: STRATEGIES,

    async countOrders(strategy) {
      check(strategy);
      if (strategy === 'raw') {
        const { rows } = await pool.query<{ count: number }>({
          name: 'dl-orders-count',
          text: AGGREGATE_SQL.count,
        });
        return Number(rows[0]?.count ?? 0);
      }
      // reduce: every row (its id only), counted here.
      const { rows } = await pool.query({ name: 'dl-orders-ids', text: 'SELECT id FROM orders' });
      return rows.length;
    },

    async ordersBy(dimension, strategy) {
      checkDimension(dimension);
      check(strategy);
      if (strategy === 'raw') {
        const { rows } = await pool.query<GroupRow>({
          name: `dl-orders-by-${dimension}`,
          text: AGGREGATE_SQL.ordersBy(dimension),
        });
        return rows.map(toGroupStats);
      }
      const { rows } = await pool.query<{ key: string; quantity: number; amount: string }>({
        name: `dl-orders-rows-by-${dimension}`,
        text: `SELECT ${dimension} AS key, quantity, amount FROM orders`,
      });
      return groupOrders(rows);
    },

    async topAuthors(strategy, size) {
      checkPageSize(size);
      check(strategy);
      if (strategy === 'raw') {
        const { rows } = await pool.query<AuthorRow>({
          name: 'dl-top-authors',
          text: AGGREGATE_SQL.topAuthors,
          values: [size],
        });
        return rows.map(toAuthorRevenue);
      }
      const { rows } = await pool.query<{ author_id: number; amount: string }>({
        name: 'dl-orders-author-amounts',
        text: 'SELECT author_id, amount FROM orders',
      });
      const top = topAuthorTallies(
        rows.map((row) => ({ authorId: row.author_id, amount: row.amount })),
        size,
      );
      const names = await pool.query<{ id: number; name: string }>({
        name: 'dl-author-names',
        text: 'SELECT id, name FROM authors WHERE id = ANY($1::bigint[])',
        values: [top.map((t) => t.authorId)],
      });
      return withNames(top, new Map(names.rows.map((row) => [row.id, row.name])));
    },
  };
}
