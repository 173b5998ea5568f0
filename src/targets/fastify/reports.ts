import type { FastifyPluginAsync } from 'fastify';
import {
  type AggregateOperations,
  checkAggregateStrategyOf,
  parseOrdersDimension,
} from '../../data/http/aggregate-routes.ts';
import type { SearchArgs, searchOperations } from '../../data/http/search-routes.ts';
import type { AggregateStrategy, DataLayer } from '../../data/types.ts';
import {
  aggregateQuery,
  authorRevenuePage,
  counterSchema,
  dimensionParams,
  groupStatsPage,
  searchPage,
  searchQuery,
  topAuthorsQuery,
} from './scenario-schemas.ts';
import { errorResponses } from './schemas.ts';

/** Scenarios 17–18: `/db/aggregate/…` and `/db/search` over the data layer. */
export const reportRoutes: FastifyPluginAsync<{
  layer: DataLayer;
  aggregate: AggregateOperations;
  search: ReturnType<typeof searchOperations>;
}> = async (app, { layer, aggregate, search }) => {
  type Strategy = { strategy: AggregateStrategy };
  // The schema knows the three strategies; whether this layer has one is the layer's say.
  const strategyOf = ({ strategy }: Strategy) => {
    checkAggregateStrategyOf(strategy, layer);
    return strategy;
  };

  app.get<{ Querystring: Strategy }>(
    '/db/aggregate/count',
    {
      schema: {
        querystring: aggregateQuery,
        response: { 200: counterSchema('count'), ...errorResponses },
      },
    },
    (request) => aggregate.count(strategyOf(request.query)),
  );

  app.get<{ Params: { dimension: string }; Querystring: Strategy }>(
    '/db/aggregate/orders-by/:dimension',
    {
      schema: {
        params: dimensionParams,
        querystring: aggregateQuery,
        response: { 200: groupStatsPage, ...errorResponses },
      },
    },
    (request) =>
      aggregate.ordersBy(parseOrdersDimension(request.params.dimension), strategyOf(request.query)),
  );

  app.get<{ Querystring: Strategy & { size: number } }>(
    '/db/aggregate/top-authors',
    {
      schema: {
        querystring: topAuthorsQuery,
        response: { 200: authorRevenuePage, ...errorResponses },
      },
    },
    (request) => aggregate.topAuthors(strategyOf(request.query), request.query.size),
  );

  app.get<{ Querystring: SearchArgs }>(
    '/db/search',
    { schema: { querystring: searchQuery, response: { 200: searchPage, ...errorResponses } } },
    (request) => search.search(request.query),
  );
};
