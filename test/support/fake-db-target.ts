import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataInputError } from '../../src/data/errors.ts';
import { createPgLayer } from '../../src/data/pg/layer.ts';
import type {
  BulkInsertStrategy,
  ColumnShape,
  ColumnType,
  NewBulkItem,
} from '../../src/data/types.ts';

/**
 * A minimal in-process server for the `/db/*` endpoints of scenarios 09–13 (plus `/health` and
 * `/meta`) on plain node:http over the raw pg data layer. It is a fake for testing the db checks
 * of the conformance verifier, not a benchmark target: the reference passes every db check, and
 * each fault breaks one rule the way a real target might.
 */
export type DbFault =
  /** `strategy=eager` runs the lazy loader: same body, 1 + N statements. */
  | 'eager-runs-lazy'
  /** POST /db/bulk/insert answers 200 instead of 201. */
  | 'bulk-insert-answers-200'
  /** A bad cursor answers 400 validation_failed instead of invalid_cursor. */
  | 'cursor-error-as-validation'
  /** The offset page skips one row too many. */
  | 'offset-off-by-one';

export interface FakeDbTargetOptions {
  databaseUrl: string;
  faults?: DbFault[];
  /** What GET /meta reports as `dataLayer` (default `pg`). */
  dataLayer?: string;
  /** Bulk insert strategies to offer (default: the pg layer's five). */
  bulkInsertStrategies?: BulkInsertStrategy[];
}

export interface FakeDbTarget {
  url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const JSON_LIMIT = 1024 * 1024;
const UINT = /^\d+$/;
const PRICE = /^\d{1,8}(\.\d{1,2})?$/;
const INSERT_STRATEGIES = ['individual', 'orm-batch', 'multi-values', 'unnest', 'copy'];
const LOAD_STRATEGIES = ['lazy', 'eager', 'select-in'];
const LOCK_STRATEGIES = ['none', 'pessimistic', 'optimistic', 'serializable'];
const UPDATE_STRATEGIES = ['individual', 'bulk'];

const invalid = (message: string) => new HttpError(400, 'validation_failed', message);

function intParam(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null) return fallback;
  const value = UINT.test(raw) ? Number(raw) : Number.NaN;
  if (!(Number.isSafeInteger(value) && value >= min && value <= max)) {
    throw invalid(`expected an integer ${min}–${max}`);
  }
  return value;
}

