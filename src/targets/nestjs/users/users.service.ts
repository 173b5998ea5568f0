import { Injectable } from '@nestjs/common';
import type { User, UsersPage } from '../../../data/pg/users.ts';
import type { NewUser } from '../../shared/validation.ts';
import { UsersRepository } from './users.repository.ts';

@Injectable()
export class UsersService {
  constructor(private readonly repository: UsersRepository) {}

  list(limit: number, offset: number): Promise<UsersPage> {
    return this.repository.findPage(limit, offset);
  }

  get(id: number): Promise<User> {
    return this.repository.findById(id);
  }

  create(user: NewUser): Promise<User> {
    return this.repository.insert(user);
  }
}
