import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHECKS, DB_CHECKS } from '../src/conformance/checks/index.ts';
import { verifyTarget } from '../src/conformance/index.ts';
import { MULTIPART_BOUNDARY, MULTIPART_CONTENT_TYPE } from '../src/conformance/payloads.ts';
import { loadEchoPayload } from '../src/contract/index.ts';
import { startUpstream, type Upstream } from '../src/infra/upstream.ts';
import { useLab } from '../src/infra/vitest.ts';
import { type RunningTarget, startCommand, startTarget } from '../src/launcher/launch.ts';
import {
  frameworkVersion,
  missingBuildOutputs,
  REPO_ROOT,
  TARGETS,
  type TargetDefinition,
} from '../src/launcher/registry.ts';

/**
 * The Go targets (every manifest with `language: go`, each data layer), as processes: the
 * verifier's contract and db checks (statement counts through pg_stat_statements included), the
 * contract decisions of issue 12 (405 with Allow, HEAD, 409 on a duplicate sku, cursors the
 * endpoint did not produce, `__proto__` keys in /echo, a plain `file` field), the same /db rows
 * as the Node reference target, and that malformed input (multipart, truncated and slow bodies,
 * huge headers) never takes a target down. Then `go vet` and `gofmt` over every Go module.
 */

const GO_TARGETS = TARGETS.filter((target) => target.language === 'go');
/** The Node target whose /db answers are the reference (raw node-postgres). */
const REFERENCE = 'express';

const PATH = `/usr/local/go/bin:${process.env.HOME ?? '/root'}/go/bin:${process.env.PATH ?? ''}`;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function call(target: RunningTarget, method: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${target.url}${path}`, { method, ...init });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function expectError(answer: Answer, status: number, code: string, what: string): void {
  expect({ status: answer.status, text: answer.text }, what).toMatchObject({ status });
  expect(answer.headers.get('content-type'), what).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text) as { error: { code: string; message: string } };
  expect(Object.keys(body), what).toEqual(['error']);
  expect(Object.keys(body.error).sort(), what).toEqual(['code', 'message']);
  expect(body.error.code, what).toBe(code);
  expect(body.error.message.length, what).toBeGreaterThan(0);
}

interface RawOutcome {
  /** The status of the response, when one arrived. */
  status?: number;
  /** Whatever came back. */
  response: string;
}

/**
 * Sends raw bytes over a socket (a number in `parts` pauses that many ms), then, unless
 * `abort`, waits for the server to answer or close; `abort` destroys the socket after sending.
 */
async function raw(
  target: RunningTarget,
  parts: Array<string | Buffer | number>,
  options: { abort?: boolean; halfClose?: boolean; timeoutMs?: number } = {},
): Promise<RawOutcome> {
  const { port, hostname } = new URL(target.url);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  for (const part of parts) {
    if (socket.destroyed) break;
    if (typeof part === 'number') await sleep(part);
    else socket.write(part);
  }
  if (options.abort) socket.destroy();
  else if (options.halfClose) socket.end();
  await Promise.race([closed, sleep(options.timeoutMs ?? 5000)]);
  socket.destroy();
  const response = Buffer.concat(chunks).toString('latin1');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1];
  return { response, ...(status ? { status: Number(status) } : {}) };
}

/** One request of any method over a raw socket (`Connection: close`), read as an Answer. */
async function rawCall(target: RunningTarget, method: string, path: string): Promise<Answer> {
  const { host } = new URL(target.url);
  const { response } = await raw(target, [
    `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
  ]);
  const [head = '', ...rest] = response.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  return { status, headers, text: Buffer.from(rest.join('\r\n\r\n'), 'latin1').toString('utf8') };
}

function multipart(parts: string): Buffer {
  return Buffer.from(`${parts}--${MULTIPART_BOUNDARY}--\r\n`);
}

