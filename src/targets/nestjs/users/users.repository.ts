import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { pgUsers, type User, type UsersPage } from '../../../data/pg/users.ts';
import type { TargetConfig } from '../../shared/config.ts';
import type { NewUser } from '../../shared/validation.ts';
import { TARGET_CONFIG } from '../tokens.ts';

/** Repository provider over the shared raw-pg data layer; owns (and closes) the pool. */
@Injectable()
export class UsersRepository implements OnApplicationShutdown {
  private readonly db: ReturnType<typeof pgUsers>;

  constructor(@Inject(TARGET_CONFIG) config: TargetConfig) {
    this.db = pgUsers(config.databaseUrl, config.dbPool);
  }

  findPage(limit: number, offset: number): Promise<UsersPage> {
    return this.db.list(limit, offset);
  }

  findById(id: number): Promise<User> {
    return this.db.get(id);
  }

  insert(user: NewUser): Promise<User> {
    return this.db.create(user);
  }

  onApplicationShutdown(): Promise<void> {
    return this.db.close();
  }
}
