import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export interface HttpRequest {
  method: string;
  /** Path and query, e.g. `/users?limit=5`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** A request that did not produce a response (refused, reset, timed out). */
export class RequestFailedError extends Error {}

/** Keep-alive HTTP client bound to one target; every request is bounded by `timeoutMs`. */
export class TargetClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly #agent = new Agent({ keepAliveTimeout: 4_000, connections: 4 });

  constructor(baseUrl: string, timeoutMs: number) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = timeoutMs;
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    try {
      const res = await request(`${this.baseUrl}${req.path}`, {
        method: req.method as 'GET',
        headers: req.headers ?? {},
        body: req.body ?? null,
        dispatcher: this.#agent,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = [value].flat().join(', ');
      }
      return { status: res.statusCode, headers, body };
    } catch (error) {
      throw new RequestFailedError(`${req.method} ${req.path}: ${describeNetworkError(error)}`);
    }
  }

  /**
   * Sends a large body from `chunks` over a raw socket while reading the response. A target may
   * answer 413 and close before the body is through; a regular client then reports the broken
   * pipe instead of the answer, whereas here whatever response arrived still counts.
   */
  async sendStreaming(
    req: Omit<HttpRequest, 'body'> & { contentLength: number; chunks: Iterable<Buffer> },
  ): Promise<HttpResponse> {
    const url = new URL(this.baseUrl);
    const head = [
      `${req.method} ${req.path} HTTP/1.1`,
      `Host: ${url.host}`,
      'Connection: close',
      `Content-Length: ${req.contentLength}`,
      ...Object.entries(req.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      '',
      '',
    ].join('\r\n');
    const response = await this.#exchange(
      `${req.method} ${req.path}`,
      [[Buffer.from(head)], req.chunks],
      {},
    );
    if (!response) {
      throw new RequestFailedError(
        `${req.method} ${req.path}: connection closed before a complete response`,
      );
    }
    return response;
  }

  /**
   * Writes `request` (a whole HTTP/1.1 message, head included, as the bytes to send) over a new
   * connection, each chunk as its own write, `gapMs` apart, and returns the response, or
   * undefined when the target closed the connection without one. With `reset`, the client goes
   * away after writing (TCP reset) and nothing is awaited. For the bad input a regular client
   * cannot send: malformed framing, bodies shorter than announced, aborted uploads.
   */
  async sendRaw(
    what: string,
    request: readonly Buffer[],
    options: { gapMs?: number; reset?: boolean } = {},
  ): Promise<HttpResponse | undefined> {
    return this.#exchange(what, [request], options);
  }

  async #exchange(
    what: string,
    sources: Iterable<Iterable<Buffer>>,
    { gapMs = 0, reset = false }: { gapMs?: number; reset?: boolean },
  ): Promise<HttpResponse | undefined> {
    const url = new URL(this.baseUrl);
    if (url.protocol !== 'http:') throw new Error('raw requests support http:// only');
    const socket = connect(Number(url.port || 80), url.hostname);
    socket.setNoDelay(true);
    const parser = new ResponseParser();
    const timer = setTimeout(
      () => socket.destroy(new Error(`timed out after ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
    try {
      const response = new Promise<HttpResponse | undefined>((resolve, reject) => {
        socket.on('data', (chunk: Buffer) => {
          const parsed = parser.push(chunk);
          if (parsed) resolve(parsed);
        });
        socket.on('end', () => resolve(parser.end()));
        socket.on('error', (error: NodeJS.ErrnoException) => {
          const parsed = parser.end();
          // A reset or broken pipe is the target closing on us; a timeout is a failure.
          if (parsed || error.code === 'ECONNRESET' || error.code === 'EPIPE') resolve(parsed);
          else reject(error);
        });
        socket.on('close', () => resolve(parser.end()));
      });
      let answered = false;
      const settle = () => {
        answered = true;
      };
      void response.then(settle, settle);
      for (const chunks of sources) {
        for (const chunk of chunks) {
          if (answered || socket.destroyed) break;
          await writeAll(socket, [chunk], () => answered);
          if (gapMs > 0) await sleep(gapMs);
        }
      }
      if (reset) {
        socket.resetAndDestroy();
        return undefined;
      }
      return await response;
    } catch (error) {
      throw new RequestFailedError(`${what}: ${describeNetworkError(error)}`);
    } finally {
      clearTimeout(timer);
      socket.destroy();
    }
  }

  async close(): Promise<void> {
    await this.#agent.destroy();
  }
}

/** Writes with backpressure; stops early once `stop()` says the response is in (or failed). */
async function writeAll(socket: Socket, chunks: Iterable<Buffer>, stop: () => boolean) {
  for (const chunk of chunks) {
    if (stop() || socket.destroyed) return;
    if (!socket.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done);
          socket.off('close', done);
          resolve();
        };
        socket.on('drain', done);
        socket.on('close', done);
      });
    }
  }
}

/** Minimal HTTP/1.1 response parser: Content-Length, chunked, or until close. */
class ResponseParser {
  #buffer = Buffer.alloc(0);

  push(chunk: Buffer): HttpResponse | undefined {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    return this.#parse(false);
  }

  end(): HttpResponse | undefined {
    return this.#parse(true);
  }

  #parse(ended: boolean): HttpResponse | undefined {
    const headEnd = this.#buffer.indexOf('\r\n\r\n');
    if (headEnd < 0) return undefined;
    const [statusLine = '', ...lines] = this.#buffer
      .subarray(0, headEnd)
      .toString('latin1')
      .split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!status) return undefined;
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const rest = this.#buffer.subarray(headEnd + 4);
    if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
      const body = decodeChunked(rest);
      return body ? { status, headers, body } : undefined;
    }
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      return rest.length >= length
        ? { status, headers, body: rest.subarray(0, length) }
        : undefined;
    }
    return ended ? { status, headers, body: rest } : undefined;
  }
}

/** The body of a complete chunked message, or undefined while it is still incomplete. */
function decodeChunked(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (data.length < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}

/** One line for a failed request: the error, its code, and its cause (undici nests them). */
export function describeNetworkError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 3; depth++) {
    const { message, code } = current as { message?: string; code?: string };
    parts.push(code ? `${message} (${code})` : String(message ?? current));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}
