import { Module } from '@nestjs/common';
import { UsersController } from './users.controller.ts';
import { UsersRepository } from './users.repository.ts';
import { UsersService } from './users.service.ts';

@Module({ controllers: [UsersController], providers: [UsersService, UsersRepository] })
export class UsersModule {}