const filePart = (content: string, field = 'file') =>
  `--${MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="a.bin"\r\n` +
  `Content-Type: application/octet-stream\r\n\r\n${content}\r\n`;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe.each(GO_TARGETS.map((definition) => [definition.name, definition] as const))(
  'Go target %s',
  (name, definition: TargetDefinition) => {
    const lab = useLab({
      fixtures: ['users', 'columns', 'blog', 'bulk', 'inventory'],
      scale: 0.01,
    });
    let upstream: Upstream | undefined;
    let target: RunningTarget;
    let reference: RunningTarget | undefined;
    let exitedEarly: number | string | undefined;

    beforeAll(async () => {
      const missing = missingBuildOutputs(definition);
      if (missing.length > 0) {
        throw new Error(`${missing.join(', ')} missing: run pnpm build:targets (needs Go ≥ 1.25)`);
      }
      upstream = await startUpstream();
      const env = { DATABASE_URL: lab.pg.url, UPSTREAM_URL: upstream.url, LAB_DB_POOL: '4' };
      target = await startTarget(definition, env);
      void target.exited.then((code) => {
        exitedEarly = code;
      });
      reference = await startTarget(REFERENCE, env);
    }, 120_000);

    afterAll(async () => {
      const [stopped] = await Promise.all([target?.stop(), reference?.stop(), upstream?.stop()]);
      // It leaves on SIGTERM by itself (graceful shutdown, pool closed), with exit 0.
      if (target) expect(stopped).toEqual({ graceful: true, exit: 0, exited: true });
    });

    test('reports Go, its framework version and GOMAXPROCS', async () => {
      const answer = await call(target, 'GET', '/meta');
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toEqual({
        target: name,
        framework: definition.framework,
        frameworkVersion: frameworkVersion(definition),
        adapter: null,
        dataLayer: definition.dataLayer,
        runtime: 'go',
        runtimeVersion: expect.stringMatching(/^go1\.\d+/),
        pid: target.pid,
        dbPool: 4,
      });
      expect(frameworkVersion(definition)).toMatch(/^v\d+\.\d+\.\d+$/);
      // GOMAXPROCS comes from the manifest ({cpuCount}: here unpinned, every CPU).
      expect(target.logTail()).toContain(`GOMAXPROCS=${availableParallelism()}`);
    });

    test('passes the verifier: every contract and db check, statement counts included', async () => {
      const report = await verifyTarget(target.url, { db: { databaseUrl: lab.pg.url } });
      expect(report.failed.map((f) => `${f.id}: ${f.detail}`)).toEqual([]);
      expect(report.passed.length).toBe(CHECKS.length + DB_CHECKS.length);
    }, 120_000);

    test('undeclared methods are 405 with Allow, HEAD is GET without a body, unknown paths 404', async () => {
      const cases: Array<[method: string, path: string, allow: string[]]> = [
        ['DELETE', '/users', ['GET', 'HEAD', 'POST']],
        ['GET', '/echo', ['POST']],
        ['PUT', '/health', ['GET', 'HEAD']],
        ['PATCH', '/users/1', ['GET', 'HEAD']],
        ['OPTIONS', '/health', ['GET', 'HEAD']],
        ['TRACE', '/health', ['GET', 'HEAD']],
        ['QUERY', '/db/users/offset', ['GET', 'HEAD']],
        ['GET', '/db/bulk/insert', ['POST']],
      ];
      for (const [method, path, allow] of cases) {
        // fetch refuses TRACE; a raw request sends any method.
        const answer = await rawCall(target, method, path);
        expectError(answer, 405, 'method_not_allowed', `${method} ${path}`);
        const listed = (answer.headers.get('allow') ?? '').split(/\s*,\s*/).sort();
        expect(listed, `${method} ${path} Allow`).toEqual(allow);
      }
      for (const path of ['/health', '/users/1', '/db/users/offset?size=2']) {
        const head = await call(target, 'HEAD', path);
        expect({ path, status: head.status, text: head.text }).toEqual({
          path,
          status: 200,
          text: '',
        });
        expect(head.headers.get('content-type')).toMatch(/^application\/json/);
      }
      for (const [method, path] of [
        ['GET', '/no-such-route'],
        ['DELETE', '/no-such-route'],
        ['GET', '/users/1/posts'],
      ] as const) {
        expectError(await call(target, method, path), 404, 'not_found', `${method} ${path}`);
      }
    });

    test('echo keeps __proto__ and constructor keys at any depth, and exact numbers', async () => {
      const text =
        '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},' +
        '"a":[{"__proto__":null,"constructor":"c"}],"big":12345678901234567890,"f":1.50,"e":""}';
      const answer = await call(target, 'POST', '/echo', {
        headers: { 'content-type': 'application/json' },
        body: text,
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      // JSON.parse makes `__proto__` an own property; deep equality then compares it too.
      expect(JSON.parse(answer.text)).toEqual(JSON.parse(text));
      expect(Object.keys(JSON.parse(answer.text)).sort()).toEqual(
        ['__proto__', 'a', 'big', 'constructor', 'e', 'f'].sort(),
      );
      // Numbers are echoed as sent, beyond what a float64 holds.
      expect(answer.text).toContain('12345678901234567890');
      const payload = loadEchoPayload();
      const echoed = await call(target, 'POST', '/echo', {
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(payload),
      });
      expect(JSON.parse(echoed.text)).toEqual(payload);
      for (const body of ['null', '"text"', '7', '{"a":1} {"b":2}', '{"a":1}x']) {
        const bad = await call(target, 'POST', '/echo', {
          headers: { 'content-type': 'application/json' },
          body,
        });
        expectError(
          bad,
          400,
          body.startsWith('{') ? 'invalid_json' : 'validation_failed',
          `echo ${body}`,
        );
      }
      const gzip = await call(target, 'POST', '/echo', {
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: '{}',
      });
      expectError(gzip, 415, 'unsupported_media_type', 'echo with a content coding');
    });

    test('a sku that already exists is 409 conflict with every insert strategy', async () => {
      const item = { sku: `go-dup-${name}`, name: 'dup', quantity: 1, price: '1.00' };
      const insert = (strategy: string, items: unknown[]) =>
        call(target, 'POST', `/db/bulk/insert?strategy=${strategy}`, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ items }),
        });
      const first = await insert('individual', [item]);
      expect({ status: first.status, body: JSON.parse(first.text) }).toEqual({
        status: 201,
        body: { written: 1 },
      });
      for (const strategy of ['individual', 'orm-batch', 'multi-values', 'unnest', 'copy']) {
        const fresh = { ...item, sku: `go-dup-${name}-${strategy}` };
        expectError(await insert(strategy, [fresh, item]), 409, 'conflict', strategy);
      }
      // The refused batches wrote nothing (one statement, or one transaction), except that
      // `individual` commits row by row: its fresh row, sent before the duplicate, stays.
      const client = new pg.Client({ connectionString: lab.pg.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ sku: string }>(
          "SELECT sku FROM bulk_items WHERE sku LIKE 'go-dup-%' ORDER BY sku",
        );
        expect(rows.map((row) => row.sku)).toEqual([item.sku, `${item.sku}-individual`]);
      } finally {
        await client.end();
      }
    });

    test('a JSON integer may be written 2.0 or 2e0, not 2.5 or "2"', async () => {
      const update = (quantity: string) =>
        call(target, 'POST', '/db/bulk/update?strategy=bulk', {
          headers: { 'content-type': 'application/json' },
          body: `{"updates":[{"sku":"go-no-such-sku","quantity":${quantity}}]}`,
        });
      for (const quantity of ['2.0', '2e0', '2147483647.0']) {
        const answer = await update(quantity);
        expect({ quantity, status: answer.status, body: JSON.parse(answer.text) }).toEqual({
          quantity,
          status: 200,
          body: { updated: 0 },
        });
      }
      for (const quantity of ['2.5', '"2"', 'true', '2147483648.0', '-1.0']) {
        expectError(await update(quantity), 400, 'validation_failed', `quantity ${quantity}`);
      }
    });

    test('a well-formed cursor the endpoint did not produce is 400 invalid_cursor', async () => {
      const b64 = (text: string) => Buffer.from(text).toString('base64url');
      const first = await call(target, 'GET', '/db/users/cursor?size=2');
      const next = (JSON.parse(first.text) as { next: string }).next;
      expect(next).toMatch(/^[A-Za-z0-9_-]+$/);
      const again = await call(target, 'GET', `/db/users/cursor?size=2&cursor=${next}`);
      expect(again.status).toBe(200);
      const forged = [
        b64('["2024-01-01T00:00:00Z",1]'), // no milliseconds: not what the endpoint writes
        b64('["2024-02-30T00:00:00.000Z",1]'),
        b64('["2024-01-01T00:00:00.000Z","1"]'),
        b64('["2024-01-01T00:00:00.000Z",1.5]'),
        b64('["2024-01-01T00:00:00.000Z",1,2]'),
        b64('{"createdAt":"2024-01-01T00:00:00.000Z","id":1}'),
        b64('["2024-01-01T00:00:00.000Z",1]x'),
        `${next}A`,
      ];
      for (const cursor of forged) {
        const answer = await call(target, 'GET', `/db/users/cursor?cursor=${cursor}`);
        expectError(answer, 400, 'invalid_cursor', `cursor ${JSON.stringify(cursor)}`);
      }
      // Not base64url of 8–128 characters: not a Cursor at all.
      for (const cursor of ['', `${next}=`, 'AAAAAAA', 'A'.repeat(129)]) {
        const answer = await call(target, 'GET', `/db/users/cursor?cursor=${cursor}`);
        expectError(answer, 400, 'validation_failed', `cursor ${JSON.stringify(cursor)}`);
      }
    });

    test('serves the same /db rows as the Node reference target', async () => {
      const paths = [
        '/db/users/offset?skip=7&size=9',
        '/db/users/keyset?after=20&size=4',
        '/db/users/cursor?size=6',
        '/db/columns/narrow?skip=3&size=4',
        '/db/columns/wide?size=3',
        '/db/columns/extra_wide?size=3',
        '/db/columns/wide_projected?size=3',
        ...['int', 'varchar', 'text', 'jsonb', 'timestamp', 'uuid'].map(
          (type) => `/db/types/${type}?skip=1&size=3`,
        ),
        ...['lazy', 'eager', 'select-in'].map((s) => `/db/authors?strategy=${s}&skip=2&size=3`),
        '/db/authors?strategy=eager&skip=100000&size=3',
        '/users?limit=5&offset=2',
      ];
      for (const path of paths) {
        const [mine, theirs] = await Promise.all([
          call(target, 'GET', path),
          call(reference as RunningTarget, 'GET', path),
        ]);
        expect(mine.status, path).toBe(200);
        expect(JSON.parse(mine.text), path).toEqual(JSON.parse(theirs.text));
      }
    });

    test('malformed multipart bodies are 4xx in the error shape', async () => {
      const upload = (body: string | Buffer, contentType = MULTIPART_CONTENT_TYPE) =>
        call(target, 'POST', '/upload', { headers: { 'content-type': contentType }, body });
      const ok = await upload(multipart(filePart('hello')));
      expect(JSON.parse(ok.text)).toEqual({ size: 5, sha256: sha256('hello') });
      const cases: Array<[what: string, answer: Promise<Answer>]> = [
        [
          '`file` as a plain field',
          upload(
            multipart(
              `--${MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="file"\r\n\r\nplain\r\n`,
            ),
          ),
        ],
        ['no boundary parameter', upload(multipart(filePart('x')), 'multipart/form-data')],
        [
          'another boundary than the body uses',
          upload(multipart(filePart('x')), 'multipart/form-data; boundary=not-the-one'),
        ],
        ['not multipart at all', upload('this is not a multipart body')],
        ['no closing boundary', upload(filePart('truncated').slice(0, -10))],
        [
          'a part without its blank line',
          upload(
            `--${MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a"\r\nno blank line`,
          ),
        ],
        ['an empty body', upload('')],
      ];
      for (const [what, answer] of cases) {
        expectError(await answer, 400, 'validation_failed', what);
      }
    });

    test('keeps serving after truncated and slow bodies, huge headers and dropped connections', async () => {
      const host = `Host: ${new URL(target.url).host}\r\n`;
      // Truncated: Content-Length promises more than arrives, then the client half-closes.
      const truncated = await raw(
        target,
        [
          `POST /echo HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
          '{"a":',
        ],
        { halfClose: true },
      );
      expect(
        truncated.status === undefined || (truncated.status >= 400 && truncated.status < 500),
      ).toBe(true);
      // Huge header (64 KiB, four times the limit): 4xx or a closed connection, never a crash.
      const huge = await raw(target, [
        `GET /health HTTP/1.1\r\n${host}X-Huge: ${'h'.repeat(64 * 1024)}\r\nConnection: close\r\n\r\n`,
      ]);
      expect(
        huge.status === undefined || (huge.status >= 400 && huge.status < 500),
        huge.response.slice(0, 200),
      ).toBe(true);
      // Slow body: an upload trickling in ten pieces is still answered correctly.
      const body = multipart(filePart('slowly, slowly'));
      const pieces: Array<string | Buffer | number> = [
        `POST /upload HTTP/1.1\r\n${host}Content-Type: ${MULTIPART_CONTENT_TYPE}\r\n` +
          `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      ];
      const step = Math.ceil(body.length / 10);
      for (let at = 0; at < body.length; at += step) pieces.push(body.subarray(at, at + step), 50);
      const slow = await raw(target, pieces);
      expect(slow.status, slow.response.slice(0, 200)).toBe(200);
      expect(slow.response).toContain(sha256('slowly, slowly'));
      // Stalled and dropped: half a body, a pause, then the client goes away.
      await raw(
        target,
        [
          `POST /upload HTTP/1.1\r\n${host}Content-Type: ${MULTIPART_CONTENT_TYPE}\r\nContent-Length: 100000\r\n\r\n`,
          body.subarray(0, 40),
          300,
        ],
        { abort: true },
      );
      // Garbage instead of HTTP.
      const garbage = await raw(target, ['\x16\x03\x01 not http at all\r\n\r\n']);
      expect(garbage.status === undefined || garbage.status === 400).toBe(true);

      const health = await call(target, 'GET', '/health');
      expect({ status: health.status, body: JSON.parse(health.text) }).toEqual({
        status: 200,
        body: { status: 'ok' },
      });
      expect(exitedEarly).toBeUndefined();
    });
  },
);

