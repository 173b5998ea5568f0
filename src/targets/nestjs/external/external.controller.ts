import { Controller, Get } from '@nestjs/common';
import { ExternalService } from './external.service.ts';

@Controller('external')
export class ExternalController {
  constructor(private readonly external: ExternalService) {}

  @Get()
  get(): Promise<unknown> {
    return this.external.fetchData();
  }
}
