import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { loadUpstreamPayload } from '../../src/contract/index.ts';
import { allowedMethods } from '../../src/contract/routes.ts';

/**
 * A minimal in-process implementation of the contract on plain node:http, users in memory. It is
 * a fake for testing the conformance verifier (not a benchmark target): the reference passes
 * every check, and each fault breaks one rule the way a real target might.
 */
export type Fault =
  /** POST /users answers 200 instead of 201. */
  | 'create-answers-200'
  /** Users come back with `createdAt: "yesterday"` and `id` as a string. */
  | 'user-violates-schema'
  /** A duplicate email creates a second user instead of answering 409. */
  | 'duplicate-email-accepted'
  /** The server goes away after answering a malformed JSON body. */
  | 'dies-after-malformed-json'
  /** 401s come without WWW-Authenticate. */
  | 'no-www-authenticate'
  /** Expired tokens are accepted. */
  | 'expired-token-accepted'
  /** Errors are sent as text/plain. */
  | 'errors-as-text'
  /** Once it has answered any error, GET /health never answers. */
  | 'health-hangs-after-errors'
  /** A multipart part header that is not `Name: value` takes the server down (busboy's crash). */
  | 'dies-on-malformed-multipart';

export interface FakeTargetOptions {
  faults?: Fault[];
  authSecret?: string;
  uploadLimitBytes?: number;
  /** Default 0: any free port. */
  port?: number;
}

export interface FakeTarget {
  url: string;
  close(): Promise<void>;
}

interface User {
  id: number;
  name: string;
  email: string;
  createdAt: string;
}

const JSON_LIMIT = 1024 * 1024;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UINT = /^\d+$/;

class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function startFakeTarget(options: FakeTargetOptions = {}): Promise<FakeTarget> {
  const faults = new Set(options.faults ?? []);
  const secret = new TextEncoder().encode(options.authSecret ?? 'lab-secret');
  const uploadLimit = options.uploadLimitBytes ?? 10 * 1024 * 1024;
  const users: User[] = Array.from({ length: 30 }, (_, i) => ({
    id: i + 1,
    name: `User ${i + 1}`,
    email: `user.${i + 1}@example.com`,
    createdAt: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
  }));
  const requestLog: object[] = [];
  let answeredAnError = false;

