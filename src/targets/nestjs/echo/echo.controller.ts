import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Consumes } from '../core/consumes.ts';
import { JsonObjectPipe } from '../core/pipes.ts';

@Controller('echo')
export class EchoController {
  @Post()
  @HttpCode(200)
  @Consumes('application/json')
  echo(@Body(JsonObjectPipe) body: Record<string, unknown>): Record<string, unknown> {
    return body;
  }
}
