import type { MikroORM } from '@mikro-orm/postgresql';
import { checkNonNegative, checkPageSize } from '../errors.ts';
import type { AuthorPost, DataLayer } from '../types.ts';
import { Author, Post } from './entities.ts';

/**
 * Scenarios 16 and 19 through MikroORM forks: the account by email (the lazy hash asked for by
 * name), the author's own posts with partial loading, and the retitle as an update QueryBuilder
 * with RETURNING (one statement, the author in its WHERE).
 */
const POST_FIELDS = ['id', 'author', 'title', 'body', 'viewCount'] as const;

interface PostRow {
  id: number | string;
  author: number | string;
  title: string;
  body: string;
  viewCount: number;
}

const toPost = (row: PostRow): AuthorPost => ({
  id: Number(row.id),
  authorId: Number(row.author),
  title: row.title,
  body: row.body,
  viewCount: row.viewCount,
});

export function mikroormAccounts(
  orm: MikroORM,
): Pick<DataLayer, 'accountByEmail' | 'postsOfAuthor' | 'postOfAuthor' | 'retitlePost'> {
  return {
    async accountByEmail(email) {
      const author = await orm.em
        .fork()
        .findOne(Author, { email }, { fields: ['id', 'email', 'passwordHash'] });
      return author
        ? { id: author.id, email: author.email, passwordHash: author.passwordHash }
        : undefined;
    },
    async postsOfAuthor(authorId, skip, size) {
      checkPageSize(size);
      checkNonNegative('skip', skip);
      const posts = await orm.em.fork().find(
        Post,
        { author: authorId },
        {
          fields: ['id', 'title', 'viewCount'],
          orderBy: { id: 'asc' },
          limit: size,
          offset: skip,
        },
      );
      return posts.map((post) => ({ id: post.id, title: post.title, viewCount: post.viewCount }));
    },
    async postOfAuthor(authorId, postId) {
      const post = await orm.em
        .fork()
        .findOne(Post, { id: postId, author: authorId }, { fields: POST_FIELDS });
      return post ? toPost({ ...post, author: post.author.id }) : undefined;
    },
    async retitlePost(authorId, postId, title) {
      const rows = await orm.em
        .fork()
        .createQueryBuilder(Post)
        .update({ title })
        .where({ id: postId, author: authorId })
        .returning([...POST_FIELDS])
        .execute('all');
      const row = (rows as unknown as PostRow[])[0];
      return row && toPost(row);
    },
  };
}
