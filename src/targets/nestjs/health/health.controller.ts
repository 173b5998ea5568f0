import { Controller, Get, Inject } from '@nestjs/common';
import type { TargetMeta } from '../../shared/meta.ts';
import { TARGET_META } from '../tokens.ts';

@Controller()
export class HealthController {
  constructor(@Inject(TARGET_META) private readonly meta: TargetMeta) {}

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('meta')
  getMeta(): TargetMeta {
    return this.meta;
  }
}