function oneOf(raw: string | null, allowed: readonly string[], name: string): string {
  if (raw === null || !allowed.includes(raw)) {
    throw invalid(`${name} must be one of ${allowed.join(', ')}`);
  }
  return raw;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function exactKeys(value: Record<string, unknown>, keys: string[]): boolean {
  const present = Object.keys(value);
  return present.length === keys.length && keys.every((key) => key in value);
}

const isInt = (value: unknown, min: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= 2_147_483_647;
const isText = (value: unknown, max: number) =>
  typeof value === 'string' && value.length >= 1 && value.length <= max;

function bulkInsertBody(body: unknown): NewBulkItem[] {
  if (!isObject(body) || !exactKeys(body, ['items']) || !Array.isArray(body.items)) {
    throw invalid('expected { items: [...] }');
  }
  const { items } = body;
  if (items.length < 1 || items.length > 5000) throw invalid('items: 1–5000 entries');
  for (const item of items) {
    if (
      !isObject(item) ||
      !exactKeys(item, ['sku', 'name', 'quantity', 'price']) ||
      !isText(item.sku, 64) ||
      !isText(item.name, 200) ||
      !isInt(item.quantity, 0) ||
      typeof item.price !== 'string' ||
      !PRICE.test(item.price)
    ) {
      throw invalid('bad item');
    }
  }
  return items as NewBulkItem[];
}

function bulkUpdateBody(body: unknown): Array<{ sku: string; quantity: number }> {
  if (!isObject(body) || !exactKeys(body, ['updates']) || !Array.isArray(body.updates)) {
    throw invalid('expected { updates: [...] }');
  }
  const { updates } = body;
  if (updates.length < 1 || updates.length > 5000) throw invalid('updates: 1–5000 entries');
  for (const entry of updates) {
    if (
      !isObject(entry) ||
      !exactKeys(entry, ['sku', 'quantity']) ||
      !isText(entry.sku, 64) ||
      !isInt(entry.quantity, 0)
    ) {
      throw invalid('bad update');
    }
  }
  return updates as Array<{ sku: string; quantity: number }>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    throw new HttpError(415, 'unsupported_media_type', 'expected application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > JSON_LIMIT) throw new HttpError(413, 'payload_too_large', 'body above 1 MiB');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'body is not valid JSON');
  }
}

export async function startFakeDbTarget(options: FakeDbTargetOptions): Promise<FakeDbTarget> {
  const faults = new Set(options.faults ?? []);
  const layer = createPgLayer({ databaseUrl: options.databaseUrl, poolSize: 4 });
  const layerName = options.dataLayer ?? 'pg';
  const insertStrategies: readonly string[] =
    options.bulkInsertStrategies ?? layer.bulkInsertStrategies;

  async function route(req: IncomingMessage): Promise<[number, unknown]> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const q = url.searchParams;
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const page = () => ({
      skip: intParam(q.get('skip'), 0, 0, Number.MAX_SAFE_INTEGER),
      size: intParam(q.get('size'), 20, 1, 100),
    });

    if (method === 'GET' && path === '/health') return [200, { status: 'ok' }];
    if (method === 'GET' && path === '/meta') {
      return [
        200,
        {
          target: 'fake-db',
          framework: 'node-http',
          frameworkVersion: process.versions.node,
          adapter: null,
          dataLayer: layerName,
          runtime: 'node',
          runtimeVersion: process.versions.node,
          pid: process.pid,
          dbPool: 4,
        },
      ];
    }
    if (method === 'GET' && path === '/db/users/offset') {
      const { skip, size } = page();
      const extra = faults.has('offset-off-by-one') ? 1 : 0;
      return [200, { items: await layer.offsetPage(skip + extra, size) }];
    }
    if (method === 'GET' && path === '/db/users/keyset') {
      const after = intParam(q.get('after'), 0, 0, Number.MAX_SAFE_INTEGER);
      const size = intParam(q.get('size'), 20, 1, 100);
      return [200, { items: await layer.keysetPage(after, size) }];
    }
    if (method === 'GET' && path === '/db/users/cursor') {
      const size = intParam(q.get('size'), 20, 1, 100);
      const cursor = q.get('cursor');
      if (cursor !== null && !/^[A-Za-z0-9_-]{8,128}$/.test(cursor)) throw invalid('not a cursor');
      return [200, await layer.cursorPage(cursor, size)];
    }
    let match = /^\/db\/columns\/([^/]+)$/.exec(path);
    if (method === 'GET' && match?.[1]) {
      const { skip, size } = page();
      return [200, { items: await layer.readColumns(match[1] as ColumnShape, skip, size) }];
    }
    match = /^\/db\/types\/([^/]+)$/.exec(path);
    if (method === 'GET' && match?.[1]) {
      const { skip, size } = page();
      return [200, { items: await layer.readType(match[1] as ColumnType, skip, size) }];
    }
    if (method === 'GET' && path === '/db/authors') {
      let strategy = oneOf(q.get('strategy'), LOAD_STRATEGIES, 'strategy');
      const { skip, size } = page();
      if (strategy === 'eager' && faults.has('eager-runs-lazy')) strategy = 'lazy';
      return [200, { items: await layer.authorsWithPosts(strategy as 'lazy', skip, size) }];
    }
    if (method === 'POST' && path === '/db/bulk/insert') {
      const strategy = oneOf(q.get('strategy'), INSERT_STRATEGIES, 'strategy');
      const items = bulkInsertBody(await readJson(req));
      if (!insertStrategies.includes(strategy)) {
        throw invalid(`the ${layerName} data layer has no ${strategy} bulk insert strategy`);
      }
      const written = await layer.bulkInsert(strategy as BulkInsertStrategy, items);
      return [faults.has('bulk-insert-answers-200') ? 200 : 201, { written }];
    }
    if (method === 'POST' && path === '/db/bulk/update') {
      const strategy = oneOf(q.get('strategy'), UPDATE_STRATEGIES, 'strategy');
      const updates = bulkUpdateBody(await readJson(req));
      return [200, { updated: await layer.bulkUpdate(strategy as 'bulk', updates) }];
    }
    match = /^\/db\/products\/([^/]+)\/decrement$/.exec(path);
    if (method === 'POST' && match?.[1]) {
      const id = intParam(match[1], 0, 1, 2_147_483_647);
      const strategy = oneOf(q.get('strategy'), LOCK_STRATEGIES, 'strategy');
      const body = await readJson(req);
      if (!isObject(body) || !exactKeys(body, ['quantity']) || !isInt(body.quantity, 1)) {
        throw invalid('expected { quantity: integer ≥ 1 }');
      }
      const outcome = await layer.decrementStock(strategy as 'none', id, body.quantity as number);
      if (!outcome.ok) throw new HttpError(409, 'conflict', 'the decrement was not applied');
      return [200, outcome];
    }
    throw new HttpError(404, 'not_found', `no route ${method} ${path}`);
  }

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    const data = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length });
    res.end(data);
  }

  const server = createServer((req, res) => {
    route(req).then(
      ([status, body]) => sendJson(res, status, body),
      (error: unknown) => {
        let failure: HttpError;
        if (error instanceof HttpError) failure = error;
        else if (error instanceof DataInputError) {
          failure =
            error.code === 'invalid_cursor'
              ? new HttpError(
                  400,
                  faults.has('cursor-error-as-validation') ? 'validation_failed' : 'invalid_cursor',
                  error.message,
                )
              : error.code === 'not_found'
                ? new HttpError(404, 'not_found', error.message)
                : new HttpError(400, 'validation_failed', error.message);
        } else if ((error as { code?: unknown }).code === '23505') {
          failure = new HttpError(409, 'conflict', 'the sku exists');
        } else {
          failure = new HttpError(500, 'internal_error', String(error));
        }
        req.resume();
        sendJson(res, failure.status, {
          error: { code: failure.code, message: failure.message },
        });
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await layer.close();
    },
  };
}
