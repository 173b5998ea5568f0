import { Module } from '@nestjs/common';
import { DbModule } from '../db/db.module.ts';
import { UserCacheController } from './user-cache.controller.ts';
import { UserCacheService } from './user-cache.service.ts';

/** Scenarios 14–15: controller → service → cache-aside over DbModule's layer and Redis. */
@Module({ imports: [DbModule], controllers: [UserCacheController], providers: [UserCacheService] })
export class UserCacheModule {}
