import { HttpError } from '../../targets/shared/errors.ts';
import { parseIntegerParam } from '../../targets/shared/validation.ts';
import { ORDERS_DIMENSIONS } from '../pg/aggregate.ts';
import type { AggregateStrategy, DataLayer, OrdersDimension } from '../types.ts';
import { oneOf, withDataErrors } from './db-routes.ts';

/**
 * The `/db/aggregate/…` routes of scenario 17, framework-neutral (see db-routes.ts):
 *
 *   GET /db/aggregate/count?strategy                 → 200 { count }
 *   GET /db/aggregate/orders-by/{dimension}?strategy → 200 { items: GroupStats[] }
 *   GET /db/aggregate/top-authors?strategy&size      → 200 { items: AuthorRevenue[] }
 *
 * `builder` exists only on layers with a query builder: 400 naming the layer elsewhere.
 */
export const AGGREGATE_STRATEGIES: readonly AggregateStrategy[] = ['raw', 'builder', 'reduce'];
export const TOP_AUTHORS_SIZE = { min: 1, max: 100, default: 10 } as const;
export { ORDERS_DIMENSIONS };

export function checkAggregateStrategyOf(strategy: AggregateStrategy, layer: DataLayer): void {
  if (!layer.aggregateStrategies.includes(strategy)) {
    throw new HttpError(
      'validation_failed',
      `aggregate strategy ${strategy} is not implemented by the ${layer.name} data layer ` +
        `(it has: ${layer.aggregateStrategies.join(', ')})`,
    );
  }
}

export function parseAggregateStrategy(raw: unknown, layer: DataLayer): AggregateStrategy {
  const strategy = oneOf('strategy', raw, AGGREGATE_STRATEGIES);
  checkAggregateStrategyOf(strategy, layer);
  return strategy;
}

/** An unknown dimension is an unknown resource: 404. */
export function parseOrdersDimension(raw: unknown): OrdersDimension {
  if (typeof raw !== 'string' || !ORDERS_DIMENSIONS.includes(raw as OrdersDimension)) {
    throw new HttpError('not_found', `unknown orders dimension ${JSON.stringify(raw)}`);
  }
  return raw as OrdersDimension;
}

export const parseTopAuthorsSize = (raw: unknown): number =>
  parseIntegerParam('size', raw, TOP_AUTHORS_SIZE);

export function aggregateOperations(layer: DataLayer) {
  const call = withDataErrors;
  return {
    count: (strategy: AggregateStrategy) =>
      call(async () => ({ count: await layer.countOrders(strategy) })),
    ordersBy: (dimension: OrdersDimension, strategy: AggregateStrategy) =>
      call(async () => ({ items: await layer.ordersBy(dimension, strategy) })),
    topAuthors: (strategy: AggregateStrategy, size: number) =>
      call(async () => ({ items: await layer.topAuthors(strategy, size) })),
  };
}

export type AggregateOperations = ReturnType<typeof aggregateOperations>;