describe('Go targets: manifests and sources', () => {
  test('every Go target gets GOMAXPROCS = the CPUs it is pinned to', () => {
    expect(GO_TARGETS.length).toBeGreaterThanOrEqual(2);
    for (const definition of GO_TARGETS) {
      const where = { port: 1, host: '127.0.0.1' };
      expect(startCommand(definition, { ...where, cpus: '0' }).env.GOMAXPROCS).toBe('1');
      expect(startCommand(definition, { ...where, cpus: '0-2' }).env.GOMAXPROCS).toBe('3');
      expect(startCommand(definition, where).env.GOMAXPROCS).toBe(String(availableParallelism()));
    }
  });

  test('bad configuration is one line on stderr and a non-zero exit', () => {
    for (const definition of GO_TARGETS) {
      const binary = join(REPO_ROOT, definition.build?.produces[0] ?? '');
      const base = { PATH: '/usr/bin:/bin', DATABASE_URL: 'postgres://x@127.0.0.1/x' };
      const cases: Array<[env: Record<string, string>, message: RegExp]> = [
        [{ ...base, UPSTREAM_URL: 'http://127.0.0.1:9' }, /PORT is required/],
        [{ ...base, PORT: '0', UPSTREAM_URL: 'http://127.0.0.1:9' }, /PORT="0" is invalid/],
        [{ ...base, PORT: '1', UPSTREAM_URL: 'u', LAB_DB_POOL: 'ten' }, /LAB_DB_POOL="ten"/],
        [{ ...base, PORT: '1', UPSTREAM_URL: 'u', LAB_DATA_LAYER: 'orm' }, /one of pgx/],
        [{ ...base, PORT: '1', UPSTREAM_URL: 'u', LAB_METRICS: '1' }, /LAB_METRICS=1 is not/],
      ];
      for (const [env, message] of cases) {
        const run = spawnSync(binary, [], { env, encoding: 'utf8', timeout: 10_000 });
        expect(run.status, `${definition.name} ${JSON.stringify(env)}`).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr).toMatch(
          new RegExp(`^target configuration error: .*${message.source}.*\\n$`),
        );
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
      }
    }
  });

  const modules = readdirSync(join(REPO_ROOT, 'src/targets'))
    .map((folder) => join(REPO_ROOT, 'src/targets', folder))
    .filter((folder) => existsSync(join(folder, 'go.mod')));

  test.each(modules.map((folder) => [folder.slice(REPO_ROOT.length)]))(
    '%s: go.sum present, go vet and gofmt clean (offline)',
    (relative) => {
      const folder = join(REPO_ROOT, relative);
      expect(existsSync(join(folder, 'go.sum'))).toBe(true);
      // Offline: the module cache that setup.sh filled is all it may use.
      const env = { ...process.env, PATH, GOFLAGS: '-mod=readonly', GOPROXY: 'off' };
      const vet = spawnSync('go', ['vet', './...'], { cwd: folder, env, encoding: 'utf8' });
      expect(vet.error).toBeUndefined();
      expect(`${vet.stdout}${vet.stderr}`).toBe('');
      expect(vet.status).toBe(0);
      const fmt = spawnSync('gofmt', ['-l', '.'], { cwd: folder, env, encoding: 'utf8' });
      expect(fmt.status).toBe(0);
      expect(fmt.stdout).toBe('');
    },
    120_000,
  );
});
