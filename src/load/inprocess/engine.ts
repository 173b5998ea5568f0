import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { type LatencyHistogram, newLatencyHistogram, summarizeMicros } from '../histogram.ts';
import type { LoadSettings, Result } from '../result.ts';

/**
 * In-process HTTP load engine: quick runs and a cross-check for k6. Latency is recorded in
 * microseconds into an HDR histogram (autocannon records whole milliseconds, which flattens
 * loopback latencies of a few hundred µs into 0 or 1).
 *
 * Closed model: `concurrency` connections, each sending its next request when the last one is
 * answered (throughput). Open model: requests start on a fixed schedule whatever the answers do,
 * and latency counts from the *scheduled* start, so a stalled server is not hidden by the
 * generator waiting for it (no coordinated omission).
 *
 * The HTTP/1.1 client is a minimal one on `node:net` sockets (below), the way wrk works: one
 * keep-alive connection per virtual user, exactly one request in flight on it (no pipelining),
 * every response read to its end by its framing (Content-Length, chunked, or connection close)
 * and its status checked. A general-purpose client (undici `request()`, then `dispatch()`)
 * spent most of one core on per-request objects and timers and capped a trivial target at
 * 0.6–0.85× wrk's throughput; this one leaves the target as the bottleneck.
 */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface InProcessOptions {
  baseUrl: string;
  scenario: string;
  target: string;
  variant?: string;
  settings: LoadSettings;
  /** Builds request number `i` (lets scenarios vary ids, pages, emails). */
  request: (i: number) => RequestSpec;
  /** Statuses that count as success; default: any 2xx. */
  expectStatus?: (status: number) => boolean;
  /** Abort the run early (e.g. the target crashed): in-flight requests are cut off. */
  signal?: AbortSignal;
  /**
   * Called for every response of a recorded phase (cold-start traces): its status and latency,
   * and `performance.now()` at its end.
   */
  onResponse?: (status: number, latencyMs: number, endMs: number) => void;
}

const MICROS_PER_MS = 1000;
/** Histogram ceiling in µs (src/load/histogram.ts); slower answers are recorded as this. */
const HIGHEST_MICROS = 60_000_000;
/** How long requests still in flight when the window closes may take before they are cut off. */
const DRAIN_TIMEOUT_MS = 30_000;
/** A response head larger than this is a protocol error (undici's default limit is 16 KiB). */
const MAX_HEAD_BYTES = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Minimal HTTP/1.1 client connection
// ---------------------------------------------------------------------------------------------

/** Parser states. */
const IDLE = 0;
const HEAD = 1;
const BODY = 2;
const CHUNK_SIZE = 3;
const CHUNK_DATA = 4;
const CHUNK_END = 5;
const TRAILERS = 6;
const UNTIL_CLOSE = 7;
/** parseHead's other answers (besides BODY and UNTIL_CLOSE). */
const CHUNKED = 8;
const MALFORMED = 9;

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const LF = 10;
const CR = 13;

/** Status of a request that got no (complete) answer: refused, reset, malformed, cut off. */
export const TRANSPORT_ERROR = -1;

interface Origin {
  host: string;
  port: number;
  tls: boolean;
  /** Value of the Host header. */
  hostHeader: string;
}

function parseOrigin(baseUrl: string): Origin {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`in-process engine: unsupported protocol in ${baseUrl} (http: or https:)`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`in-process engine: baseUrl must be an origin, got ${baseUrl}`);
  }
  const tls = url.protocol === 'https:';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port: Number(url.port || (tls ? 443 : 80)), tls, hostHeader: url.host };
}

const UNSAFE = /[\r\n]/;

/** A request serialised once: head as a latin1 string, body as given. */
interface Prepared {
  head: string;
  body: string | Buffer | undefined;
  /** HEAD requests get no body back whatever their headers say. */
  noResponseBody: boolean;
}

