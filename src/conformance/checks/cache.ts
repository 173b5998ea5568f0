import { CheckFailed, expectEqual, expectJson, expectThat } from '../expect.ts';
import { preview } from '../schemas.ts';
import type { Check, CheckContext } from './context.ts';
import {
  groupSql,
  groupState,
  JSON_TYPE,
  refused,
  sendCountingAll,
  USER_SQL,
} from './group-support.ts';
import { expectRedisCommands, expectStatements } from './oracle.ts';

/**
 * Scenarios 14–15 (`cache` group): cache-aside on `user:{id}` checked on both servers — the
 * answer equals the database row, a hit is one Redis GET and no statement, a miss is GET, one
 * statement and SET with the configured TTL, the forced miss deletes first, a hit is really
 * served from Redis (a value planted there comes back), nothing is cached for an unknown id, the
 * warm-up writes exactly the range, the flush deletes `user:*` and nothing else, and after a
 * PATCH the entry is gone and the next read answers the new name.
 */
interface User {
  id: number;
  name: string;
  email: string;
  createdAt: string;
}

const key = (id: number) => `user:${id}`;

async function userAt(ctx: CheckContext, offset: number): Promise<User> {
  const [user] = await groupSql<User>(ctx, `${USER_SQL} ORDER BY id LIMIT 1 OFFSET $1`, [offset]);
  if (!user) throw new CheckFailed(`expected more than ${offset} users in the seeded table`);
  return user;
}

const userById = async (ctx: CheckContext, id: number) =>
  (await groupSql<User>(ctx, `${USER_SQL} WHERE id = $1`, [id]))[0];

async function expectStored(ctx: CheckContext, user: User): Promise<void> {
  const { redis, cacheTtlSeconds } = groupState(ctx);
  const [stored, ttl] = await Promise.all([redis.get(key(user.id)), redis.pttl(key(user.id))]);
  expectThat(stored !== null, `expected ${key(user.id)} in Redis after a miss, found none`);
  let value: unknown;
  try {
    value = JSON.parse(stored as string);
  } catch {
    throw new CheckFailed(`expected JSON in ${key(user.id)}, received ${preview(stored)}`);
  }
  expectEqual(`the value of ${key(user.id)}`, user, value);
  expectThat(
    ttl > 0 && ttl <= cacheTtlSeconds * 1000,
    `expected ${key(user.id)} to expire within LAB_CACHE_TTL_SECONDS (${cacheTtlSeconds} s), its TTL is ${ttl} ms`,
  );
}

const read = (id: number, strategy: string) => `/cache/users/${id}?strategy=${strategy}`;
const READ = '/cache/users/{id}';

function readOk(ctx: CheckContext, res: Parameters<typeof expectJson>[1]): User {
  return expectJson(ctx.validators, res, { status: 200, operation: ['get', READ] }) as User;
}

