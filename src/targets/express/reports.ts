import type { Express } from 'express';
import {
  type AggregateOperations,
  parseAggregateStrategy,
  parseOrdersDimension,
  parseTopAuthorsSize,
} from '../../data/http/aggregate-routes.ts';
import { parseSearchQuery, type searchOperations } from '../../data/http/search-routes.ts';
import type { DataLayer } from '../../data/types.ts';

/** Scenarios 17 and 18: the read-only reports over the data layer, `/db/aggregate/…` and `/db/search`. */
export function reportRoutes(
  app: Express,
  layer: DataLayer,
  aggregate: AggregateOperations,
  search: ReturnType<typeof searchOperations>,
): void {
  app.get('/db/aggregate/count', async (req, res) => {
    res.json(await aggregate.count(parseAggregateStrategy(req.query.strategy, layer)));
  });

  app.get('/db/aggregate/orders-by/:dimension', async (req, res) => {
    const dimension = parseOrdersDimension(req.params.dimension);
    res.json(
      await aggregate.ordersBy(dimension, parseAggregateStrategy(req.query.strategy, layer)),
    );
  });

  app.get('/db/aggregate/top-authors', async (req, res) => {
    const strategy = parseAggregateStrategy(req.query.strategy, layer);
    res.json(await aggregate.topAuthors(strategy, parseTopAuthorsSize(req.query.size)));
  });

  app.get('/db/search', async (req, res) => {
    res.json(await search.search(parseSearchQuery(req.query)));
  });
}
