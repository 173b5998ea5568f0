import { type DynamicModule, Module } from '@nestjs/common';
import { DbModule } from '../db/db.module.ts';
import { JwtAuthController, SessionAuthController } from './auth.controllers.ts';
import { AuthService } from './auth.service.ts';

/**
 * Scenario 16. With `sessions` (REDIS_URL set, the global RedisModule loaded) also the session
 * routes; without, they do not exist (404).
 */
@Module({})
export class AuthModule {
  static forRoot({ sessions }: { sessions: boolean }): DynamicModule {
    return {
      module: AuthModule,
      imports: [DbModule],
      controllers: sessions ? [JwtAuthController, SessionAuthController] : [JwtAuthController],
      providers: [AuthService],
    };
  }
}