/** Serialises a request (throws on header injection or an unframed body). */
function prepare(spec: RequestSpec, hostHeader: string): Prepared {
  if (UNSAFE.test(spec.path) || spec.path.includes(' ')) {
    throw new Error(`invalid request path ${JSON.stringify(spec.path)}`);
  }
  let head = `${spec.method} ${spec.path} HTTP/1.1\r\n`;
  let ownHost = false;
  let ownLength = false;
  let extra = '';
  const headers = spec.headers;
  if (headers) {
    for (const name in headers) {
      const value = headers[name] as string;
      if (UNSAFE.test(name) || UNSAFE.test(value) || name.includes(':')) {
        throw new Error(`invalid request header ${JSON.stringify(name)}`);
      }
      const lower = name.toLowerCase();
      if (lower === 'host') ownHost = true;
      else if (lower === 'content-length') ownLength = true;
      else if (lower === 'transfer-encoding' || lower === 'connection') {
        throw new Error(`the in-process engine sets ${name} itself`);
      }
      extra += `${name}: ${value}\r\n`;
    }
  }
  if (!ownHost) head += `host: ${hostHeader}\r\n`;
  head += extra;
  const body = spec.body;
  if (!ownLength) {
    if (body !== undefined) {
      const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      head += `content-length: ${length}\r\n`;
    } else if (spec.method === 'POST' || spec.method === 'PUT' || spec.method === 'PATCH') {
      head += 'content-length: 0\r\n';
    }
  }
  head += '\r\n';
  return { head, body, noResponseBody: (spec.method as string) === 'HEAD' };
}

/** Called once per request: the status (or TRANSPORT_ERROR) and `performance.now()` at its end. */
type Completion = (connection: HttpConnection, status: number, now: number) => void;

/**
 * One keep-alive connection with at most one request in flight. The socket opens lazily with
 * the first request and again after the server closed it; the request is written at once
 * (net buffers it until the connection is up).
 */
class HttpConnection {
  socket: Socket | null = null;
  state = IDLE;
  /** `performance.now()` at the (scheduled) start of the request in flight. */
  startedAt = 0;
  /** Sockets opened so far. */
  opened = 0;
  readonly origin: Origin;
  readonly done: Completion;
  // Response being parsed.
  private status = 0;
  private remaining = 0;
  private keepAlive = true;
  private noResponseBody = false;
  private partial: Buffer | null = null;

  constructor(origin: Origin, done: Completion) {
    this.origin = origin;
    this.done = done;
  }

  get busy(): boolean {
    return this.state !== IDLE;
  }

  send(request: Prepared, startedAt: number): void {
    this.startedAt = startedAt;
    this.noResponseBody = request.noResponseBody;
    this.status = 0;
    this.partial = null;
    this.state = HEAD;
    const socket = this.socket ?? this.open();
    if (request.body === undefined) {
      socket.write(request.head, 'latin1');
    } else {
      // One writev for head and body.
      socket.cork();
      socket.write(request.head, 'latin1');
      socket.write(request.body);
      socket.uncork();
    }
  }

  /** Cuts off the request in flight (it completes as a transport error) and the socket. */
  abandon(): void {
    if (this.state !== IDLE) this.fail();
  }

  close(): void {
    this.drop();
  }

  private open(): Socket {
    const { host, port, tls } = this.origin;
    const socket = tls
      ? tlsConnect({
          host,
          port,
          ...(isIP(host) ? {} : { servername: host }),
          ALPNProtocols: ['http/1.1'],
        })
      : netConnect({ host, port, noDelay: true, keepAlive: true });
    if (tls) socket.setNoDelay(true);
    this.socket = socket;
    this.opened++;
    socket.on('data', (chunk: Buffer) => {
      if (this.socket === socket) this.onData(chunk);
    });
    socket.on('error', () => {
      // 'close' follows and decides what the error means.
    });
    // The server closing (FIN) ends a read-until-close body, fails a request in flight, and
    // retires an idle socket before the next request is written into it.
    const ended = () => {
      if (this.socket !== socket) return;
      this.drop();
      if (this.state === UNTIL_CLOSE) this.complete(false);
      else if (this.state !== IDLE) this.fail();
    };
    socket.on('end', ended);
    socket.on('close', ended);
    return socket;
  }

