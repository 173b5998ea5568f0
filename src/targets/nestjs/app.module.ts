import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { TargetConfig } from '../shared/config.ts';
import { setServedContract } from '../shared/errors.ts';
import type { TargetMeta } from '../shared/meta.ts';
import { AuthModule } from './auth/auth.module.ts';
import { LabExceptionFilter } from './core/lab-exception.filter.ts';
import { DbModule } from './db/db.module.ts';
import { EchoModule } from './echo/echo.module.ts';
import { ExternalModule } from './external/external.module.ts';
import { FlowModule } from './flow/flow.module.ts';
import { HealthModule } from './health/health.module.ts';
import { LabConfigModule } from './lab-config.module.ts';
import { ProtectedModule } from './protected/protected.module.ts';
import { RedisModule } from './redis/redis.module.ts';
import { ReportsModule } from './reports/reports.module.ts';
import type { MultipartSource } from './upload/multipart-source.ts';
import { UploadModule } from './upload/upload.module.ts';
import { UserCacheModule } from './user-cache/user-cache.module.ts';
import { UsersModule } from './users/users.module.ts';

export interface AppOptions {
  config: TargetConfig;
  meta: TargetMeta;
  /** The adapter-specific multipart reader (busboy on Express, @fastify/multipart on Fastify). */
  multipart: Type<MultipartSource>;
}

/** The one application both NestJS targets run; only the HTTP adapter differs. */
@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    // Scenarios 14–19: the Redis-backed groups (cache, sessions, flow) only with REDIS_URL.
    const redis = Boolean(options.config.redisUrl);
    setServedContract(redis);
    return {
      module: AppModule,
      imports: [
        LabConfigModule.forRoot(options.config, options.meta),
        HealthModule,
        EchoModule,
        UsersModule,
        ExternalModule,
        ProtectedModule,
        UploadModule.forRoot(options.multipart),
        DbModule,
        AuthModule.forRoot({ sessions: redis }),
        ReportsModule,
        ...(redis ? [RedisModule, UserCacheModule, FlowModule] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: LabExceptionFilter }],
    };
  }
}
