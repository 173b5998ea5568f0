import { Module } from '@nestjs/common';
import { ExternalController } from './external.controller.ts';
import { ExternalService } from './external.service.ts';

@Module({ controllers: [ExternalController], providers: [ExternalService] })
export class ExternalModule {}