  /** Forgets and destroys the current socket; its late events are ignored. */
  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    this.partial = null;
    socket?.destroy();
  }

  private fail(): void {
    this.drop();
    this.state = IDLE;
    this.done(this, TRANSPORT_ERROR, performance.now());
  }

  /** The response is complete; `leftover` = the server sent bytes nobody asked for. */
  private complete(leftover: boolean): void {
    if (leftover || !this.keepAlive) this.drop();
    this.state = IDLE;
    this.done(this, this.status, performance.now());
  }

  private onData(chunk: Buffer): void {
    if (this.state === IDLE) {
      // Nothing was asked: a server speaking out of turn. Start afresh with the next request.
      this.drop();
      return;
    }
    let buf = chunk;
    if (this.partial) {
      buf = Buffer.concat([this.partial, chunk]);
      this.partial = null;
    }
    const length = buf.length;
    let pos = 0;
    while (pos < length) {
      switch (this.state) {
        case HEAD: {
          const end = buf.indexOf(CRLF_CRLF, pos);
          if (end === -1) {
            if (length - pos > MAX_HEAD_BYTES) {
              this.fail();
              return;
            }
            this.partial = buf.subarray(pos);
            return;
          }
          const framing = this.parseHead(buf, pos, end);
          if (framing === MALFORMED) {
            this.fail();
            return;
          }
          pos = end + 4;
          const status = this.status;
          if (status < 200) {
            // 1xx (103 Early Hints…) precede the real answer; 101 would switch protocols.
            if (status === 101) {
              this.fail();
              return;
            }
            continue;
          }
          if (this.noResponseBody || status === 204 || status === 304) {
            this.complete(pos < length);
            return;
          }
          if (framing === CHUNKED) this.state = CHUNK_SIZE;
          else if (framing === UNTIL_CLOSE) {
            this.state = UNTIL_CLOSE;
            this.keepAlive = false;
          } else {
            if (this.remaining === 0) {
              this.complete(pos < length);
              return;
            }
            this.state = BODY;
          }
          continue;
        }
        case BODY: {
          const take = Math.min(this.remaining, length - pos);
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) {
            this.complete(pos < length);
            return;
          }
          continue;
        }
        case UNTIL_CLOSE:
          pos = length;
          continue;
        case CHUNK_SIZE: {
          const lf = buf.indexOf(LF, pos);
          if (lf === -1) {
            if (length - pos > 1024) {
              this.fail();
              return;
            }
            this.partial = buf.subarray(pos);
            return;
          }
          const line = buf.toString('latin1', pos, lf);
          const size = Number.parseInt(line, 16);
          if (!/^[0-9a-fA-F]+[ \t]*(;[^\r]*)?\r$/.test(line) || !(size >= 0)) {
            this.fail();
            return;
          }
          pos = lf + 1;
          if (size === 0) this.state = TRAILERS;
          else {
            this.remaining = size;
            this.state = CHUNK_DATA;
          }
          continue;
        }
        case CHUNK_DATA: {
          const take = Math.min(this.remaining, length - pos);
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) {
            this.remaining = 2;
            this.state = CHUNK_END;
          }
          continue;
        }
        case CHUNK_END: {
          // The CRLF after a chunk's data, possibly split across reads.
          const expected = this.remaining === 2 ? CR : LF;
          if (buf[pos] !== expected) {
            this.fail();
            return;
          }
          pos++;
          if (--this.remaining === 0) this.state = CHUNK_SIZE;
          continue;
        }
        case TRAILERS: {
          const lf = buf.indexOf(LF, pos);
          if (lf === -1) {
            if (length - pos > MAX_HEAD_BYTES) {
              this.fail();
              return;
            }
            this.partial = buf.subarray(pos);
            return;
          }
          const empty = lf === pos || (lf === pos + 1 && buf[pos] === CR);
          pos = lf + 1;
          if (empty) {
            this.complete(pos < length);
            return;
          }
          continue;
        }
        default:
          return;
      }
    }
  }

  /**
   * Status line and the three headers that frame the body: sets `status`, `keepAlive` and, for
   * a Content-Length body, `remaining`; returns the framing (BODY, CHUNKED, UNTIL_CLOSE) or
   * MALFORMED.
   */
  private parseHead(buf: Buffer, start: number, end: number): number {
    // "HTTP/1.x SSS"
    if (
      end - start < 12 ||
      buf[start] !== 0x48 || // H
      buf[start + 4] !== 0x2f || // /
      buf[start + 5] !== 0x31 || // 1
      buf[start + 6] !== 0x2e || // .
      buf[start + 8] !== 0x20 // space
    ) {
      return MALFORMED;
    }
    const d0 = (buf[start + 9] as number) - 48;
    const d1 = (buf[start + 10] as number) - 48;
    const d2 = (buf[start + 11] as number) - 48;
    if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return MALFORMED;
    this.status = d0 * 100 + d1 * 10 + d2;
    let keepAlive = buf[start + 7] === 0x31; // HTTP/1.1 keeps alive by default, 1.0 does not
    let contentLength = -1;
    let transferEncoding: string | undefined;

    const lineEnd = buf.indexOf(LF, start);
    const head = buf.toString('latin1', lineEnd + 1, end + 2);
    let at = 0;
    while (at < head.length) {
      let eol = head.indexOf('\n', at);
      if (eol === -1) eol = head.length;
      const colon = head.indexOf(':', at);
      if (colon > at && colon < eol) {
        const nameLength = colon - at;
        // Only the framing headers matter: compare names of their lengths only.
        if (nameLength === 14 || nameLength === 17 || nameLength === 10) {
          const name = head.slice(at, colon).toLowerCase();
          if (name === 'content-length') {
            const value = head.slice(colon + 1, eol).trim();
            if (!/^\d+$/.test(value)) return MALFORMED;
            const parsed = Number(value);
            if (contentLength !== -1 && contentLength !== parsed) return MALFORMED;
            contentLength = parsed;
          } else if (name === 'transfer-encoding') {
            const value = head
              .slice(colon + 1, eol)
              .trim()
              .toLowerCase();
            transferEncoding = transferEncoding ? `${transferEncoding},${value}` : value;
          } else if (name === 'connection') {
            for (const token of head
              .slice(colon + 1, eol)
              .toLowerCase()
              .split(',')) {
              const option = token.trim();
              if (option === 'close') keepAlive = false;
              else if (option === 'keep-alive') keepAlive = true;
            }
          }
        }
      }
      at = eol + 1;
    }
    this.keepAlive = keepAlive;
    if (transferEncoding !== undefined) {
      // Chunked last: chunked framing; any other coding: the body ends with the connection.
      return transferEncoding.split(',').pop()?.trim() === 'chunked' ? CHUNKED : UNTIL_CLOSE;
    }
    if (contentLength >= 0) {
      this.remaining = contentLength;
      return BODY;
    }
    return UNTIL_CLOSE;
  }
}