export const cacheHappyPath: Check[] = [
  {
    id: 'cache.info',
    description: 'GET /cache/info names the Redis client, its connections and the TTL',
    async run(ctx) {
      const res = await ctx.client.send({ method: 'GET', path: '/cache/info' });
      const info = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['get', '/cache/info'],
      }) as { ttlSeconds: number };
      expectEqual('ttlSeconds', groupState(ctx).cacheTtlSeconds, info.ttlSeconds);
    },
  },
  {
    id: 'cache.flush',
    description: 'POST /cache/users/flush deletes every user:* key and leaves other keys alone',
    async run(ctx) {
      const { redis, runId } = groupState(ctx);
      const other = `session:conformance-${runId}`;
      await redis.set(key(2_147_483_000), '{}', 'EX', 60);
      await redis.set(other, '{}', 'EX', 60);
      const { res, statements } = await sendCountingAll(ctx, 'POST', '/cache/users/flush');
      const body = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['post', '/cache/users/flush'],
      }) as { deleted: number };
      expectThat(body.deleted >= 1, `expected deleted ≥ 1, received ${body.deleted}`);
      expectStatements('POST /cache/users/flush', statements, 0);
      const left = await redis.keys('user:*');
      expectEqual('the user:* keys left', [], left);
      expectThat((await redis.exists(other)) === 1, `expected ${other} to survive the flush`);
      await redis.del(other);
    },
  },
  {
    id: 'cache.none',
    description: 'strategy=none reads the row: 1 statement, no Redis command, nothing stored',
    async run(ctx) {
      const user = await userAt(ctx, 4);
      const { res, statements, redis } = await sendCountingAll(ctx, 'GET', read(user.id, 'none'));
      expectEqual('the user', user, readOk(ctx, res));
      expectStatements('a read without cache', statements, 1);
      expectRedisCommands('a read without cache', redis, {});
    },
  },
  {
    id: 'cache.aside.miss-then-hit',
    description:
      'strategy=aside: a miss is GET, 1 statement, SET with the TTL; the next read is one GET, no statement',
    async run(ctx) {
      const user = await userAt(ctx, 5);
      await groupState(ctx).redis.del(key(user.id));
      const miss = await sendCountingAll(ctx, 'GET', read(user.id, 'aside'));
      expectEqual('the user', user, readOk(ctx, miss.res));
      expectStatements('a miss', miss.statements, 1);
      expectRedisCommands('a miss', miss.redis, { get: 1, set: 1 });
      await expectStored(ctx, user);
      const hit = await sendCountingAll(ctx, 'GET', read(user.id, 'aside'));
      expectEqual('the user', user, readOk(ctx, hit.res));
      expectStatements('a hit', hit.statements, 0);
      expectRedisCommands('a hit', hit.redis, { get: 1 });
    },
  },
  {
    id: 'cache.aside.hit-from-redis',
    description: 'a hit answers what Redis holds (a planted value comes back), none the database',
    async run(ctx) {
      const user = await userAt(ctx, 6);
      const planted = { ...user, name: 'Planted In Redis' };
      await groupState(ctx).redis.set(key(user.id), JSON.stringify(planted), 'EX', 60);
      const hit = await ctx.client.send({ method: 'GET', path: read(user.id, 'aside') });
      expectEqual('the cached user', planted, readOk(ctx, hit));
      const none = await ctx.client.send({ method: 'GET', path: read(user.id, 'none') });
      expectEqual('the user from the database', user, readOk(ctx, none));
      await groupState(ctx).redis.del(key(user.id));
    },
  },
  {
    id: 'cache.miss.forced',
    description:
      'strategy=miss deletes the entry first: the database row, 1 statement, DEL, GET and SET',
    async run(ctx) {
      const user = await userAt(ctx, 7);
      await groupState(ctx).redis.set(key(user.id), JSON.stringify({ ...user, name: 'Stale' }));
      const miss = await sendCountingAll(ctx, 'GET', read(user.id, 'miss'));
      expectEqual('the user', user, readOk(ctx, miss.res));
      expectStatements('a forced miss', miss.statements, 1);
      expectRedisCommands('a forced miss', miss.redis, { del: 1, get: 1, set: 1 });
      await expectStored(ctx, user);
    },
  },
  {
    id: 'cache.unknown-404-not-cached',
    description: 'an unknown id answers 404 after 1 statement and stores nothing',
    async run(ctx) {
      const id = 2_147_483_647;
      await groupState(ctx).redis.del(key(id));
      const { res, statements } = await sendCountingAll(ctx, 'GET', read(id, 'aside'));
      expectJson(ctx.validators, res, {
        status: 404,
        operation: ['get', READ],
        code: 'not_found',
      });
      expectStatements('a miss on an unknown id', statements, 1);
      expectThat(
        (await groupState(ctx).redis.exists(key(id))) === 0,
        `expected no ${key(id)} in Redis (404s are not cached)`,
      );
    },
  },
  {
    id: 'cache.warm',
    description:
      'POST /cache/users/warm stores the users of the range in 1 statement; their reads are hits',
    async run(ctx) {
      const { redis } = groupState(ctx);
      const first = await userAt(ctx, 10);
      const users = await groupSql<User>(
        ctx,
        `${USER_SQL} WHERE id >= $1 AND id < $1 + 5 ORDER BY id`,
        [first.id],
      );
      await redis.del(...users.map((u) => key(u.id)));
      const { res, statements } = await sendCountingAll(ctx, 'POST', '/cache/users/warm', {
        headers: JSON_TYPE,
        body: JSON.stringify({ from: first.id, count: 5 }),
      });
      const body = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['post', '/cache/users/warm'],
      });
      expectEqual('the result', { warmed: users.length }, body);
      expectStatements('a warm-up', statements, 1);
      for (const user of users) await expectStored(ctx, user);
      const last = users.at(-1) as User;
      const hit = await sendCountingAll(ctx, 'GET', read(last.id, 'aside'));
      expectStatements('a read of a warmed user', hit.statements, 0);
    },
  },
  {
    id: 'cache.patch.invalidates',
    description:
      'PATCH /cache/users/{id} renames in 1 statement and deletes the entry: the next read is a miss with the new name',
    async run(ctx) {
      const { redis, runId } = groupState(ctx);
      const [{ id } = { id: 0 }] = await groupSql<{ id: number }>(
        ctx,
        'SELECT max(id)::int AS id FROM users',
      );
      await ctx.client.send({ method: 'GET', path: read(id, 'aside') });
      expectThat((await redis.exists(key(id))) === 1, `expected ${key(id)} cached by a read`);
      const name = `Renamed ${runId}`;
      const patched = await sendCountingAll(ctx, 'PATCH', `/cache/users/${id}`, {
        headers: JSON_TYPE,
        body: JSON.stringify({ name }),
      });
      const body = expectJson(ctx.validators, patched.res, {
        status: 200,
        operation: ['patch', READ],
      }) as User;
      const stored = await userById(ctx, id);
      expectEqual('the renamed user', stored, body);
      expectEqual('the name in the database', name, stored?.name);
      expectStatements('a rename', patched.statements, 1);
      expectThat(
        (await redis.exists(key(id))) === 0,
        `expected ${key(id)} deleted by the PATCH (invalidation)`,
      );
      const after = await sendCountingAll(ctx, 'GET', read(id, 'aside'));
      expectEqual('the read after the PATCH (no stale read)', stored, readOk(ctx, after.res));
      expectStatements('the read after the PATCH', after.statements, 1);
    },
  },
];

