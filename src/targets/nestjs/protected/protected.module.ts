import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { RequestLog } from '../../shared/request-log.ts';
import { BearerAuthGuard } from './bearer-auth.guard.ts';
import { ProtectedController } from './protected.controller.ts';
import { RequestLogMiddleware } from './request-log.middleware.ts';

@Module({
  controllers: [ProtectedController],
  providers: [{ provide: RequestLog, useFactory: () => new RequestLog(10_000) }, BearerAuthGuard],
})
export class ProtectedModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Middleware → guard → handler: the chain scenario 06 measures.
    consumer
      .apply(RequestLogMiddleware)
      .forRoutes({ path: 'protected', method: RequestMethod.GET });
  }
}
