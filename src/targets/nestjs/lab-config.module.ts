import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { TargetConfig } from '../shared/config.ts';
import type { TargetMeta } from '../shared/meta.ts';
import { TARGET_CONFIG, TARGET_META } from './tokens.ts';

/** Process configuration and `/meta` facts, read once in main and injectable everywhere. */
@Global()
@Module({})
export class LabConfigModule {
  static forRoot(config: TargetConfig, meta: TargetMeta): DynamicModule {
    return {
      module: LabConfigModule,
      providers: [
        { provide: TARGET_CONFIG, useValue: config },
        { provide: TARGET_META, useValue: meta },
      ],
      exports: [TARGET_CONFIG, TARGET_META],
    };
  }
}
