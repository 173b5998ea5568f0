import type { Provider } from '@nestjs/common';
import { openDataLayer } from '../../../data/index.ts';
import type { DataLayer } from '../../../data/types.ts';
import type { TargetConfig } from '../../shared/config.ts';
import { DATA_LAYER, TARGET_CONFIG } from '../tokens.ts';

/**
 * The DataLayer as an async factory provider: opened (ORMs connect) while the application is
 * created, so a layer that cannot start fails the start; closed by DbModule on shutdown.
 */
export const dataLayerProvider: Provider<Promise<DataLayer>> = {
  provide: DATA_LAYER,
  inject: [TARGET_CONFIG],
  useFactory: (config: TargetConfig) =>
    openDataLayer(config.dataLayer, { databaseUrl: config.databaseUrl, poolSize: config.dbPool }),
};
