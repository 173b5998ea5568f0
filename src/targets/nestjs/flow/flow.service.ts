import { Inject, Injectable } from '@nestjs/common';
import type { OffsetArgs } from '../../../data/http/db-routes.ts';
import { type FlowOperations, flowOperations } from '../../../data/http/flow-routes.ts';
import type { AuthorPost, DataLayer, PostSummary } from '../../../data/types.ts';
import type { Principal } from '../../shared/auth.ts';
import { DATA_LAYER } from '../tokens.ts';

/** Scenario 19: the session author's own posts, over the injected data layer. */
@Injectable()
export class FlowService {
  private readonly flow: FlowOperations;

  constructor(@Inject(DATA_LAYER) layer: DataLayer) {
    this.flow = flowOperations(layer);
  }

  list(principal: Principal, page: OffsetArgs): Promise<{ items: PostSummary[] }> {
    return this.flow.list(principal, page);
  }

  read(principal: Principal, id: number): Promise<AuthorPost> {
    return this.flow.read(principal, id);
  }

  retitle(principal: Principal, id: number, title: string): Promise<AuthorPost> {
    return this.flow.retitle(principal, id, title);
  }
}
