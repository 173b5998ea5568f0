import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import type { User, UsersPage } from '../../../data/pg/users.ts';
import { LIMIT, type NewUser, OFFSET, USER_ID } from '../../shared/validation.ts';
import { Consumes } from '../core/consumes.ts';
import { IntegerParamPipe } from '../core/pipes.ts';
import { NewUserPipe } from './new-user.pipe.ts';
import { UsersService } from './users.service.ts';

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(
    @Query('limit', new IntegerParamPipe('limit', LIMIT)) limit: number,
    @Query('offset', new IntegerParamPipe('offset', OFFSET)) offset: number,
  ): Promise<UsersPage> {
    return this.users.list(limit, offset);
  }

  @Get(':id')
  get(@Param('id', new IntegerParamPipe('id', USER_ID)) id: number): Promise<User> {
    return this.users.get(id);
  }

  @Post()
  @Consumes('application/json')
  create(@Body(NewUserPipe) user: NewUser): Promise<User> {
    return this.users.create(user);
  }
}