  const present = (user: User) =>
    faults.has('user-violates-schema')
      ? { ...user, id: String(user.id), createdAt: 'yesterday' }
      : user;

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    const data = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length });
    res.end(data);
  }

  function sendError(res: ServerResponse, error: HttpError): void {
    answeredAnError = true;
    if (error.status === 401 && !faults.has('no-www-authenticate')) {
      res.setHeader('www-authenticate', 'Bearer');
    }
    if (faults.has('errors-as-text')) {
      res.writeHead(error.status, { 'content-type': 'text/plain' });
      res.end(error.message);
      return;
    }
    sendJson(res, error.status, { error: { code: error.code, message: error.message } });
  }

  async function jsonBody(req: IncomingMessage): Promise<unknown> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new HttpError(415, 'unsupported_media_type', 'expected application/json');
    }
    const raw = await readBody(req, JSON_LIMIT);
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalid_json', 'body is not valid JSON');
    }
  }

  function intParam(raw: string | null, fallback: number, min: number, max: number): number {
    if (raw === null) return fallback;
    const value = UINT.test(raw) ? Number(raw) : Number.NaN;
    if (!(value >= min && value <= max)) {
      throw new HttpError(400, 'validation_failed', `expected an integer ${min}–${max}`);
    }
    return value;
  }

  function validateNewUser(body: unknown): { name: string; email: string } {
    const fail = (message: string) => new HttpError(400, 'validation_failed', message);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw fail('expected an object');
    }
    const { name, email, ...rest } = body as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw fail('unexpected properties');
    if (
      typeof name !== 'string' ||
      name.length < 1 ||
      name.length > 100 ||
      name.includes('\u0000')
    ) {
      throw fail('bad name');
    }
    if (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email)) {
      throw fail('bad email');
    }
    return { name, email };
  }

  async function authorize(req: IncomingMessage): Promise<string> {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (!match?.[1]) throw new HttpError(401, 'unauthorized', 'missing bearer token');
    try {
      const { payload } = await jwtVerify(match[1], secret, {
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'sub'],
        ...(faults.has('expired-token-accepted') ? { currentDate: new Date(0) } : {}),
      });
      return payload.sub as string;
    } catch {
      throw new HttpError(401, 'unauthorized', 'invalid bearer token');
    }
  }

  async function upload(req: IncomingMessage): Promise<{ size: number; sha256: string }> {
    const type = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data\s*(;|$)/i.test(type)) {
      throw new HttpError(415, 'unsupported_media_type', 'expected multipart');
    }
    const boundary = /;\s*boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (!boundary) throw new HttpError(400, 'validation_failed', 'no boundary');
    // Framing overhead on top of the file itself (and room for a 100 KiB part header).
    const body = await readBody(req, uploadLimit + 256 * 1024);
    const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const malformedHead = new RegExp(`--${escaped}\r\n[^:\r\n]*\r\n\r\n`);
    if (faults.has('dies-on-malformed-multipart') && malformedHead.test(body.toString('latin1'))) {
      crash();
    }
    const file = multipartField(body, boundary, 'file');
    if (!file) throw new HttpError(400, 'validation_failed', 'no file field');
    if (file.length > uploadLimit) throw new HttpError(413, 'payload_too_large', 'too large');
    return { size: file.length, sha256: createHash('sha256').update(file).digest('hex') };
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const key = `${req.method} ${url.pathname}`;
    const userPath = /^\/users\/([^/]+)$/.exec(url.pathname);
    if (key === 'GET /health') {
      if (answeredAnError && faults.has('health-hangs-after-errors')) return;
      return sendJson(res, 200, { status: 'ok' });
    }
    if (key === 'GET /meta') {
      return sendJson(res, 200, {
        target: 'fake',
        framework: 'node:http',
        frameworkVersion: process.versions.node,
        adapter: 'node:http',
        dataLayer: 'memory',
        runtime: 'node',
        runtimeVersion: process.version,
        pid: process.pid,
        dbPool: 10,
      });
    }
    if (key === 'POST /echo') {
      const body = await jsonBody(req);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new HttpError(400, 'validation_failed', 'expected a JSON object');
      }
      return sendJson(res, 200, body);
    }
    if (key === 'GET /users') {
      const limit = intParam(url.searchParams.get('limit'), 20, 1, 100);
      const offset = intParam(url.searchParams.get('offset'), 0, 0, 10_000_000);
      const items = users.slice(offset, offset + limit).map(present);
      return sendJson(res, 200, { items, limit, offset });
    }
    if (req.method === 'GET' && userPath) {
      const id = intParam(userPath[1] ?? '', 0, 1, 2_147_483_647);
      const user = users.find((candidate) => candidate.id === id);
      if (!user) throw new HttpError(404, 'not_found', 'no such user');
      return sendJson(res, 200, present(user));
    }
    if (key === 'POST /users') {
      const input = validateNewUser(await jsonBody(req));
      const duplicate = users.some((user) => user.email === input.email);
      if (duplicate && !faults.has('duplicate-email-accepted')) {
        throw new HttpError(409, 'conflict', 'email already exists');
      }
      const user = { id: users.length + 1, ...input, createdAt: new Date().toISOString() };
      users.push(user);
      return sendJson(res, faults.has('create-answers-200') ? 200 : 201, present(user));
    }
    if (key === 'GET /external') return sendJson(res, 200, loadUpstreamPayload());
    if (key === 'GET /protected') {
      const started = performance.now();
      res.once('finish', () => {
        if (requestLog.length === 10_000) requestLog.shift();
        const durationMs = performance.now() - started;
        requestLog.push({
          method: req.method,
          path: url.pathname,
          status: res.statusCode,
          durationMs,
        });
      });
      const subject = await authorize(req);
      return sendJson(res, 200, { subject, logged: requestLog.length });
    }
    if (key === 'POST /upload') return sendJson(res, 200, await upload(req));
    if (key === 'HEAD /health') return sendJson(res, 200, {});
    const allowed = allowedMethods(url.pathname);
    if (allowed) {
      res.setHeader('allow', allowed.join(', '));
      throw new HttpError(405, 'method_not_allowed', `${req.method} not allowed`);
    }
    throw new HttpError(404, 'not_found', `no route ${key}`);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      const httpError =
        error instanceof HttpError ? error : new HttpError(500, 'internal_error', String(error));
      sendError(res, httpError);
      if (httpError.code === 'invalid_json' && faults.has('dies-after-malformed-json')) {
        res.once('finish', () => setImmediate(() => void closeServer()));
      }
    });
  });

  /** Like a process dying: every connection dropped, nothing listening any more. */
  function crash(): never {
    void closeServer();
    throw new Error('crashed');
  }

  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => (server.listening ? closeServer() : Promise.resolve()),
  };
}

/**
 * Reads the body up to `limit` bytes; beyond that it drains the rest and then answers 413.
 * Answering before the body is read makes Node close a socket with unread data (a reset), and
 * the client may then see EPIPE instead of the 413 — the real targets drain for the same reason.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit)
        reject(new HttpError(413, 'payload_too_large', `body above ${limit} bytes`));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/**
 * The content of the file part named `name`, or undefined when the form has none; any other part
 * (the contract's form has one) or `name` as a plain field is 400.
 */
function multipartField(body: Buffer, boundary: string, name: string): Buffer | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  let found: Buffer | undefined;
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const headStart = at + delimiter.length + 2;
    const headEnd = body.indexOf('\r\n\r\n', headStart);
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headStart);
    if (headEnd < 0 || next < 0) return found;
    const head = body.subarray(headStart, headEnd).toString('latin1');
    if (/content-disposition/i.test(head)) {
      if (found || !new RegExp(`name="${name}"`, 'i').test(head)) {
        throw new HttpError(400, 'validation_failed', 'unexpected part');
      }
      if (!/filename=/i.test(head)) throw new HttpError(400, 'validation_failed', 'not a file');
      found = body.subarray(headEnd + 4, next);
    }
    at = next + 2;
  }
  return found;
}
