import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { DataLayer } from '../../../data/types.ts';
import { DATA_LAYER } from '../tokens.ts';
import { dataLayerProvider } from './data-layer.provider.ts';
import { DbController } from './db.controller.ts';
import { BulkInsertStrategyPipe } from './db.pipes.ts';
import { DbService } from './db.service.ts';

/**
 * Scenarios 09–13: controller → service → the DataLayer provider (LAB_DATA_LAYER: pg, typeorm
 * or mikroorm). The module owns the layer and closes it when the application shuts down.
 */
@Module({
  controllers: [DbController],
  providers: [dataLayerProvider, DbService, BulkInsertStrategyPipe],
  exports: [DATA_LAYER],
})
export class DbModule implements OnApplicationShutdown {
  constructor(@Inject(DATA_LAYER) private readonly layer: DataLayer) {}

  onApplicationShutdown(): Promise<void> {
    return this.layer.close();
  }
}
