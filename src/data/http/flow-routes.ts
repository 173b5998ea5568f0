import type { Principal } from '../../targets/shared/auth.ts';
import { HttpError } from '../../targets/shared/errors.ts';
import { hasNul } from '../../targets/shared/validation.ts';
import type { AuthorPost, DataLayer } from '../types.ts';
import { intParam, type OffsetArgs, object, withDataErrors } from './db-routes.ts';

/**
 * The `/flow/…` routes of scenario 19, framework-neutral (see db-routes.ts). Every handler runs
 * after the framework's session check, with the session's principal: its subject is the author
 * whose posts these are, so another author's post is simply not found.
 *
 *   GET   /flow/posts?skip&size        → 200 { items: PostSummary[] }
 *   GET   /flow/posts/{id}             → 200 Post
 *   PATCH /flow/posts/{id}  { title }  → 200 Post
 */
export const POST_ID = { min: 1, max: 2_147_483_647 } as const;
export const POST_TITLE_MAX = 200;

export const parsePostId = (raw: unknown): number => intParam('id', raw, POST_ID);

/** `{ title }`: 1–200 characters without U+0000 (PostgreSQL text cannot hold it), nothing else. */
export function parseRetitle(body: unknown): string {
  const { title } = object(body, 'body', ['title']);
  if (
    typeof title !== 'string' ||
    title.length < 1 ||
    title.length > POST_TITLE_MAX ||
    hasNul(title)
  ) {
    throw new HttpError(
      'validation_failed',
      `title must be a string of 1 to ${POST_TITLE_MAX} characters without U+0000`,
    );
  }
  return title;
}

export function flowOperations(layer: DataLayer) {
  const author = (principal: Principal) => Number(principal.subject);
  const found =
    (id: number) =>
    (post: AuthorPost | undefined): AuthorPost => {
      if (!post) throw new HttpError('not_found', `post ${id} not found`);
      return post;
    };
  const call = withDataErrors;
  return {
    list: (principal: Principal, { skip, size }: OffsetArgs) =>
      call(async () => ({ items: await layer.postsOfAuthor(author(principal), skip, size) })),
    read: (principal: Principal, id: number) =>
      call(() => layer.postOfAuthor(author(principal), id).then(found(id))),
    retitle: (principal: Principal, id: number, title: string) =>
      call(() => layer.retitlePost(author(principal), id, title).then(found(id))),
  };
}

export type FlowOperations = ReturnType<typeof flowOperations>;
