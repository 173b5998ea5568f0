import type { DataSource } from 'typeorm';
import { checkNonNegative, checkPageSize } from '../errors.ts';
import type { AuthorPost, DataLayer } from '../types.ts';
import { Author, Post, type PostEntity } from './entities.ts';

/**
 * Scenarios 16 and 19 through TypeORM repositories: the account by email (the hash column is
 * `select: false`, so it is asked for by name), the author's own posts by `find`, and the retitle
 * as an UpdateQueryBuilder with RETURNING (one statement, the author in its WHERE).
 */
const POST = { id: true, authorId: true, title: true, body: true, viewCount: true } as const;

const toPost = (post: Pick<PostEntity, 'id' | 'authorId' | 'title' | 'body' | 'viewCount'>) =>
  ({
    id: post.id,
    authorId: post.authorId,
    title: post.title,
    body: post.body,
    viewCount: post.viewCount,
  }) satisfies AuthorPost;

export function typeormAccounts(
  dataSource: DataSource,
): Pick<DataLayer, 'accountByEmail' | 'postsOfAuthor' | 'postOfAuthor' | 'retitlePost'> {
  const authors = dataSource.getRepository(Author);
  const posts = dataSource.getRepository(Post);
  return {
    async accountByEmail(email) {
      const author = await authors.findOne({
        select: { id: true, email: true, passwordHash: true },
        where: { email },
      });
      return author
        ? { id: author.id, email: author.email, passwordHash: author.passwordHash }
        : undefined;
    },
    async postsOfAuthor(authorId, skip, size) {
      checkPageSize(size);
      checkNonNegative('skip', skip);
      const own = await posts.find({
        select: { id: true, title: true, viewCount: true },
        where: { authorId },
        order: { id: 'ASC' },
        skip,
        take: size,
      });
      return own.map((post) => ({ id: post.id, title: post.title, viewCount: post.viewCount }));
    },
    async postOfAuthor(authorId, postId) {
      const post = await posts.findOne({ select: POST, where: { id: postId, authorId } });
      return post ? toPost(post) : undefined;
    },
    async retitlePost(authorId, postId, title) {
      const result = await posts
        .createQueryBuilder()
        .update(Post)
        .set({ title })
        .where('id = :postId AND author_id = :authorId', { postId, authorId })
        .returning(['id', 'authorId', 'title', 'body', 'viewCount'])
        .execute();
      const row = (
        result.raw as Array<{
          id: string;
          author_id: string;
          title: string;
          body: string;
          view_count: number;
        }>
      )[0];
      return (
        row &&
        toPost({
          id: Number(row.id),
          authorId: Number(row.author_id),
          title: row.title,
          body: row.body,
          viewCount: row.view_count,
        })
      );
    },
  };
}
