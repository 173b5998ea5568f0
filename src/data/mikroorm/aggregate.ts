import { type MikroORM, raw } from '@mikro-orm/postgresql';
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
 * Scenario 17 through MikroORM. `raw`: the reference SQL through the connection (`?`
 * placeholders); `builder`: `em.count` and QueryBuilders whose aggregate columns are `raw()`
 * fragments (MikroORM's documented way to select aggregates), read unmapped; `reduce`: `em.find`
 * with partial loading, every row hydrated into the fork's identity map, aggregated in code.
 */
const STRATEGIES: readonly AggregateStrategy[] = ['raw', 'builder', 'reduce'];

export function mikroormAggregates(
  orm: MikroORM,
): Pick<DataLayer, 'aggregateStrategies' | 'countOrders' | 'ordersBy' | 'topAuthors'> {
  const check = (strategy: AggregateStrategy) =>
    checkAggregateStrategy(strategy, 'mikroorm', STRATEGIES);
  const execute = <T>(sql: string, params: unknown[] = []) =>
    orm.em.fork().getConnection().execute<T[]>(sql, params);
  return {
    aggregateStrategies: STRATEGIES,

    async countOrders(strategy) {
      check(strategy);
      switch (strategy) {
        case 'raw': {
          const [row] = await execute<{ count: string }>(AGGREGATE_SQL.count);
          return Number(row?.count ?? 0);
        }
        case 'builder':
          return orm.em.fork().count(Order);
        default:
          return (await orm.em.fork().find(Order, {}, { fields: ['id'] })).length;
      }
    },

    async ordersBy(dimension, strategy) {
      checkDimension(dimension);
      check(strategy);
      switch (strategy) {
        case 'raw':
          return (await execute<never>(AGGREGATE_SQL.ordersBy(dimension))).map(toGroupStats);
        case 'builder': {
          const rows = await orm.em
            .fork()
            .createQueryBuilder(Order, 'o')
            .select([
              raw(`o.${dimension} as key`),
              raw('count(*) as orders'),
              raw('sum(o.quantity) as quantity'),
              raw('sum(o.amount) as revenue'),
              raw('round(avg(o.amount), 2) as avg_amount'),
            ])
            .groupBy(dimension)
            .orderBy({ [raw(`o.${dimension} collate "C"`)]: 'asc' })
            .execute('all', false);
          return (rows as never[]).map(toGroupStats);
        }
        default: {
          const rows = await orm.em
            .fork()
            .find(Order, {}, { fields: [dimension, 'quantity', 'amount'] });
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
          return (await execute<never>(AGGREGATE_SQL.topAuthors.replace('$1', '?'), [size])).map(
            toAuthorRevenue,
          );
        case 'builder': {
          const rows = await orm.em
            .fork()
            .createQueryBuilder(Order, 'o')
            .join('o.author', 'a')
            .select([
              raw('o.author_id as author_id'),
              raw('a.name as name'),
              raw('count(*) as orders'),
              raw('sum(o.amount) as revenue'),
              raw('round(avg(o.amount), 2) as avg_amount'),
            ])
            .groupBy(['o.author', 'a.name'])
            .orderBy([{ [raw('revenue')]: 'desc' }, { author: 'asc' }])
            .limit(size)
            .execute('all', false);
          return (rows as never[]).map(toAuthorRevenue);
        }
        default: {
          const em = orm.em.fork();
          const rows = await em.find(Order, {}, { fields: ['author', 'amount'] });
          const top = topAuthorTallies(
            rows.map((row) => ({ authorId: row.author.id, amount: row.amount })),
            size,
          );
          const named = await em.find(
            Author,
            { id: { $in: top.map((t) => t.authorId) } },
            { fields: ['id', 'name'] },
          );
          return withNames(top, new Map(named.map((author) => [author.id, author.name])));
        }
      }
    },
  };
}
