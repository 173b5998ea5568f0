import type { MikroORM } from '@mikro-orm/postgresql';
import type { DataLayer, PageUser } from '../types.ts';
import { User } from './entities.ts';

/**
 * Scenarios 14–15 through MikroORM, each call in its own fork: `findOne` with the four columns
 * of the contract's User (partial loading), an update QueryBuilder with RETURNING for the rename
 * (one statement; load-modify-flush would be two, plus BEGIN/COMMIT), `find` with `$gte`/`$lt`
 * for the warm-up range.
 */
const FIELDS = ['id', 'name', 'email', 'createdAt'] as const;

const toUser = (user: { id: number; name: string; email: string; createdAt: Date }): PageUser => ({
  id: user.id,
  name: user.name,
  email: user.email,
  createdAt: user.createdAt.toISOString(),
});

export function mikroormUserReads(
  orm: MikroORM,
): Pick<DataLayer, 'userById' | 'renameUser' | 'usersInRange'> {
  return {
    async userById(id) {
      const user = await orm.em.fork().findOne(User, { id }, { fields: FIELDS });
      return user ? toUser(user) : undefined;
    },
    async renameUser(id, name) {
      const rows = await orm.em
        .fork()
        .createQueryBuilder(User)
        .update({ name })
        .where({ id })
        .returning([...FIELDS])
        .execute('all');
      const row = (
        rows as unknown as Array<{
          id: number | string;
          name: string;
          email: string;
          createdAt: Date | string;
        }>
      )[0];
      return (
        row &&
        toUser({
          id: Number(row.id),
          name: row.name,
          email: row.email,
          createdAt: new Date(row.createdAt),
        })
      );
    },
    async usersInRange(from, count) {
      const users = await orm.em
        .fork()
        .find(
          User,
          { id: { $gte: from, $lt: from + count } },
          { fields: FIELDS, orderBy: { id: 'asc' } },
        );
      return users.map(toUser);
    },
  };
}
