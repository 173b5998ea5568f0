import { CheckFailed, expectEqual, expectJson } from '../expect.ts';
import { sessionLogin } from './auth.ts';
import type { Check, CheckContext } from './context.ts';
import {
  bearer,
  groupSql,
  groupState,
  JSON_TYPE,
  refused,
  sendCountingAll,
} from './group-support.ts';
import { expectRedisCommands, expectStatements } from './oracle.ts';

/**
 * Scenario 19 (`flow` group): over a session of author 3 (from /auth/session/login), the list,
 * read and retitle of its own posts against the posts table — 1 statement and one Redis GET
 * each — the read of the write, another author's post answered 404 and left alone, the session
 * checked before parameters and body are validated (401 even for otherwise bad requests), and
 * the session refused after logout.
 */
const AUTHOR = 3;
const OTHER_AUTHOR = 4;

interface Post {
  id: number;
  authorId: number;
  title: string;
  body: string;
  viewCount: number;
}

const POST_SQL = `SELECT id::int AS id, author_id::int AS "authorId", title, body,
  view_count AS "viewCount" FROM posts`;

function token(ctx: CheckContext): string {
  const flowToken = groupState(ctx).flowToken;
  if (!flowToken) throw new CheckFailed('expected a session from flow.login (it failed)');
  return flowToken;
}

const postsOf = (ctx: CheckContext, author: number) =>
  groupSql<Post>(ctx, `${POST_SQL} WHERE author_id = $1 ORDER BY id`, [author]);

async function firstPostOf(ctx: CheckContext, author: number): Promise<Post> {
  const [post] = await postsOf(ctx, author);
  if (!post) throw new CheckFailed(`expected posts of author ${author} in the seeded table`);
  return post;
}

const summary = ({ id, title, viewCount }: Post) => ({ id, title, viewCount });

/** One request of the flow: 1 statement and exactly one Redis GET (the session). */
function expectFlowWork(what: string, counted: Awaited<ReturnType<typeof sendCountingAll>>) {
  expectStatements(what, counted.statements, 1);
  expectRedisCommands(what, counted.redis, { get: 1 });
}

export const flowHappyPath: Check[] = [
  {
    id: 'flow.login',
    description: `POST /auth/session/login as author ${AUTHOR} gives the flow's session`,
    async run(ctx) {
      groupState(ctx).flowToken = (await sessionLogin(ctx, `author${AUTHOR}@example.com`)).token;
    },
  },
  {
    id: 'flow.list',
    description: "GET /flow/posts answers the session author's posts by id",
    async run(ctx) {
      const counted = await sendCountingAll(ctx, 'GET', '/flow/posts', {
        headers: bearer(token(ctx)),
      });
      const body = expectJson(ctx.validators, counted.res, {
        status: 200,
        operation: ['get', '/flow/posts'],
      });
      expectEqual('the posts', { items: (await postsOf(ctx, AUTHOR)).map(summary) }, body);
      expectFlowWork('GET /flow/posts', counted);
    },
  },
  {
    id: 'flow.list.page',
    description: 'GET /flow/posts?skip=2&size=3 answers posts 3–5 of the author',
    async run(ctx) {
      const res = await ctx.client.send({
        method: 'GET',
        path: '/flow/posts?skip=2&size=3',
        headers: bearer(token(ctx)),
      });
      const body = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['get', '/flow/posts'],
      });
      expectEqual(
        'the page',
        { items: (await postsOf(ctx, AUTHOR)).slice(2, 5).map(summary) },
        body,
      );
    },
  },
  {
    id: 'flow.read',
    description: 'GET /flow/posts/{id} answers one of the author’s posts',
    async run(ctx) {
      const post = await firstPostOf(ctx, AUTHOR);
      const counted = await sendCountingAll(ctx, 'GET', `/flow/posts/${post.id}`, {
        headers: bearer(token(ctx)),
      });
      const body = expectJson(ctx.validators, counted.res, {
        status: 200,
        operation: ['get', '/flow/posts/{id}'],
      });
      expectEqual('the post', post, body);
      expectFlowWork('GET /flow/posts/{id}', counted);
    },
  },
  {
    id: 'flow.retitle.read-your-write',
    description: 'PATCH /flow/posts/{id} stores the title in 1 statement; the next read answers it',
    async run(ctx) {
      const post = await firstPostOf(ctx, AUTHOR);
      const title = `Flow ${groupState(ctx).runId}`;
      const counted = await sendCountingAll(ctx, 'PATCH', `/flow/posts/${post.id}`, {
        headers: { ...bearer(token(ctx)), ...JSON_TYPE },
        body: JSON.stringify({ title }),
      });
      const body = expectJson(ctx.validators, counted.res, {
        status: 200,
        operation: ['patch', '/flow/posts/{id}'],
      });
      expectEqual('the updated post', { ...post, title }, body);
      expectFlowWork('PATCH /flow/posts/{id}', counted);
      expectEqual('the stored post', { ...post, title }, (await postsOf(ctx, AUTHOR))[0]);
      const again = await ctx.client.send({
        method: 'GET',
        path: `/flow/posts/${post.id}`,
        headers: bearer(token(ctx)),
      });
      expectEqual(
        'the read after the write',
        { ...post, title },
        expectJson(ctx.validators, again, { status: 200, operation: ['get', '/flow/posts/{id}'] }),
      );
    },
  },
  {
    id: 'flow.other-author-404',
    description: "another author's post is 404 to read and to retitle, and stays unchanged",
    async run(ctx) {
      const theirs = await firstPostOf(ctx, OTHER_AUTHOR);
      const read = await ctx.client.send({
        method: 'GET',
        path: `/flow/posts/${theirs.id}`,
        headers: bearer(token(ctx)),
      });
      expectJson(ctx.validators, read, {
        status: 404,
        operation: ['get', '/flow/posts/{id}'],
        code: 'not_found',
      });
      const patch = await ctx.client.send({
        method: 'PATCH',
        path: `/flow/posts/${theirs.id}`,
        headers: { ...bearer(token(ctx)), ...JSON_TYPE },
        body: JSON.stringify({ title: 'Not Mine' }),
      });
      expectJson(ctx.validators, patch, {
        status: 404,
        operation: ['patch', '/flow/posts/{id}'],
        code: 'not_found',
      });
      expectEqual('their post', theirs, await firstPostOf(ctx, OTHER_AUTHOR));
    },
  },
];

