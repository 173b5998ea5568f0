import { type DataSource, In } from 'typeorm';
import { groupOrders, topAuthorTallies, withNames } from '../aggregate-reduce.ts';
import { checkPageSize } from '../errors.ts';
import {
  AGGREGATE_SQL,
  checkAggregateStrategy,
  checkDimension,
  toAuthorRevenue,
  toGroupStats,
} from '../pg/aggregate.ts';
import type { AggregateStrategy, DataLayer } from '../types.ts';
import { Author, Order } from './entities.ts';

/**
 * Scenario 17 through TypeORM. `raw`: the reference SQL through `dataSource.query`; `builder`:
 * `repository.count()` and SelectQueryBuilders with GROUP BY read by `getRawMany` (aggregates
 * are not entities); `reduce`: `repository.find` with only the needed columns, hydrated as
 * entities, aggregated in code. node-postgres returns bigint and numeric as strings here (the
 * raw rows pass no column transformer), hence the Number() calls of the row mappers.
 */
const STRATEGIES: readonly AggregateStrategy[] = ['raw', 'builder', 'reduce'];

export function typeormAggregates(
  dataSource: DataSource,
): Pick<DataLayer, 'aggregateStrategies' | 'countOrders' | 'ordersBy' | 'topAuthors'> {
  const orders = dataSource.getRepository(Order);
  const authors = dataSource.getRepository(Author);
  const check = (strategy: AggregateStrategy) =>
    checkAggregateStrategy(strategy, 'typeorm', STRATEGIES);
  return {
    aggregateStrategies: STRATEGIES,

    async countOrders(strategy) {
      check(strategy);
      switch (strategy) {
        case 'raw': {
          const [row] = (await dataSource.query(AGGREGATE_SQL.count)) as Array<{ count: string }>;
          return Number(row?.count ?? 0);
        }
        case 'builder':
          return orders.count();
        default:
          return (await orders.find({ select: { id: true } })).length;
      }
    },

    async ordersBy(dimension, strategy) {
      checkDimension(dimension);
      check(strategy);
      switch (strategy) {
        case 'raw':
          return ((await dataSource.query(AGGREGATE_SQL.ordersBy(dimension))) as never[]).map(
            toGroupStats,
          );
        case 'builder': {
          const rows = await orders
            .createQueryBuilder('o')
            .select(`o.${dimension}`, 'key')
            .addSelect('COUNT(*)', 'orders')
            .addSelect('SUM(o.quantity)', 'quantity')
            .addSelect('SUM(o.amount)', 'revenue')
            .addSelect('ROUND(AVG(o.amount), 2)', 'avg_amount')
            .groupBy(`o.${dimension}`)
            .orderBy(`o.${dimension} COLLATE "C"`)
            .getRawMany();
          return rows.map(toGroupStats);
        }
        default: {
          const rows = await orders.find({
            select: { [dimension]: true, quantity: true, amount: true },
          });
          return groupOrders(
            rows.map((row) => ({
              key: row[dimension],
              quantity: row.quantity,
              amount: row.amount,
            })),
          );
        }
      }
    },

    async topAuthors(strategy, size) {
      checkPageSize(size);
      check(strategy);
      switch (strategy) {
        case 'raw':
          return ((await dataSource.query(AGGREGATE_SQL.topAuthors, [size])) as never[]).map(
            toAuthorRevenue,
          );
        case 'builder': {
          const rows = await orders
            .createQueryBuilder('o')
            .innerJoin('o.author', 'a')
            .select('o.authorId', 'author_id')
            .addSelect('a.name', 'name')
            .addSelect('COUNT(*)', 'orders')
            .addSelect('SUM(o.amount)', 'revenue')
            .addSelect('ROUND(AVG(o.amount), 2)', 'avg_amount')
            .groupBy('o.authorId')
            .addGroupBy('a.name')
            .orderBy('revenue', 'DESC')
            .addOrderBy('o.authorId', 'ASC')
            .limit(size)
            .getRawMany();
          return rows.map(toAuthorRevenue);
        }
        default: {
          const rows = await orders.find({ select: { authorId: true, amount: true } });
          const top = topAuthorTallies(rows, size);
          const named = await authors.find({
            select: { id: true, name: true },
            where: { id: In(top.map((t) => t.authorId)) },
          });
          return withNames(top, new Map(named.map((author) => [author.id, author.name])));
        }
      }
    },
  };
}
