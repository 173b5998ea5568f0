import { Controller, Get, UseGuards } from '@nestjs/common';
import { RequestLog } from '../../shared/request-log.ts';
import { BearerAuthGuard, Subject } from './bearer-auth.guard.ts';

@Controller('protected')
export class ProtectedController {
  constructor(private readonly log: RequestLog) {}

  @Get()
  @UseGuards(BearerAuthGuard)
  get(@Subject() subject: string): { subject: string; logged: number } {
    return { subject, logged: this.log.size };
  }
}