// ---------------------------------------------------------------------------------------------
// Load models
// ---------------------------------------------------------------------------------------------

interface Tally {
  record: boolean;
  histogram: LatencyHistogram;
  statuses: Record<string, number>;
  transportErrors: number;
  unexpected: number;
  requests: number;
  /** Requests cut off because the window had closed DRAIN_TIMEOUT_MS ago. */
  cutOff: number;
}

function newTally(record: boolean): Tally {
  return {
    record,
    histogram: newLatencyHistogram(),
    statuses: {},
    transportErrors: 0,
    unexpected: 0,
    requests: 0,
    cutOff: 0,
  };
}

/** What one phase of load measured. */
export interface PhaseTally extends Tally {
  elapsedSeconds: number;
  /** CPU use of this (generator) process over the phase, % of one core. */
  cpuPercent: number;
  /** Sockets opened during the phase. */
  opened: number;
}

/** One stage of a ramp: the number of virtual users moves linearly to `target` (k6 `stages`). */
export interface RampStage {
  seconds: number;
  target: number;
}

/** What one window of a ramp measured; `vus` is the number of active users at its end. */
export interface RampWindow {
  startSeconds: number;
  vus: number;
  tally: PhaseTally;
}

/**
 * The engine's core for one target: a pool of keep-alive connections and phases of load on it
 * (closed or open model), each counted or not. The pool stays open between phases, so a caller
 * can alternate short phases between several targets (interleaved.ts) without reconnecting.
 * `ramp` is the closed model with a changing number of users (k6's `ramping-vus`), recorded
 * in consecutive windows for time series (spike, soak).
 */
