import { Body, Controller, Get, Param, Patch, Query, UseGuards } from '@nestjs/common';
import type { OffsetArgs } from '../../../data/http/db-routes.ts';
import { parsePostId, parseRetitle } from '../../../data/http/flow-routes.ts';
import type { AuthorPost, PostSummary } from '../../../data/types.ts';
import type { Principal } from '../../shared/auth.ts';
import { CurrentPrincipal, SessionAuthGuard } from '../auth/principal.ts';
import { Consumes } from '../core/consumes.ts';
import { OffsetQueryPipe, ParsePipe } from '../db/db.pipes.ts';
import { FlowService } from './flow.service.ts';

const PostIdPipe = new ParsePipe<number>(parsePostId);

/** `/flow/posts…` (docs/contract.md, 19): the session guard runs first on every route. */
@Controller('flow/posts')
@UseGuards(SessionAuthGuard)
export class FlowController {
  constructor(private readonly flow: FlowService) {}

  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(OffsetQueryPipe) page: OffsetArgs,
  ): Promise<{ items: PostSummary[] }> {
    return this.flow.list(principal, page);
  }

  @Get(':id')
  read(
    @CurrentPrincipal() principal: Principal,
    @Param('id', PostIdPipe) id: number,
  ): Promise<AuthorPost> {
    return this.flow.read(principal, id);
  }

  @Patch(':id')
  @Consumes('application/json')
  retitle(
    @CurrentPrincipal() principal: Principal,
    @Param('id', PostIdPipe) id: number,
    @Body(new ParsePipe(parseRetitle)) title: string,
  ): Promise<AuthorPost> {
    return this.flow.retitle(principal, id, title);
  }
}
