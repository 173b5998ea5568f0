import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHECKS, DB_CHECKS } from '../src/conformance/checks/index.ts';
import { verifyTarget } from '../src/conformance/index.ts';
import { MULTIPART_BOUNDARY } from '../src/conformance/payloads.ts';
import { startUpstream, type Upstream } from '../src/infra/upstream.ts';
import { useLab } from '../src/infra/vitest.ts';
import { type RunningTarget, startTarget } from '../src/launcher/launch.ts';
import { frameworkVersion, getTarget, REPO_ROOT, TARGETS } from '../src/launcher/registry.ts';
import { type RawResponse, rawRequest } from './support/raw-http.ts';

/**
 * The Python targets as processes: every manifest with `language: python` (so a new one is
 * covered without an edit here) passes the conformance verifier, contract and db checks with
 * their statement counts; answers undeclared methods with 405 and its `Allow`, HEAD like GET;
 * without REDIS_URL answers the Redis-backed paths of 14–19 with 404 and still serves auth;
 * gets the documented 4xx for malformed input (multipart bodies a client never sends included)
 * and keeps serving; returns the same /db values as the raw pg reference (express); survives the
 * database ending its connections; and stops on SIGTERM with status 0.
 */

const PYTHON_TARGETS = TARGETS.filter((target) => target.language === 'python').map((t) => t.name);
/** Raw pg answers are the reference for the values of scenarios 10 and 11. */
const REFERENCE = 'express';

const lab = useLab({ fixtures: ['users', 'columns', 'blog', 'bulk', 'inventory'], scale: 0.01 });
let upstream: Upstream | undefined;
let reference: RunningTarget | undefined;

beforeAll(async () => {
  if (!existsSync(join(REPO_ROOT, '.venv/bin/python'))) {
    throw new Error('the Python environment (.venv) is missing: run bash scripts/setup.sh');
  }
  upstream = await startUpstream();
  reference = await startTarget(REFERENCE, {
    DATABASE_URL: lab.pg.url,
    UPSTREAM_URL: upstream.url,
    LAB_DB_POOL: '2',
  });
});

afterAll(async () => {
  await Promise.all([reference?.stop(), upstream?.stop()]);
});

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