export interface InProcessDriver {
  readonly connections: number;
  phase(seconds: number, record: boolean): Promise<PhaseTally>;
  ramp(
    startVus: number,
    stages: readonly RampStage[],
    windowSeconds: number,
  ): Promise<RampWindow[]>;
  close(): void;
}

/** Users at `seconds` into a ramp: linear within each stage, rounded like k6's ramping-vus. */
export function rampVus(startVus: number, stages: readonly RampStage[], seconds: number): number {
  let from = startVus;
  let at = 0;
  for (const stage of stages) {
    if (seconds < at + stage.seconds) {
      return Math.round(from + ((stage.target - from) * (seconds - at)) / stage.seconds);
    }
    at += stage.seconds;
    from = stage.target;
  }
  return from;
}

export function createInProcessDriver(
  options: Omit<InProcessOptions, 'scenario' | 'target' | 'variant'>,
): InProcessDriver {
  const { settings, signal } = options;
  const expectStatus = options.expectStatus ?? ((status: number) => status >= 200 && status < 300);
  const connections =
    settings.model === 'closed'
      ? (settings.concurrency ?? 10)
      : Math.max(1, Math.ceil((settings.ratePerSecond ?? 100) / 50));
  const origin = parseOrigin(options.baseUrl);
  let sequence = 0;

  let tally = newTally(false);
  /** What the current phase does when a connection finishes a request. */
  let onFree: (connection: HttpConnection, now: number) => void = () => {};
  const done: Completion = (connection, status, now) => {
    const t = tally;
    if (t.record) {
      if (status === TRANSPORT_ERROR) t.transportErrors++;
      else {
        t.requests++;
        const micros = Math.round((now - connection.startedAt) * MICROS_PER_MS);
        options.onResponse?.(status, micros / MICROS_PER_MS, now);
        t.histogram.recordValue(micros < 1 ? 1 : Math.min(micros, HIGHEST_MICROS));
        t.statuses[status] = (t.statuses[status] ?? 0) + 1;
        if (!expectStatus(status)) t.unexpected++;
      }
    }
    onFree(connection, now);
  };
  const pool = Array.from({ length: connections }, () => new HttpConnection(origin, done));
  const abandonAll = () => {
    for (const connection of pool) connection.abandon();
  };
  signal?.addEventListener('abort', abandonAll);

  /** Builds request number `sequence`; a spec that cannot be sent is a transport error. */
  const next = (): Prepared | undefined => {
    const spec = options.request(sequence++);
    try {
      return prepare(spec, origin.hostHeader);
    } catch {
      return undefined;
    }
  };

  /** Set when the phase must stop sending: its requests got cut off after a stall. */
  let stalled = false;
  const stopSending = () => stalled || signal?.aborted === true;

  const closedPhase = (endMs: number) =>
    new Promise<void>((resolve, reject) => {
      let active = connections;
      const finish = () => {
        if (--active === 0) resolve();
      };
      const issue = (connection: HttpConnection, now: number) => {
        if (now >= endMs || stopSending()) return finish();
        let request: Prepared | undefined;
        try {
          request = next();
        } catch (error) {
          reject(error);
          return finish();
        }
        if (request) connection.send(request, now);
        else {
          // Asynchronously, or a spec that always fails would recurse until the window ends.
          connection.startedAt = now;
          setImmediate(() => done(connection, TRANSPORT_ERROR, performance.now()));
        }
      };
      onFree = issue;
      const now = performance.now();
      for (const connection of pool) issue(connection, now);
    });

  const openPhase = (beginMs: number, endMs: number) =>
    new Promise<void>((resolve, reject) => {
      const intervalMs = 1000 / (settings.ratePerSecond ?? 100);
      const idle: HttpConnection[] = [...pool];
      // Requests due while every connection was busy wait here (as in a client pool's queue),
      // their latency still counting from the scheduled start.
      let queue: Array<{ request: Prepared; scheduled: number }> = [];
      let queueHead = 0;
      let scheduling = true;
      const settleIfDone = () => {
        if (!scheduling && queueHead === queue.length && idle.length === connections) resolve();
      };
      const dropQueue = () => {
        // Never sent: count them as unanswered.
        if (tally.record) {
          tally.transportErrors += queue.length - queueHead;
          if (stalled) tally.cutOff += queue.length - queueHead;
        }
        queue = [];
        queueHead = 0;
      };
      onFree = (connection) => {
        if (stopSending()) dropQueue();
        if (queueHead < queue.length) {
          const item = queue[queueHead] as { request: Prepared; scheduled: number };
          queue[queueHead++] = undefined as never;
          if (queueHead === queue.length) {
            queue = [];
            queueHead = 0;
          }
          connection.send(item.request, item.scheduled);
          return;
        }
        idle.push(connection);
        settleIfDone();
      };
      const schedule = async () => {
        for (let k = 0; !stopSending(); k++) {
          const scheduled = beginMs + k * intervalMs;
          if (scheduled >= endMs) break;
          const wait = scheduled - performance.now();
          if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
          const request = next();
          const connection = idle.pop();
          if (!request) {
            if (connection) {
              connection.startedAt = scheduled;
              setImmediate(() => done(connection, TRANSPORT_ERROR, performance.now()));
            } else if (tally.record) tally.transportErrors++;
          } else if (connection) {
            // Timers cannot wait less than a millisecond, so a request due within one goes out
            // a little early: its latency counts from when it was sent, never from a later
            // scheduled time (that would report less than the server took). A late one counts
            // from its schedule (no coordinated omission).
            connection.send(request, Math.min(scheduled, performance.now()));
          } else queue.push({ request, scheduled });
        }
      };
      schedule().then(
        () => {
          scheduling = false;
          if (stopSending()) dropQueue();
          settleIfDone();
        },
        (error: unknown) => {
          scheduling = false;
          dropQueue();
          reject(error);
        },
      );
    });

  const phase = async (seconds: number, record: boolean) => {
    tally = newTally(record);
    stalled = false;
    const cpuBefore = process.cpuUsage();
    const openedBefore = pool.reduce((sum, connection) => sum + connection.opened, 0);
    const begin = performance.now();
    const end = begin + seconds * 1000;
    // A stalled target must not hang the run: cut off what is still in flight long after the end.
    const stall = setTimeout(
      () => {
        stalled = true;
        for (const connection of pool) {
          if (!connection.busy) continue;
          if (tally.record) tally.cutOff++;
          connection.abandon();
        }
      },
      end - begin + DRAIN_TIMEOUT_MS,
    );
    try {
      if (settings.model === 'closed') await closedPhase(end);
      else await openPhase(begin, end);
    } finally {
      clearTimeout(stall);
      onFree = () => {};
    }
    const elapsedSeconds = (performance.now() - begin) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPercent = ((cpu.user + cpu.system) / 1_000_000 / elapsedSeconds) * 100;
    const opened = pool.reduce((sum, connection) => sum + connection.opened, 0) - openedBefore;
    return { ...tally, elapsedSeconds, cpuPercent, opened };
  };

  /**
   * Closed model on the first `rampVus(t)` connections of the pool: a connection beyond the
   * current count parks after its answer (as a k6 VU finishes its iteration when ramping down)
   * and a timer starts parked ones when the count grows. Answers are counted in the window in
   * which they complete; windows are cut by a timer, their real lengths recorded.
   */
  const ramp = (startVus: number, stages: readonly RampStage[], windowSeconds: number) =>
    new Promise<RampWindow[]>((resolve, reject) => {
      if (settings.model !== 'closed') {
        reject(new Error('ramp: the closed model only (users, not arrivals)'));
        return;
      }
      const peak = Math.max(startVus, ...stages.map((s) => s.target));
      if (peak > connections) {
        reject(new Error(`ramp: ${peak} users but the driver has ${connections} connections`));
        return;
      }
      const totalMs = stages.reduce((sum, s) => sum + s.seconds, 0) * 1000;
      const begin = performance.now();
      const windows: RampWindow[] = [];
      const index = new Map(pool.map((connection, i) => [connection, i]));
      const parked = new Set(pool);
      let windowStart = begin;
      let cpuMark = process.cpuUsage();
      let openedMark = 0;
      tally = newTally(true);
      stalled = false;
      const vusNow = (now: number) => rampVus(startVus, stages, (now - begin) / 1000);
      const closeWindow = (now: number) => {
        const elapsedSeconds = (now - windowStart) / 1000;
        if (elapsedSeconds <= 0) return;
        const cpu = process.cpuUsage(cpuMark);
        const opened = pool.reduce((sum, c) => sum + c.opened, 0);
        windows.push({
          startSeconds: (windowStart - begin) / 1000,
          vus: Math.min(connections, vusNow(now)),
          tally: {
            ...tally,
            elapsedSeconds,
            cpuPercent: ((cpu.user + cpu.system) / 1e6 / elapsedSeconds) * 100,
            opened: opened - openedMark,
          },
        });
        tally = newTally(true);
        windowStart = now;
        cpuMark = process.cpuUsage();
        openedMark = opened;
      };
      let ended = false;
      let endedAt = 0;
      const finishIfIdle = () => {
        if (!ended || parked.size < connections) return;
        clearInterval(timer);
        closeWindow(performance.now());
        onFree = () => {};
        resolve(windows);
      };
      const issue = (connection: HttpConnection, now: number) => {
        if (ended || stopSending() || (index.get(connection) as number) >= vusNow(now)) {
          parked.add(connection);
          finishIfIdle();
          return;
        }
        let request: Prepared | undefined;
        try {
          request = next();
        } catch (error) {
          ended = true;
          parked.add(connection);
          reject(error);
          return;
        }
        parked.delete(connection);
        if (request) connection.send(request, now);
        else {
          connection.startedAt = now;
          setImmediate(() => done(connection, TRANSPORT_ERROR, performance.now()));
        }
      };
      onFree = issue;
      const tick = () => {
        const now = performance.now();
        if (now - windowStart >= windowSeconds * 1000) closeWindow(now);
        if (now - begin >= totalMs || stopSending()) {
          if (!ended) {
            ended = true;
            endedAt = now;
          } else if (!stalled && now - endedAt > DRAIN_TIMEOUT_MS) {
            // A stalled target must not hang the run (as in `phase`).
            stalled = true;
            for (const connection of pool) {
              if (!connection.busy) continue;
              tally.cutOff++;
              connection.abandon();
            }
          }
          finishIfIdle();
          return;
        }
        const vus = vusNow(now);
        for (const connection of [...parked]) {
          if ((index.get(connection) as number) < vus) issue(connection, now);
        }
      };
      // Fine enough for 100-ms windows and a ramp of one user per few ms.
      const timer = setInterval(tick, Math.min(20, windowSeconds * 250));
      tick();
    });

  return {
    connections,
    phase,
    ramp,
    close() {
      signal?.removeEventListener('abort', abandonAll);
      for (const connection of pool) connection.close();
    },
  };
}

