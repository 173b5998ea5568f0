import type pg from 'pg';
import type { DataLayer, PageUser } from '../types.ts';

/**
 * Scenarios 14–15 on raw pg: the primary-key read the cache sits in front of, the rename that
 * invalidates it, and the range read of the warm-up. Named prepared statements, like the rest of
 * the layer; the pool's type parsers give numbers for ids and ISO strings for timestamps.
 */
const COLUMNS = 'id, name, email, created_at';

interface UserRow {
  id: number;
  name: string;
  email: string;
  created_at: string;
}

const toUser = (row: UserRow): PageUser => ({
  id: row.id,
  name: row.name,
  email: row.email,
  createdAt: row.created_at,
});

export function pgUserReads(
  pool: pg.Pool,
): Pick<DataLayer, 'userById' | 'renameUser' | 'usersInRange'> {
  return {
    async userById(id) {
      const { rows } = await pool.query<UserRow>({
        name: 'dl-user-by-id',
        text: `SELECT ${COLUMNS} FROM users WHERE id = $1`,
        values: [id],
      });
      return rows[0] && toUser(rows[0]);
    },
    async renameUser(id, name) {
      const { rows } = await pool.query<UserRow>({
        name: 'dl-user-rename',
        text: `UPDATE users SET name = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
        values: [id, name],
      });
      return rows[0] && toUser(rows[0]);
    },
    async usersInRange(from, count) {
      const { rows } = await pool.query<UserRow>({
        name: 'dl-users-in-range',
        text: `SELECT ${COLUMNS} FROM users WHERE id >= $1 AND id < $1 + $2 ORDER BY id`,
        values: [from, count],
      });
      return rows.map(toUser);
    },
  };
}
