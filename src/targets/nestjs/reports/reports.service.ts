import { Inject, Injectable } from '@nestjs/common';
import {
  type AggregateOperations,
  aggregateOperations,
} from '../../../data/http/aggregate-routes.ts';
import { type SearchArgs, searchOperations } from '../../../data/http/search-routes.ts';
import type {
  AggregateStrategy,
  AuthorRevenue,
  DataLayer,
  GroupStats,
  OrdersDimension,
  SearchHit,
} from '../../../data/types.ts';
import { DATA_LAYER } from '../tokens.ts';

/** Scenarios 17–18 over the injected data layer; data-layer errors come out as HttpErrors. */
@Injectable()
export class ReportsService {
  private readonly aggregate: AggregateOperations;
  private readonly search: ReturnType<typeof searchOperations>;

  constructor(@Inject(DATA_LAYER) layer: DataLayer) {
    this.aggregate = aggregateOperations(layer);
    this.search = searchOperations(layer);
  }

  count(strategy: AggregateStrategy): Promise<{ count: number }> {
    return this.aggregate.count(strategy);
  }

  ordersBy(
    dimension: OrdersDimension,
    strategy: AggregateStrategy,
  ): Promise<{ items: GroupStats[] }> {
    return this.aggregate.ordersBy(dimension, strategy);
  }

  topAuthors(strategy: AggregateStrategy, size: number): Promise<{ items: AuthorRevenue[] }> {
    return this.aggregate.topAuthors(strategy, size);
  }

  searchDocuments(args: SearchArgs): Promise<{ items: SearchHit[] }> {
    return this.search.search(args);
  }
}
