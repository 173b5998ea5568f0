import type pg from 'pg';
import { checkNonNegative, checkPageSize } from '../errors.ts';
import type { AuthorPost, DataLayer, PostSummary } from '../types.ts';

/**
 * Scenarios 16 and 19 on raw pg: the authors as accounts (login by email) and an author's own
 * posts (list, read, retitle), each one named prepared statement. "Own" is part of every WHERE:
 * another author's post is simply not found.
 */
interface PostRow {
  id: number;
  author_id: number;
  title: string;
  body: string;
  view_count: number;
}

const POST_COLUMNS = 'id, author_id, title, body, view_count';

const toPost = (row: PostRow): AuthorPost => ({
  id: row.id,
  authorId: row.author_id,
  title: row.title,
  body: row.body,
  viewCount: row.view_count,
});

export function pgAccounts(
  pool: pg.Pool,
): Pick<DataLayer, 'accountByEmail' | 'postsOfAuthor' | 'postOfAuthor' | 'retitlePost'> {
  return {
    async accountByEmail(email) {
      const { rows } = await pool.query<{ id: number; email: string; password_hash: string }>({
        name: 'dl-account-by-email',
        text: 'SELECT id, email, password_hash FROM authors WHERE email = $1',
        values: [email],
      });
      const row = rows[0];
      return row && { id: row.id, email: row.email, passwordHash: row.password_hash };
    },
    async postsOfAuthor(authorId, skip, size) {
      checkPageSize(size);
      checkNonNegative('skip', skip);
      const { rows } = await pool.query<{ id: number; title: string; view_count: number }>({
        name: 'dl-posts-of-author-page',
        text: `SELECT id, title, view_count FROM posts WHERE author_id = $1
                ORDER BY id LIMIT $2 OFFSET $3`,
        values: [authorId, size, skip],
      });
      return rows.map(
        (row): PostSummary => ({ id: row.id, title: row.title, viewCount: row.view_count }),
      );
    },
    async postOfAuthor(authorId, postId) {
      const { rows } = await pool.query<PostRow>({
        name: 'dl-post-of-author',
        text: `SELECT ${POST_COLUMNS} FROM posts WHERE id = $1 AND author_id = $2`,
        values: [postId, authorId],
      });
      return rows[0] && toPost(rows[0]);
    },
    async retitlePost(authorId, postId, title) {
      const { rows } = await pool.query<PostRow>({
        name: 'dl-post-retitle',
        text: `UPDATE posts SET title = $3 WHERE id = $1 AND author_id = $2
               RETURNING ${POST_COLUMNS}`,
        values: [postId, authorId, title],
      });
      return rows[0] && toPost(rows[0]);
    },
  };
}
