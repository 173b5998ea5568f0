import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import {
  parseAggregateStrategy,
  parseOrdersDimension,
  parseTopAuthorsSize,
} from '../../../data/http/aggregate-routes.ts';
import { parseSearchQuery, type SearchArgs } from '../../../data/http/search-routes.ts';
import type { AggregateStrategy, DataLayer, OrdersDimension } from '../../../data/types.ts';
import { ParsePipe } from '../db/db.pipes.ts';
import { DATA_LAYER } from '../tokens.ts';

/** Validation pipes of `/db/aggregate/…` and `/db/search`, each a shared parser. */
export const OrdersDimensionPipe = new ParsePipe<OrdersDimension>(parseOrdersDimension);
export const TopAuthorsSizePipe = new ParsePipe<number>(parseTopAuthorsSize);
export const SearchQueryPipe = new ParsePipe<SearchArgs>((query) =>
  parseSearchQuery(query as Record<string, unknown> | undefined),
);

/** Which aggregate strategies exist depends on the layer (`builder`): a DI-built pipe. */
@Injectable()
export class AggregateStrategyPipe implements PipeTransform<unknown, AggregateStrategy> {
  constructor(@Inject(DATA_LAYER) private readonly layer: DataLayer) {}

  transform(value: unknown): AggregateStrategy {
    return parseAggregateStrategy(value, this.layer);
  }
}