const NO_SESSION: Array<[string, 'GET' | 'PATCH', string, string | undefined]> = [
  ['list', 'GET', '/flow/posts', undefined],
  ['list-bad-size', 'GET', '/flow/posts?size=0', undefined],
  ['read', 'GET', '/flow/posts/1', undefined],
  ['read-bad-id', 'GET', '/flow/posts/abc', undefined],
  ['retitle', 'PATCH', '/flow/posts/1', JSON.stringify({ title: 'x' })],
  // A body the framework cannot parse may be refused before the session is read; one that
  // parses but is invalid may not.
  ['retitle-invalid-title', 'PATCH', '/flow/posts/1', JSON.stringify({ title: '' })],
];

const withSession = (ctx: CheckContext) => bearer(token(ctx));

export const flowBadInput: Check[] = [
  ...NO_SESSION.flatMap(([name, method, path, body]) =>
    [
      ['no-session', {}],
      ['unknown-session', bearer('C'.repeat(43))],
    ].map(([kind, headers]) =>
      refused(`flow.${name}.${kind}-401`, `${method} ${path} with ${kind} answers 401 first`, {
        method,
        path,
        operation: path.startsWith('/flow/posts/') ? '/flow/posts/{id}' : '/flow/posts',
        status: 401,
        code: 'unauthorized',
        headers: headers as Record<string, string>,
        ...(body !== undefined ? { body } : {}),
      }),
    ),
  ),
  ...(
    [
      ['list.size-zero', 'GET', '/flow/posts?size=0', undefined, 400, 'validation_failed'],
      ['list.skip-negative', 'GET', '/flow/posts?skip=-1', undefined, 400, 'validation_failed'],
      ['read.id-non-numeric', 'GET', '/flow/posts/abc', undefined, 400, 'validation_failed'],
      ['read.id-zero', 'GET', '/flow/posts/0', undefined, 400, 'validation_failed'],
      ['read.unknown-404', 'GET', '/flow/posts/2147483647', undefined, 404, 'not_found'],
      ['retitle.empty-title', 'PATCH', '/flow/posts/1', '{"title":""}', 400, 'validation_failed'],
      [
        'retitle.long-title',
        'PATCH',
        '/flow/posts/1',
        JSON.stringify({ title: 'x'.repeat(201) }),
        400,
        'validation_failed',
      ],
      [
        'retitle.extra-property',
        'PATCH',
        '/flow/posts/1',
        JSON.stringify({ title: 'x', body: 'y' }),
        400,
        'validation_failed',
      ],
      [
        'retitle.nul-in-title',
        'PATCH',
        '/flow/posts/1',
        JSON.stringify({ title: 'Nul\u0000Title' }),
        400,
        'validation_failed',
      ],
      ['retitle.malformed-json', 'PATCH', '/flow/posts/1', '{"title":', 400, 'invalid_json'],
    ] as const
  ).map(([name, method, path, body, status, code]) =>
    refused(`flow.${name}`, `${method} ${path} (${name}) answers ${status}`, {
      method,
      path,
      operation: path.startsWith('/flow/posts/') ? '/flow/posts/{id}' : '/flow/posts',
      status,
      code,
      headers: withSession,
      ...(body !== undefined ? { body } : {}),
    }),
  ),
  refused('flow.retitle.not-json', 'PATCH /flow/posts/1 as text/plain answers 415', {
    method: 'PATCH',
    path: '/flow/posts/1',
    operation: '/flow/posts/{id}',
    status: 415,
    code: 'unsupported_media_type',
    headers: (ctx) => ({ ...withSession(ctx), 'content-type': 'text/plain' }),
    body: JSON.stringify({ title: 'x' }),
  }),
  {
    id: 'flow.logout-ends-session',
    description: "after POST /auth/session/logout the flow's session is refused (401)",
    async run(ctx) {
      const logout = await ctx.client.send({
        method: 'POST',
        path: '/auth/session/logout',
        headers: bearer(token(ctx)),
      });
      expectJson(ctx.validators, logout, {
        status: 200,
        operation: ['post', '/auth/session/logout'],
      });
      const res = await ctx.client.send({
        method: 'GET',
        path: '/flow/posts',
        headers: bearer(token(ctx)),
      });
      expectJson(ctx.validators, res, {
        status: 401,
        operation: ['get', '/flow/posts'],
        code: 'unauthorized',
      });
    },
  },
];

export const FLOW_CHECKS: readonly Check[] = [...flowHappyPath, ...flowBadInput];
