import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  parseCacheStrategy,
  parseCacheWarm,
  parseUserRename,
} from '../../../data/http/cache-routes.ts';
import type { PageUser } from '../../../data/types.ts';
import type { CacheStrategy } from '../../shared/user-cache.ts';
import { USER_ID } from '../../shared/validation.ts';
import { Consumes } from '../core/consumes.ts';
import { IntegerParamPipe } from '../core/pipes.ts';
import { ParsePipe } from '../db/db.pipes.ts';
import { UserCacheService } from './user-cache.service.ts';

const UserIdPipe = new IntegerParamPipe('id', USER_ID);

/** `/cache/…` (docs/contract.md, 14–15). */
@Controller('cache')
export class UserCacheController {
  constructor(private readonly cache: UserCacheService) {}

  @Get('users/:id')
  read(
    @Param('id', UserIdPipe) id: number,
    @Query('strategy', new ParsePipe(parseCacheStrategy)) strategy: CacheStrategy,
  ): Promise<PageUser> {
    return this.cache.read(id, strategy);
  }

  @Patch('users/:id')
  @Consumes('application/json')
  rename(
    @Param('id', UserIdPipe) id: number,
    @Body(new ParsePipe(parseUserRename)) name: string,
  ): Promise<PageUser> {
    return this.cache.rename(id, name);
  }

  @Post('users/warm')
  @HttpCode(200)
  @Consumes('application/json')
  warm(
    @Body(new ParsePipe(parseCacheWarm)) range: { from: number; count: number },
  ): Promise<{ warmed: number }> {
    return this.cache.warm(range);
  }

  @Post('users/flush')
  @HttpCode(200)
  flush(): Promise<{ deleted: number }> {
    return this.cache.flush();
  }

  @Get('info')
  info(): ReturnType<UserCacheService['info']> {
    return this.cache.info();
  }
}