const body = (value: unknown) => JSON.stringify(value);

export const cacheBadInput: Check[] = [
  ...(
    [
      ['id-non-numeric', '/cache/users/abc?strategy=aside'],
      ['id-zero', '/cache/users/0?strategy=aside'],
      ['id-huge', '/cache/users/2147483648?strategy=aside'],
      ['missing-strategy', '/cache/users/1'],
      ['unknown-strategy', '/cache/users/1?strategy=write-through'],
    ] as const
  ).map(([name, path]) =>
    refused(`cache.read.${name}`, `GET ${path} answers 400`, { path, operation: READ }),
  ),
  ...(
    [
      ['empty-name', body({ name: '' })],
      ['long-name', body({ name: 'x'.repeat(101) })],
      ['name-number', body({ name: 5 })],
      ['extra-property', body({ name: 'x', email: 'x@example.com' })],
      ['not-an-object', body(['x'])],
      // PostgreSQL text cannot hold U+0000: refused up front, never a 500 from the UPDATE.
      ['nul-in-name', body({ name: 'Nul\u0000Name' })],
    ] as const
  ).map(([name, payload]) =>
    refused(`cache.patch.${name}`, `PATCH /cache/users/1 (${name}) answers 400`, {
      method: 'PATCH',
      path: '/cache/users/1',
      operation: READ,
      body: payload,
    }),
  ),
  refused('cache.patch.malformed-json', 'PATCH with malformed JSON answers 400 invalid_json', {
    method: 'PATCH',
    path: '/cache/users/1',
    operation: READ,
    code: 'invalid_json',
    body: '{"name":',
  }),
  refused('cache.patch.not-json', 'PATCH as text/plain answers 415', {
    method: 'PATCH',
    path: '/cache/users/1',
    operation: READ,
    status: 415,
    code: 'unsupported_media_type',
    headers: { 'content-type': 'text/plain' },
    body: body({ name: 'x' }),
  }),
  refused('cache.patch.unknown-404', 'PATCH /cache/users/2147483647 answers 404', {
    method: 'PATCH',
    path: '/cache/users/2147483647',
    operation: READ,
    status: 404,
    code: 'not_found',
    body: body({ name: 'Nobody' }),
  }),
  ...(
    [
      ['count-zero', body({ from: 1, count: 0 })],
      ['count-too-large', body({ from: 1, count: 10_001 })],
      ['from-zero', body({ from: 0, count: 1 })],
      ['from-string', body({ from: '1', count: 1 })],
      ['missing-count', body({ from: 1 })],
      ['extra-property', body({ from: 1, count: 1, ttl: 5 })],
    ] as const
  ).map(([name, payload]) =>
    refused(`cache.warm.${name}`, `POST /cache/users/warm (${name}) answers 400`, {
      method: 'POST',
      path: '/cache/users/warm',
      operation: '/cache/users/warm',
      body: payload,
    }),
  ),
];

export const CACHE_CHECKS: readonly Check[] = [...cacheHappyPath, ...cacheBadInput];
