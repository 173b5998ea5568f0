import { randomUUID } from 'node:crypto';
import { CheckFailed, expectEqual, expectJson, expectThat } from '../expect.ts';
import { preview } from '../schemas.ts';
import { type Check, type CheckContext, JSON_HEADERS, send, type User } from './context.ts';

/** Scenarios 03 (read) and 04 (write). */

interface UsersPage {
  items: User[];
  limit: number;
  offset: number;
}

async function listUsers(ctx: CheckContext, query: string): Promise<UsersPage> {
  const res = await send(ctx, 'GET', `/users${query}`);
  return expectJson(ctx.validators, res, {
    status: 200,
    operation: ['get', '/users'],
  }) as UsersPage;
}

function expectOrderedById(items: User[]): void {
  for (let i = 1; i < items.length; i++) {
    const [previous, current] = [items[i - 1] as User, items[i] as User];
    expectThat(
      previous.id < current.id,
      `expected items ordered by id, received id ${previous.id} before id ${current.id}`,
    );
  }
}

/**
 * A user known to exist: from users.list.default, else the first of `GET /users?limit=1` read
 * leniently, so this check reports on its own endpoint rather than repeating the list's faults.
 */
async function someUser(ctx: CheckContext): Promise<User> {
  const listed = ctx.listedUsers?.[0];
  if (listed) return listed;
  const res = await send(ctx, 'GET', '/users?limit=1');
  let user: User | undefined;
  try {
    user = (JSON.parse(res.body.toString('utf8')) as UsersPage).items[0];
  } catch {
    // reported below
  }
  if (user === undefined || user === null || typeof user !== 'object' || !('id' in user)) {
    throw new CheckFailed(
      `expected GET /users?limit=1 to list a user to work with, received status ${res.status}`,
    );
  }
  return user;
}

function newUser(): { name: string; email: string } {
  const tag = randomUUID().slice(0, 8);
  return { name: `Conformance ${tag}`, email: `conformance.${Date.now()}.${tag}@example.com` };
}

export const usersHappyPath: Check[] = [
  {
    id: 'users.list.default',
    description: 'GET /users answers 200 with limit 20, offset 0 and ≤ 20 users ordered by id',
    async run(ctx) {
      const page = await listUsers(ctx, '');
      expectEqual(
        'limit/offset',
        { limit: 20, offset: 0 },
        { limit: page.limit, offset: page.offset },
      );
      expectThat(page.items.length > 0, 'expected users in the seeded table, received none');
      expectThat(page.items.length <= 20, `expected ≤ 20 items, received ${page.items.length}`);
      expectOrderedById(page.items);
      ctx.listedUsers = page.items;
    },
  },
  {
    id: 'users.list.limit-offset',
    description: 'GET /users?limit=5&offset=3 answers the 4th to 8th users of the default page',
    async run(ctx) {
      const page = await listUsers(ctx, '?limit=5&offset=3');
      expectEqual(
        'limit/offset',
        { limit: 5, offset: 3 },
        { limit: page.limit, offset: page.offset },
      );
      expectThat(page.items.length <= 5, `expected ≤ 5 items, received ${page.items.length}`);
      expectOrderedById(page.items);
      const listed = ctx.listedUsers;
      if (listed && listed.length >= 8) expectEqual('the page', listed.slice(3, 8), page.items);
    },
  },
  {
    id: 'users.list.max-limit',
    description: 'GET /users?limit=100 (the largest limit) answers 200 with ≤ 100 users',
    async run(ctx) {
      const page = await listUsers(ctx, '?limit=100');
      expectEqual('limit', 100, page.limit);
      expectThat(page.items.length <= 100, `expected ≤ 100 items, received ${page.items.length}`);
      expectOrderedById(page.items);
    },
  },
  {
    id: 'users.list.max-offset',
    description: 'GET /users?offset=10000000 (the largest offset) answers 200',
    async run(ctx) {
      const page = await listUsers(ctx, '?offset=10000000');
      expectEqual('offset', 10_000_000, page.offset);
    },
  },
  {
    id: 'users.get.ok',
    description: 'GET /users/{id} of a listed user answers 200 with that user',
    async run(ctx) {
      const user = await someUser(ctx);
      const res = await send(ctx, 'GET', `/users/${user.id}`);
      const body = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['get', '/users/{id}'],
      });
      expectEqual('the user', user, body);
    },
  },
  {
    id: 'users.get.unknown-id-404',
    description: 'GET /users/2147483647 (valid, not in the table) answers 404 not_found',
    async run(ctx) {
      const res = await send(ctx, 'GET', '/users/2147483647');
      expectJson(ctx.validators, res, {
        status: 404,
        operation: ['get', '/users/{id}'],
        code: 'not_found',
      });
    },
  },
  {
    id: 'users.create.ok',
    description: 'POST /users with a new email answers 201 with the created user',
    async run(ctx) {
      const input = newUser();
      const res = await send(ctx, 'POST', '/users', {
        headers: JSON_HEADERS,
        body: JSON.stringify(input),
      });
      const user = expectJson(ctx.validators, res, {
        status: 201,
        operation: ['post', '/users'],
      }) as User;
      expectEqual('name/email', input, { name: user.name, email: user.email });
      ctx.createdUser = user;
    },
  },
  {
    id: 'users.create.read-back',
    description: 'GET /users/{id} of the created user answers 200 with the same user',
    async run(ctx) {
      const created = ctx.createdUser;
      if (!created) throw new CheckFailed('expected a user from users.create.ok, which failed');
      const res = await send(ctx, 'GET', `/users/${created.id}`);
      const body = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['get', '/users/{id}'],
      });
      expectEqual('the user read back', created, body);
    },
  },
  {
    id: 'users.create.duplicate-email-409',
    description: 'POST /users with an email that already exists answers 409 conflict',
    async run(ctx) {
      const email = ctx.createdUser?.email ?? (await someUser(ctx)).email;
      const res = await send(ctx, 'POST', '/users', {
        headers: JSON_HEADERS,
        body: JSON.stringify({ name: 'Duplicate Email', email }),
      });
      expectJson(ctx.validators, res, {
        status: 409,
        operation: ['post', '/users'],
        code: 'conflict',
      });
    },
  },
];

