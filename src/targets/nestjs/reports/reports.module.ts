import { Module } from '@nestjs/common';
import { DbModule } from '../db/db.module.ts';
import { ReportsController } from './reports.controller.ts';
import { AggregateStrategyPipe } from './reports.pipes.ts';
import { ReportsService } from './reports.service.ts';

/** Scenarios 17–18: controller → service → DbModule's data layer. */
@Module({
  imports: [DbModule],
  controllers: [ReportsController],
  providers: [ReportsService, AggregateStrategyPipe],
})
export class ReportsModule {}
