import { loadEchoPayload } from '../../contract/index.ts';
import { allowedMethods } from '../../contract/routes.ts';
import { expectEqual, expectJson, expectThat } from '../expect.ts';
import { jsonObjectOfSize } from '../payloads.ts';
import { type Check, JSON_HEADERS, send } from './context.ts';

/** Scenarios 01, 02 and 05, the lab's /meta, and routing. */
export const basicHappyPath: Check[] = [
  {
    id: 'health.ok',
    description: 'GET /health answers 200 {"status":"ok"}',
    async run(ctx) {
      const res = await send(ctx, 'GET', '/health');
      expectJson(ctx.validators, res, { status: 200, operation: ['get', '/health'] });
    },
  },
  {
    id: 'meta.ok',
    description: 'GET /meta answers 200 with the Meta schema',
    async run(ctx) {
      const res = await send(ctx, 'GET', '/meta');
      expectJson(ctx.validators, res, { status: 200, operation: ['get', '/meta'] });
    },
  },
  {
    id: 'echo.round-trip',
    description: 'POST /echo with the benchmark payload answers 200 with the same JSON',
    async run(ctx) {
      const payload = loadEchoPayload();
      const res = await send(ctx, 'POST', '/echo', {
        headers: JSON_HEADERS,
        body: JSON.stringify(payload),
      });
      const body = expectJson(ctx.validators, res, { status: 200, operation: ['post', '/echo'] });
      expectEqual('the echoed body', payload, body);
    },
  },
  {
    id: 'external.ok',
    description: 'GET /external answers 200 with the upstream payload, unchanged',
    async run(ctx) {
      const res = await send(ctx, 'GET', '/external');
      const body = expectJson(ctx.validators, res, {
        status: 200,
        operation: ['get', '/external'],
      });
      expectEqual('the upstream payload', ctx.options.upstreamPayload, body);
    },
  },
];

export const echoBadInput: Check[] = [
  {
    id: 'echo.malformed-json-400',
    description: 'POST /echo with malformed JSON answers 400 invalid_json',
    async run(ctx) {
      const res = await send(ctx, 'POST', '/echo', {
        headers: JSON_HEADERS,
        body: '{"order": [1, 2',
      });
      expectJson(ctx.validators, res, {
        status: 400,
        operation: ['post', '/echo'],
        code: 'invalid_json',
      });
    },
  },
  {
    id: 'echo.non-object-400',
    description: 'POST /echo with a JSON array answers 400 validation_failed',
    async run(ctx) {
      const res = await send(ctx, 'POST', '/echo', { headers: JSON_HEADERS, body: '[1,2,3]' });
      expectJson(ctx.validators, res, {
        status: 400,
        operation: ['post', '/echo'],
        code: 'validation_failed',
      });
    },
  },
  {
    id: 'echo.proto-keys-round-trip',
    description:
      'POST /echo with __proto__ and constructor keys (at any depth) answers 200 with exactly those keys, and pollutes nothing',
    async run(ctx) {
      const text =
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},' +
        '"nested":{"__proto__":[1,2],"list":[{"constructor":"x","__proto__":null}]}}';
      const res = await send(ctx, 'POST', '/echo', { headers: JSON_HEADERS, body: text });
      const body = expectJson(ctx.validators, res, { status: 200, operation: ['post', '/echo'] });
      // JSON.parse makes __proto__ an own key here too, so the comparison sees every key.
      expectEqual('the echoed body', JSON.parse(text), body);
      const after = await send(ctx, 'POST', '/echo', { headers: JSON_HEADERS, body: '{}' });
      const empty = expectJson(ctx.validators, after, {
        status: 200,
        operation: ['post', '/echo'],
      });
      expectEqual('the echo of {} afterwards (a polluted prototype would show)', {}, empty);
    },
  },
  {
    id: 'echo.wrong-content-type-415',
    description: 'POST /echo with Content-Type text/plain answers 415',
    async run(ctx) {
      const res = await send(ctx, 'POST', '/echo', {
        headers: { 'content-type': 'text/plain' },
        body: '{"a":1}',
      });
      expectJson(ctx.validators, res, {
        status: 415,
        operation: ['post', '/echo'],
        code: 'unsupported_media_type',
      });
    },
  },
  {
    id: 'echo.body-too-large-413',
    description: 'POST /echo with a JSON body of 1 MiB + 1 byte answers 413',
    async run(ctx) {
      const body = jsonObjectOfSize(1024 * 1024 + 1);
      const res = await ctx.client.sendStreaming({
        method: 'POST',
        path: '/echo',
        headers: JSON_HEADERS,
        contentLength: body.length,
        chunks: [body],
      });
      expectJson(ctx.validators, res, {
        status: 413,
        operation: ['post', '/echo'],
        code: 'payload_too_large',
      });
    },
  },
];

export const routingBadInput: Check[] = [
  {
    id: 'routes.unknown-route-404',
    description: 'GET on a route the contract does not have answers 404 not_found',
    async run(ctx) {
      const res = await send(ctx, 'GET', '/no-such-route');
      expectJson(ctx.validators, res, { status: 404, schema: 'NotFoundError', code: 'not_found' });
    },
  },
  {
    id: 'routes.undeclared-method-405',
    description:
      'a method a contract path lacks (DELETE, GET, TRACE, QUERY, PATCH, PUT, OPTIONS) answers 405 method_not_allowed with Allow naming its methods',
    async run(ctx) {
      for (const [method, path] of [
        ['DELETE', '/users'],
        ['GET', '/echo'],
        ['TRACE', '/health'],
        ['QUERY', '/echo'],
        ['PATCH', '/users/1'],
        ['PUT', '/upload'],
        ['OPTIONS', '/users'],
      ] as const) {
        const res = await ctx.client.send({ method, path });
        try {
          expectJson(ctx.validators, res, {
            status: 405,
            schema: 'MethodNotAllowedError',
            code: 'method_not_allowed',
          });
          expectAllow(res.headers.allow, allowedMethods(path) ?? []);
        } catch (error) {
          (error as Error).message = `${method} ${path}: ${(error as Error).message}`;
          throw error;
        }
      }
    },
  },
  {
    id: 'routes.head-like-get',
    description: 'HEAD /health answers 200 without a body; HEAD /echo (no GET) answers 405',
    async run(ctx) {
      const head = await ctx.client.send({ method: 'HEAD', path: '/health' });
      expectThat(head.status === 200, `HEAD /health: expected status 200, received ${head.status}`);
      expectThat(
        head.body.length === 0,
        `HEAD /health: expected no body, received ${head.body.length} bytes`,
      );
      const echo = await ctx.client.send({ method: 'HEAD', path: '/echo' });
      expectThat(echo.status === 405, `HEAD /echo: expected status 405, received ${echo.status}`);
      expectAllow(echo.headers.allow, ['POST']);
    },
  },
];

/** `Allow` lists exactly `expected` (any order, comma-separated). */
function expectAllow(header: string | undefined, expected: readonly string[]): void {
  const listed = (header ?? '').split(',').map((method) => method.trim().toUpperCase());
  expectEqual(
    `the Allow header (${JSON.stringify(header ?? null)})`,
    [...expected].sort(),
    listed.filter(Boolean).sort(),
  );
}

export const robustness: Check[] = [
  {
    id: 'robustness.health-after-bad-input',
    description: 'after all the bad input, GET /health still answers 200',
    async run(ctx) {
      const res = await send(ctx, 'GET', '/health');
      expectJson(ctx.validators, res, { status: 200, operation: ['get', '/health'] });
    },
  },
];
