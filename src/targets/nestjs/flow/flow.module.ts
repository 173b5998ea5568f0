import { Module } from '@nestjs/common';
import { DbModule } from '../db/db.module.ts';
import { FlowController } from './flow.controller.ts';
import { FlowService } from './flow.service.ts';

/** Scenario 19 (needs Redis): the layer from DbModule, sessions from the global RedisModule. */
@Module({ imports: [DbModule], controllers: [FlowController], providers: [FlowService] })
export class FlowModule {}
