import { Controller, Get, Param, Query } from '@nestjs/common';
import type { SearchArgs } from '../../../data/http/search-routes.ts';
import type {
  AggregateStrategy,
  AuthorRevenue,
  GroupStats,
  OrdersDimension,
  SearchHit,
} from '../../../data/types.ts';
import {
  AggregateStrategyPipe,
  OrdersDimensionPipe,
  SearchQueryPipe,
  TopAuthorsSizePipe,
} from './reports.pipes.ts';
import { ReportsService } from './reports.service.ts';

/** `/db/aggregate/…` (17) and `/db/search` (18): docs/contract.md. */
@Controller('db')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('aggregate/count')
  count(
    @Query('strategy', AggregateStrategyPipe) strategy: AggregateStrategy,
  ): Promise<{ count: number }> {
    return this.reports.count(strategy);
  }

  @Get('aggregate/orders-by/:dimension')
  ordersBy(
    @Param('dimension', OrdersDimensionPipe) dimension: OrdersDimension,
    @Query('strategy', AggregateStrategyPipe) strategy: AggregateStrategy,
  ): Promise<{ items: GroupStats[] }> {
    return this.reports.ordersBy(dimension, strategy);
  }

  @Get('aggregate/top-authors')
  topAuthors(
    @Query('strategy', AggregateStrategyPipe) strategy: AggregateStrategy,
    @Query('size', TopAuthorsSizePipe) size: number,
  ): Promise<{ items: AuthorRevenue[] }> {
    return this.reports.topAuthors(strategy, size);
  }

  @Get('search')
  search(@Query(SearchQueryPipe) args: SearchArgs): Promise<{ items: SearchHit[] }> {
    return this.reports.searchDocuments(args);
  }
}
