import pg from 'pg';
import { HttpError } from '../../targets/shared/errors.ts';
import type { NewUser } from '../../targets/shared/validation.ts';

/** The contract's `User`. */
export interface User {
  id: number;
  name: string;
  email: string;
  createdAt: string;
}

export interface UsersPage {
  items: User[];
  limit: number;
  offset: number;
}

/** Values every data layer gives a created user (docs/contract.md). */
export const NEW_USER_DEFAULTS = { country: 'US', status: 'active', age: 30 } as const;

interface UserRow {
  id: string;
  name: string;
  email: string;
  created_at: Date;
}

const toUser = (row: UserRow): User => ({
  id: Number(row.id),
  name: row.name,
  email: row.email,
  createdAt: row.created_at.toISOString(),
});

const COLUMNS = 'id, name, email, created_at';

/** Raw node-postgres data layer: one pool, parameterized SQL, nothing else. */
export function pgUsers(databaseUrl: string, poolSize: number) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle client losing its connection must not crash the target; the next query reports it.
  pool.on('error', () => {});
  return {
    async list(limit: number, offset: number): Promise<UsersPage> {
      const { rows } = await pool.query<UserRow>(
        `SELECT ${COLUMNS} FROM users ORDER BY id LIMIT $1 OFFSET $2`,
        [limit, offset],
      );
      return { items: rows.map(toUser), limit, offset };
    },
    async get(id: number): Promise<User> {
      const { rows } = await pool.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [
        id,
      ]);
      if (!rows[0]) throw new HttpError('not_found', `user ${id} not found`);
      return toUser(rows[0]);
    },
    async create(user: NewUser): Promise<User> {
      try {
        const { rows } = await pool.query<UserRow>(
          `INSERT INTO users (name, email, country, status, age, created_at)
           VALUES ($1, $2, $3, $4, $5, now()) RETURNING ${COLUMNS}`,
          [
            user.name,
            user.email,
            NEW_USER_DEFAULTS.country,
            NEW_USER_DEFAULTS.status,
            NEW_USER_DEFAULTS.age,
          ],
        );
        return toUser(rows[0] as UserRow);
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          throw new HttpError('conflict', `a user with email ${user.email} already exists`);
        }
        throw error;
      }
    },
    close: () => pool.end(),
  };
}

export type UsersRepository = ReturnType<typeof pgUsers>;
