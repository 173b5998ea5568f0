import type pg from 'pg';

/**
 * Scenario 09 on raw node-postgres: the same page of `users` (ordered by id) fetched two ways.
 *   offset: `ORDER BY id LIMIT $size OFFSET $skip` — the server walks and discards `skip` rows.
 *   cursor: `WHERE id > $after ORDER BY id LIMIT $size` — an index seek straight to the page.
 * Both return identical rows for the same page (ids are dense from the fixture), which the
 * tests check: the comparison is about the access path, not about different work.
 */
export interface PageRow {
  id: number;
  name: string;
  email: string;
  createdAt: string;
}

interface Row {
  id: string;
  name: string;
  email: string;
  created_at: Date;
}

const COLUMNS = 'id, name, email, created_at';
const toRow = (row: Row): PageRow => ({
  id: Number(row.id),
  name: row.name,
  email: row.email,
  createdAt: row.created_at.toISOString(),
});

export async function offsetPage(
  db: pg.Pool | pg.Client,
  skip: number,
  size: number,
): Promise<PageRow[]> {
  const { rows } = await db.query<Row>({
    name: 'users-offset-page',
    text: `SELECT ${COLUMNS} FROM users ORDER BY id LIMIT $1 OFFSET $2`,
    values: [size, skip],
  });
  return rows.map(toRow);
}

/** Keyset page: the `size` rows after id `after` (0 = the first page). */
export async function cursorPage(
  db: pg.Pool | pg.Client,
  after: number,
  size: number,
): Promise<PageRow[]> {
  const { rows } = await db.query<Row>({
    name: 'users-cursor-page',
    text: `SELECT ${COLUMNS} FROM users WHERE id > $1 ORDER BY id LIMIT $2`,
    values: [after, size],
  });
  return rows.map(toRow);
}