/** Invalid create bodies: each must answer 400 validation_failed. */
const invalidBodies: [id: string, what: string, body: unknown][] = [
  ['wrong-types', 'a number as name and a boolean as email', { name: 42, email: true }],
  ['missing-email', 'no email', { name: 'Missing Email' }],
  ['missing-name', 'no name', { email: 'missing.name@example.com' }],
  [
    'extra-field',
    'an extra property',
    { name: 'Extra Field', email: 'extra.field@example.com', admin: true },
  ],
  ['empty-name', 'an empty name', { name: '', email: 'empty.name@example.com' }],
  [
    'name-too-long',
    'a 101-character name',
    { name: 'n'.repeat(101), email: 'long.name@example.com' },
  ],
  ['bad-email', 'an email without @', { name: 'Bad Email', email: 'not-an-email' }],
  [
    'email-too-long',
    'a 255-character email',
    {
      name: 'Long Email',
      email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`,
    },
  ],
  ['non-object', 'a JSON array', [{ name: 'In Array', email: 'in.array@example.com' }]],
  // PostgreSQL text cannot hold U+0000: refused up front, never a 500 from the INSERT.
  ['nul-in-name', 'a U+0000 in the name', { name: 'Nul\u0000Name', email: 'nul.name@example.com' }],
];

/** Query and path parameters outside the contract's ranges: each must answer 400. */
const invalidLimits = ['-1', '0', 'abc', '1.5', '101', '99999999999999999999', ''];
const invalidOffsets = ['-1', 'abc', '0.5', '10000001', '99999999999999999999', ''];
const invalidIds = ['-1', '0', 'abc', '1.5', '2147483648', '99999999999999999999'];

const valueName: Record<string, string> = {
  '-1': 'negative',
  '0': 'zero',
  abc: 'non-numeric',
  '1.5': 'fractional',
  '0.5': 'fractional',
  '101': 'too-large',
  '10000001': 'too-large',
  '2147483648': 'too-large',
  '99999999999999999999': 'huge',
  '': 'empty',
};

function parameterCheck(param: 'limit' | 'offset' | 'id', value: string): Check {
  const path = param === 'id' ? `/users/${value}` : `/users?${param}=${value}`;
  const operation: ['get', string] = ['get', param === 'id' ? '/users/{id}' : '/users'];
  return {
    id: `users.${param === 'id' ? 'get.id' : `list.${param}`}-${valueName[value]}-400`,
    description: `GET ${path} answers 400 validation_failed`,
    async run(ctx) {
      const res = await send(ctx, 'GET', path);
      expectJson(ctx.validators, res, { status: 400, operation, code: 'validation_failed' });
    },
  };
}

export const usersBadInput: Check[] = [
  {
    id: 'users.create.malformed-json-400',
    description: 'POST /users with malformed JSON answers 400 invalid_json',
    async run(ctx) {
      const res = await send(ctx, 'POST', '/users', {
        headers: JSON_HEADERS,
        body: '{"name": "x",',
      });
      expectJson(ctx.validators, res, {
        status: 400,
        operation: ['post', '/users'],
        code: 'invalid_json',
      });
    },
  },
  ...invalidBodies.map(
    ([id, what, body]): Check => ({
      id: `users.create.${id}-400`,
      description: `POST /users with ${what} answers 400 validation_failed`,
      async run(ctx) {
        const res = await send(ctx, 'POST', '/users', {
          headers: JSON_HEADERS,
          body: JSON.stringify(body),
        });
        try {
          expectJson(ctx.validators, res, {
            status: 400,
            operation: ['post', '/users'],
            code: 'validation_failed',
          });
        } catch (error) {
          (error as Error).message += `\nsent: ${preview(body)}`;
          throw error;
        }
      },
    }),
  ),
  {
    id: 'users.create.wrong-content-type-415',
    description: 'POST /users with Content-Type text/plain answers 415',
    async run(ctx) {
      const res = await send(ctx, 'POST', '/users', {
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify(newUser()),
      });
      expectJson(ctx.validators, res, {
        status: 415,
        operation: ['post', '/users'],
        code: 'unsupported_media_type',
      });
    },
  },
  ...invalidLimits.map((value) => parameterCheck('limit', value)),
  ...invalidOffsets.map((value) => parameterCheck('offset', value)),
  ...invalidIds.map((value) => parameterCheck('id', value)),
];