export async function runInProcess(options: InProcessOptions): Promise<Result> {
  const { settings, signal } = options;
  const startedAt = new Date().toISOString();
  const driver = createInProcessDriver(options);
  try {
    if (settings.warmupSeconds) await driver.phase(settings.warmupSeconds, false);
    const measured = await driver.phase(settings.durationSeconds, true);
    return resultOf(measured, {
      ...options,
      startedAt,
      connections: driver.connections,
      failure: signal?.aborted ? String(signal.reason ?? 'aborted') : undefined,
    });
  } finally {
    driver.close();
  }
}

/** The Result of a measured phase (or of several merged: interleaved.ts). */
export function resultOf(
  measured: PhaseTally,
  context: {
    scenario: string;
    target: string;
    variant?: string;
    settings: LoadSettings;
    startedAt: string;
    connections: number;
    failure?: string | undefined;
    meta?: Result['meta'];
  },
): Result {
  const latency = summarizeMicros(measured.histogram);
  const cpuPercent = Math.round(measured.cpuPercent);
  // Generator saturation is judged by the sanity checks (src/stats/sanity.ts) from the meta.
  const warnings: string[] = [];
  if (measured.cutOff > 0) {
    warnings.push(
      `${measured.cutOff} requests unanswered ${DRAIN_TIMEOUT_MS / 1000} s after the window ` +
        'were cut off (counted as transport errors)',
    );
  }
  return {
    engine: 'inprocess',
    scenario: context.scenario,
    target: context.target,
    ...(context.variant ? { variant: context.variant } : {}),
    settings: context.settings,
    requests: measured.requests,
    throughput: measured.requests / measured.elapsedSeconds,
    latency,
    errors: measured.transportErrors + measured.unexpected,
    failedChecks: measured.unexpected,
    statuses: measured.statuses,
    ...(context.failure ? { failure: context.failure } : {}),
    warnings,
    startedAt: context.startedAt,
    meta: {
      connections: context.connections,
      transportErrors: measured.transportErrors,
      loadGeneratorCpuPercent: cpuPercent,
      elapsedSeconds: Number(measured.elapsedSeconds.toFixed(3)),
      'inprocess.client': 'node:net HTTP/1.1, keep-alive, 1 request in flight per connection',
      'inprocess.socketsOpened': measured.opened,
      ...context.meta,
    },
  };
}

/** Several phases' tallies as one (interleaved slices of one target). */
export function mergeTallies(tallies: readonly PhaseTally[]): PhaseTally {
  const merged: PhaseTally = { ...newTally(true), elapsedSeconds: 0, cpuPercent: 0, opened: 0 };
  let cpuSeconds = 0;
  for (const t of tallies) {
    merged.histogram.add(t.histogram);
    for (const [status, n] of Object.entries(t.statuses)) {
      merged.statuses[status] = (merged.statuses[status] ?? 0) + n;
    }
    merged.transportErrors += t.transportErrors;
    merged.unexpected += t.unexpected;
    merged.requests += t.requests;
    merged.cutOff += t.cutOff;
    merged.opened += t.opened;
    merged.elapsedSeconds += t.elapsedSeconds;
    cpuSeconds += (t.cpuPercent / 100) * t.elapsedSeconds;
  }
  merged.cpuPercent = merged.elapsedSeconds > 0 ? (cpuSeconds / merged.elapsedSeconds) * 100 : 0;
  return merged;
}