async function call(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; contentType?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    ...(init.body === undefined
      ? {}
      : {
          body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
          headers: { 'content-type': init.contentType ?? 'application/json' },
        }),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

function expectError(answer: Answer | RawResponse, status: number, code: string, what: string) {
  const body =
    'text' in answer ? answer.body : (JSON.parse(answer.body.toString('utf8')) as unknown);
  const type =
    'text' in answer ? answer.headers.get('content-type') : answer.headers['content-type'];
  expect({ status: answer.status, body }, what).toMatchObject({
    status,
    body: { error: { code } },
  });
  expect(type, what).toMatch(/^application\/json/);
  expect(Object.keys(body as object), what).toEqual(['error']);
  const { error } = body as { error: Record<string, unknown> };
  expect(Object.keys(error).sort(), what).toEqual(['code', 'message']);
  expect(String(error.message).length, what).toBeGreaterThan(0);
}

/** `POST /upload` as raw bytes, `Connection: close`. */
function uploadRequest(url: string, body: Buffer, contentType?: string): Buffer {
  const head =
    `POST /upload HTTP/1.1\r\nHost: ${new URL(url).host}\r\nConnection: close\r\n` +
    `Content-Type: ${contentType ?? `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`}\r\n` +
    `Content-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), body]);
}

const part = (headers: string, content: string) =>
  Buffer.from(`--${MULTIPART_BOUNDARY}\r\n${headers}\r\n\r\n${content}\r\n`);
const END = Buffer.from(`--${MULTIPART_BOUNDARY}--\r\n`);
const FILE_HEADERS =
  'Content-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream';

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each(PYTHON_TARGETS)('python target %s', (name) => {
  let target: RunningTarget | undefined;
  const url = () => (target as RunningTarget).url;

  beforeAll(async () => {
    target = await startTarget(
      name,
      { DATABASE_URL: lab.pg.url, UPSTREAM_URL: (upstream as Upstream).url, LAB_DB_POOL: '4' },
      { timeoutMs: 60_000 },
    );
  });

  afterAll(async () => {
    // The target must leave on SIGTERM by itself (graceful), with status 0.
    const stopped = await target?.stop();
    if (target) expect(stopped).toEqual({ graceful: true, exit: 0, exited: true });
  });

  test('passes the verifier: every contract and db check, statement counts included', async () => {
    const report = await verifyTarget(url(), { db: { databaseUrl: lab.pg.url } });
    expect(report.failed.map((check) => `${check.id}: ${check.detail}`)).toEqual([]);
    expect(report.passed.length).toBe(CHECKS.length + DB_CHECKS.length);
  }, 120_000);

  test('/meta names the framework, its locked version, Python and the data layer', async () => {
    const { body } = await call(url(), '/meta');
    const definition = getTarget(name);
    expect(body).toMatchObject({
      target: name,
      framework: definition.framework,
      frameworkVersion: frameworkVersion(definition),
      dataLayer: definition.dataLayer,
      runtime: 'python',
      runtimeVersion: expect.stringMatching(/^3\.11\.\d+$/),
      adapter: null,
      dbPool: 4,
    });
    expect(frameworkVersion(definition)).toMatch(/^\d+\.\d+/);
  });

  test('undeclared methods get 405 with Allow, HEAD is GET without a body, unknown paths 404', async () => {
    const cases: Array<[string, string, string[]]> = [
      ['DELETE', '/users', ['GET', 'HEAD', 'POST']],
      ['PUT', '/users/1', ['GET', 'HEAD']],
      ['GET', '/echo', ['POST']],
      ['PATCH', '/health', ['GET', 'HEAD']],
      ['OPTIONS', '/protected', ['GET', 'HEAD']],
      ['QUERY', '/db/authors', ['GET', 'HEAD']],
      ['GET', '/db/bulk/insert', ['POST']],
      ['DELETE', '/db/products/1/decrement', ['POST']],
    ];
    for (const [method, path, allowed] of cases) {
      const answer = await call(url(), path, { method });
      expectError(answer, 405, 'method_not_allowed', `${method} ${path}`);
      const allow = (answer.headers.get('allow') ?? '').split(',').map((m) => m.trim());
      expect(allow.sort(), `${method} ${path} Allow`).toEqual([...allowed].sort());
    }
    // TRACE, which fetch refuses to send.
    const trace = await rawRequest(
      url(),
      Buffer.from(
        `TRACE /meta HTTP/1.1\r\nHost: ${new URL(url()).host}\r\nConnection: close\r\n\r\n`,
      ),
    );
    expectError(trace as RawResponse, 405, 'method_not_allowed', 'TRACE /meta');
    expect(
      (trace as RawResponse).headers.allow
        ?.split(',')
        .map((m) => m.trim())
        .sort(),
    ).toEqual(['GET', 'HEAD']);
    for (const path of ['/health', '/users?limit=2', '/db/users/offset?size=2']) {
      const head = await fetch(`${url()}${path}`, { method: 'HEAD' });
      expect(head.status, `HEAD ${path}`).toBe(200);
      expect(head.headers.get('content-type'), `HEAD ${path}`).toMatch(/^application\/json/);
      expect((await head.arrayBuffer()).byteLength, `HEAD ${path}`).toBe(0);
    }
    for (const [method, path] of [
      ['GET', '/nope'],
      ['DELETE', '/nope'],
      ['GET', '/users/'],
      ['GET', '/docs'],
      ['GET', '/db/columns'],
    ] as const) {
      expectError(await call(url(), path, { method }), 404, 'not_found', `${method} ${path}`);
    }
  });

  test('without REDIS_URL: the Redis-backed paths are 404 whatever the method, auth is served', async () => {
    for (const [method, path] of [
      ['GET', '/cache/info'],
      ['GET', '/cache/users/1?strategy=none'],
      ['PATCH', '/cache/users/warm'],
      ['POST', '/auth/session/login'],
      ['POST', '/auth/session/logout'],
      ['DELETE', '/flow/posts'],
      ['GET', '/flow/posts/1'],
    ] as const) {
      expectError(await call(url(), path, { method }), 404, 'not_found', `${method} ${path}`);
    }
    expect(await call(url(), '/auth/public')).toMatchObject({
      status: 200,
      body: { subject: null, email: null },
    });
    const me = await call(url(), '/auth/jwt/me');
    expectError(me, 401, 'unauthorized', 'GET /auth/jwt/me without a token');
    expect(me.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  test('answers malformed input with the documented 4xx and keeps serving', async () => {
    const healthy = async (after: string) => {
      expect((await call(url(), '/health')).status, `GET /health after ${after}`).toBe(200);
    };
    const refused: Array<[string, Buffer, string | undefined]> = [
      [
        'malformed part headers',
        Buffer.concat([part('Not a header line', 'x'), part('Another\u0001broken', 'y'), END]),
        undefined,
      ],
      ['a form cut short', part(FILE_HEADERS, 'abc').subarray(0, -2), undefined],
      [
        'a wrong boundary',
        Buffer.concat([part(FILE_HEADERS, 'abc'), END]),
        'multipart/form-data; boundary=not-the-boundary-of-this-body',
      ],
      ['no boundary', Buffer.concat([part(FILE_HEADERS, 'abc'), END]), 'multipart/form-data'],
      [
        'a plain "file" field',
        Buffer.concat([part('Content-Disposition: form-data; name="file"', 'just text'), END]),
        undefined,
      ],
    ];
    for (const [what, body, contentType] of refused) {
      const answer = await rawRequest(url(), uploadRequest(url(), body, contentType));
      expect(answer, what).toBeDefined();
      expectError(answer as RawResponse, 400, 'validation_failed', `POST /upload with ${what}`);
      await healthy(what);
    }
    const hugePartHeader = Buffer.concat([
      part(`${FILE_HEADERS}\r\nX-Padding: ${'p'.repeat(100 * 1024)}`, 'abc'),
      END,
    ]);
    const huge = await rawRequest(url(), uploadRequest(url(), hugePartHeader));
    expect([200, 400], 'a 100 KiB part header').toContain(huge?.status);
    await healthy('a 100 KiB part header');
    const hugeHead = await rawRequest(
      url(),
      Buffer.from(
        `GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Padding: ${'h'.repeat(2 * 1024 * 1024)}\r\n\r\n`,
      ),
    );
    if (hugeHead) expect(hugeHead.status, 'a 2 MiB request head').toBeGreaterThanOrEqual(400);
    if (hugeHead) expect(hugeHead.status, 'a 2 MiB request head').toBeLessThan(500);
    await healthy('a 2 MiB request head');

    const json: Array<[string, string, unknown, number, string]> = [
      ['/echo', 'deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 400, ''],
      ['/echo', 'NaN', '{"a": NaN}', 400, 'invalid_json'],
      ['/users', 'a name of numbers', { name: 1, email: 'a@b.co' }, 400, 'validation_failed'],
      [
        '/db/bulk/insert?strategy=individual',
        'bool quantity',
        { items: [{ sku: 'x', name: 'x', quantity: true, price: '1.00' }] },
        400,
        'validation_failed',
      ],
      [
        '/db/products/1/decrement?strategy=none',
        'a float quantity',
        { quantity: 1.5 },
        400,
        'validation_failed',
      ],
    ];
    for (const [path, what, body, status, code] of json) {
      const answer = await call(url(), path, { body });
      if (code) expectError(answer, status, code, `POST ${path} with ${what}`);
      else expect(answer.status, `POST ${path} with ${what}`).toBe(status);
      await healthy(what);
    }

    // A JSON integer may be written 2.0 (JSON Schema's `integer`, and what JSON.parse reads as 2).
    const integral = await call(url(), '/db/bulk/update?strategy=bulk', {
      body: '{"updates":[{"sku":"py-no-such-sku","quantity":2.0}]}',
    });
    expect({ status: integral.status, body: integral.body }).toEqual({
      status: 200,
      body: { updated: 0 },
    });

    // A sku that exists already: the unique index says no, answered as 409 (not 500).
    const sku = `py-${name}-duplicate`;
    const item = { sku, name: 'Duplicate', quantity: 1, price: '1.00' };
    for (const strategy of ['individual', 'orm-batch', 'multi-values']) {
      const answer = await call(url(), `/db/bulk/insert?strategy=${strategy}`, {
        body: { items: [item] },
      });
      if (strategy === 'individual') expect(answer.status).toBe(201);
      else expectError(answer, 409, 'conflict', `duplicate sku (${strategy})`);
    }
    // Well-formed base64url that this endpoint did not produce.
    for (const cursor of [
      cursorOf({ a: 1 }),
      cursorOf(['2024-01-01T00:00:00.000Z']),
      cursorOf(['2024-01-01T00:00:00Z', 1]),
      cursorOf(['2024-02-30T00:00:00.000Z', 1]),
      cursorOf(['2024-01-01T00:00:00.000Z', true]),
      cursorOf(['2024-01-01T00:00:00.000Z', 1.5]),
      cursorOf(['2024-01-01T00:00:00.000Z', 2 ** 53]),
      'AAAAAAAA',
    ]) {
      expectError(
        await call(url(), `/db/users/cursor?cursor=${cursor}`),
        400,
        'invalid_cursor',
        `cursor ${Buffer.from(cursor, 'base64url').toString()}`,
      );
    }
    // Not base64url of 8–128 characters: no cursor at all.
    for (const cursor of ['', 'A', 'AAAAAAAA=', 'A'.repeat(129)]) {
      expectError(
        await call(url(), `/db/users/cursor?cursor=${encodeURIComponent(cursor)}`),
        400,
        'validation_failed',
        `cursor ${JSON.stringify(cursor)}`,
      );
    }
    // Objects with __proto__ and constructor keys, at any depth, come back exactly.
    const tricky =
      '{"__proto__":{"admin":true},"a":[{"constructor":{"prototype":1}},{"__proto__":null}],"constructor":"x"}';
    const echoed = await call(url(), '/echo', { body: tricky });
    expect(echoed.status).toBe(200);
    // Same keys in the same order, same values (whitespace aside).
    expect(JSON.stringify(JSON.parse(echoed.text))).toBe(JSON.stringify(JSON.parse(tricky)));
    await healthy('all of it');
  });

  test('answers the /db reads with the same values as raw pg (types, N+1 strategies)', async () => {
    const paths = [
      '/db/users/offset?skip=3&size=5',
      '/db/users/keyset?after=7&size=5',
      '/db/users/cursor?size=3',
      ...['narrow', 'wide', 'extra_wide', 'wide_projected'].map(
        (s) => `/db/columns/${s}?skip=2&size=3`,
      ),
      ...['int', 'varchar', 'text', 'jsonb', 'timestamp', 'uuid'].map(
        (t) => `/db/types/${t}?size=3`,
      ),
      ...['lazy', 'eager', 'select-in'].map((s) => `/db/authors?strategy=${s}&skip=1&size=3`),
    ];
    for (const path of paths) {
      const want = await call((reference as RunningTarget).url, path);
      expect(want.status, path).toBe(200);
      expect(await call(url(), path), path).toMatchObject({ status: 200, body: want.body });
    }
  });

  test('keeps serving when the database ends its connections (lab.reset)', async () => {
    // Warm the pool, let the restore terminate every session, then read again: no 500s.
    for (let i = 0; i < 3; i++) expect((await call(url(), '/users?limit=1')).status).toBe(200);
    await lab.reset();
    for (const path of ['/users?limit=1', '/db/users/offset?size=1', '/users/1']) {
      const answer = await call(url(), path);
      expect(answer.status, `${path}: ${answer.text}`).toBe(200);
    }
  });
});

describe.each(PYTHON_TARGETS)('python target %s configuration', (name) => {
  test('bad configuration: one line on stderr, non-zero exit', async () => {
    const started = startTarget(
      name,
      {
        DATABASE_URL: 'postgres://lab@127.0.0.1:1/lab',
        UPSTREAM_URL: 'http://127.0.0.1:9',
        LAB_DB_POOL: 'many',
      },
      { timeoutMs: 30_000 },
    );
    const error = (await started.then(
      async (target) => {
        await target.stop();
        return undefined;
      },
      (reason: unknown) => reason,
    )) as Error | undefined;
    expect(error?.message).toMatch(/exited \(2\) before \/health answered/);
    const tail = (error?.message ?? '').split('Log tail:\n')[1]?.trim() ?? '';
    expect(tail.split('\n')).toEqual([
      `${name} target: configuration error: LAB_DB_POOL='many' is invalid: expected an integer from 1 to 1000`,
    ]);
  });
});
