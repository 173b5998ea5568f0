import { Between, type DataSource } from 'typeorm';
import type { DataLayer, PageUser } from '../types.ts';
import { User, type UserEntity } from './entities.ts';

/**
 * Scenarios 14–15 through TypeORM: `findOne` by primary key, an UpdateQueryBuilder with
 * RETURNING for the rename (one statement: `save()` would read the entity first), `find` with
 * `Between` for the warm-up range.
 */
const SELECT = { id: true, name: true, email: true, createdAt: true } as const;

const toUser = (user: Pick<UserEntity, 'id' | 'name' | 'email' | 'createdAt'>): PageUser => ({
  id: user.id,
  name: user.name,
  email: user.email,
  createdAt: user.createdAt.toISOString(),
});

export function typeormUserReads(
  dataSource: DataSource,
): Pick<DataLayer, 'userById' | 'renameUser' | 'usersInRange'> {
  const users = dataSource.getRepository(User);
  return {
    async userById(id) {
      const user = await users.findOne({ select: SELECT, where: { id } });
      return user ? toUser(user) : undefined;
    },
    async renameUser(id, name) {
      // returning() takes property names (it drops anything else silently); raw rows carry
      // column names and untransformed values.
      const result = await users
        .createQueryBuilder()
        .update(User)
        .set({ name })
        .where('id = :id', { id })
        .returning(['id', 'name', 'email', 'createdAt'])
        .execute();
      const row = (
        result.raw as Array<{ id: string; name: string; email: string; created_at: Date }>
      )[0];
      return row && toUser({ ...row, id: Number(row.id), createdAt: row.created_at });
    },
    async usersInRange(from, count) {
      const rows = await users.find({
        select: SELECT,
        where: { id: Between(from, from + count - 1) },
        order: { id: 'ASC' },
      });
      return rows.map(toUser);
    },
  };
}
