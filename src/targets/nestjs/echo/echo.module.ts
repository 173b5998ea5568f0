import { Module } from '@nestjs/common';
import { EchoController } from './echo.controller.ts';

@Module({ controllers: [EchoController] })
export class EchoModule {}
