import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/infra/ports.ts';
import { runInProcess } from '../src/load/inprocess/engine.ts';

/** Behaviour of the in-process engine against a trivial server; no timing is asserted. */
let server: Server;
let baseUrl: string;
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    req.resume();
    res.statusCode = req.url === '/fail' ? 500 : 200;
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const base = { scenario: 'test', target: 'node:http' };

describe('in-process engine', () => {
  it('closed model: counts every answer, latency percentiles are ordered', async () => {
    const result = await runInProcess({
      ...base,
      baseUrl,
      settings: { model: 'closed', concurrency: 4, durationSeconds: 0.5 },
      request: () => ({ method: 'GET', path: '/ok' }),
    });
    expect(result.requests).toBeGreaterThan(0);
    expect(result.errors).toBe(0);
    expect(result.statuses).toEqual({ 200: result.requests });
    expect(result.latency.count).toBe(result.requests);
    const { min, p50, p95, p99, p999, max } = result.latency;
    expect([min, p50, p95, p99, p999, max]).toEqual(
      [min, p50, p95, p99, p999, max].sort((a, b) => a - b),
    );
    expect(result.throughput).toBeGreaterThan(0);
    expect(result.meta.connections).toBe(4);
  });

  it('records microsecond resolution, not whole milliseconds', async () => {
    const result = await runInProcess({
      ...base,
      baseUrl,
      settings: { model: 'closed', concurrency: 1, durationSeconds: 0.3 },
      request: () => ({ method: 'GET', path: '/ok' }),
    });
    const fractional = [result.latency.p50, result.latency.p99, result.latency.mean].some(
      (value) => !Number.isInteger(value),
    );
    expect(fractional).toBe(true);
  });

  it('counts unexpected statuses as errors and failed checks', async () => {
    const result = await runInProcess({
      ...base,
      baseUrl,
      settings: { model: 'closed', concurrency: 2, durationSeconds: 0.3 },
      request: () => ({ method: 'GET', path: '/fail' }),
    });
    expect(result.requests).toBeGreaterThan(0);
    expect(result.errors).toBe(result.requests);
    expect(result.failedChecks).toBe(result.requests);
    expect(result.statuses).toEqual({ 500: result.requests });
  });

  it('open model: never sends more than the schedule allows', async () => {
    const result = await runInProcess({
      ...base,
      baseUrl,
      settings: { model: 'open', ratePerSecond: 200, durationSeconds: 0.5 },
      request: () => ({ method: 'GET', path: '/ok' }),
    });
    expect(result.requests).toBeGreaterThan(0);
    expect(result.requests).toBeLessThanOrEqual(100);
    expect(result.errors).toBe(0);
  });

  it("open model: no latency below the server's own delay (no request counted before it is sent)", async () => {
    // Each answer takes ≥ 2 ms, so no honest latency can be shorter, whatever the rate. At 2,000
    // requests/s the schedule is 0.5 ms apart, finer than timers: requests due within a
    // millisecond go out early, and their latency must count from when they were sent.
    const slow = createServer((req, res) => {
      req.resume();
      // Timers may fire early against the clock (libuv caches loop time): check the clock.
      const received = performance.now();
      const answer = () => {
        if (performance.now() - received >= 2) res.end('{"ok":true}');
        else setImmediate(answer);
      };
      answer();
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const result = await runInProcess({
        ...base,
        baseUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`,
        settings: { model: 'open', ratePerSecond: 2000, durationSeconds: 0.5 },
        request: () => ({ method: 'GET', path: '/ok' }),
      });
      expect(result.requests).toBeGreaterThan(0);
      expect(result.latency.min).toBeGreaterThanOrEqual(2);
    } finally {
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });

  it('does not record the warm-up phase', async () => {
    const before = hits;
    const result = await runInProcess({
      ...base,
      baseUrl,
      settings: { model: 'closed', concurrency: 2, durationSeconds: 0.2, warmupSeconds: 0.2 },
      request: () => ({ method: 'GET', path: '/ok' }),
    });
    expect(hits - before).toBeGreaterThan(result.requests);
  });

  it('reports transport errors when nothing listens', async () => {
    const port = await freePort();
    const result = await runInProcess({
      ...base,
      baseUrl: `http://127.0.0.1:${port}`,
      settings: { model: 'closed', concurrency: 1, durationSeconds: 0.2 },
      request: () => ({ method: 'GET', path: '/ok' }),
    });
    expect(result.requests).toBe(0);
    expect(result.errors).toBeGreaterThan(0);
    expect(result.meta.transportErrors).toBe(result.errors);
  });
});

/**
 * The engine's own HTTP/1.1 client against raw sockets: every framing a server may use, answers
 * split across reads, connections the server closes, malformed answers, and the load model
 * (one request in flight per connection, never pipelined).
 */
interface RawServer {
  url: string;
  /** Requests seen, and whether any arrived on a socket that still owed an answer. */
  requests: number;
  pipelined: boolean;
  maxOpenSockets: number;
  requestHeads: string[];
  close(): Promise<void>;
}

interface Exchange {
  socket: Socket;
  head: string;
  index: number;
  /** Writes the answer: strings at once, `[ms, text]` that much later than the previous part. */
  reply(...parts: Array<string | [number, string]>): void;
}

async function rawServer(answer: (exchange: Exchange) => void): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const state: RawServer = {
    url: '',
    requests: 0,
    pipelined: false,
    maxOpenSockets: 0,
    requestHeads: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        netServer.close(() => resolve());
      }),
  };
  const netServer = createNetServer((socket) => {
    sockets.add(socket);
    state.maxOpenSockets = Math.max(state.maxOpenSockets, sockets.size);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setEncoding('latin1');
    let buffered = '';
    let owed = false;
    let bodyLeft = 0;
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      while (true) {
        if (bodyLeft > 0) {
          const take = Math.min(bodyLeft, buffered.length);
          bodyLeft -= take;
          buffered = buffered.slice(take);
          if (bodyLeft > 0) return;
        }
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        bodyLeft = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        // A request while the previous answer is not written yet: the client pipelined.
        if (owed) state.pipelined = true;
        owed = true;
        state.requestHeads.push(head);
        answer({
          socket,
          head,
          index: state.requests++,
          reply(...parts) {
            owed = false;
            let delay = 0;
            for (const part of parts) {
              if (typeof part === 'string') socket.write(part);
              else {
                delay += part[0];
                setTimeout(() => socket.writable && socket.write(part[1]), delay);
              }
            }
          },
        });
      }
    });
  });
  await new Promise<void>((resolve) => netServer.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(netServer.address() as AddressInfo).port}`;
  return state;
}

const closed = (seconds: number, concurrency = 2) => ({
  model: 'closed' as const,
  concurrency,
  durationSeconds: seconds,
});

describe('in-process engine: HTTP/1.1 client', () => {
  it('keeps one request in flight per connection, never pipelines, reuses connections', async () => {
    const server = await rawServer(({ reply }) =>
      setTimeout(() => reply('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'), Math.random() * 3),
    );
    try {
      const result = await runInProcess({
        ...base,
        baseUrl: server.url,
        settings: closed(0.4, 3),
        request: () => ({ method: 'GET', path: '/x' }),
      });
      expect(result.requests).toBeGreaterThan(0);
      expect(result.errors).toBe(0);
      expect(server.pipelined).toBe(false);
      expect(server.maxOpenSockets).toBe(3);
      expect(result.meta['inprocess.socketsOpened']).toBe(3);
      expect(server.requestHeads[0]).toMatch(/^GET \/x HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+$/);
    } finally {
      await server.close();
    }
  });

  it('reads chunked bodies, trailers and answers split across reads', async () => {
    const server = await rawServer(({ index, reply }) => {
      if (index % 2 === 0) {
        reply(
          'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhe',
          [1, 'llo\r'],
          [1, '\n6;ext=1\r\n world\r\n0\r\nx-trailer: 1\r\n'],
          [1, '\r\n'],
        );
      } else {
        reply('HTTP/1.1 201 Created\r\nConte', [1, 'nt-Length: 10\r\n\r\n01234'], [1, '56789']);
      }
    });
    try {
      const result = await runInProcess({
        ...base,
        baseUrl: server.url,
        settings: closed(0.3, 1),
        request: () => ({ method: 'GET', path: '/split' }),
      });
      expect(result.requests).toBeGreaterThan(2);
      expect(result.errors).toBe(0);
      expect(Object.keys(result.statuses).sort()).toEqual(['200', '201']);
      expect(result.meta['inprocess.socketsOpened']).toBe(1);
      expect(server.pipelined).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('reconnects after Connection: close and reads close-delimited bodies', async () => {
    const server = await rawServer(({ socket, index, reply }) => {
      if (index % 2 === 0) {
        reply('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok');
      } else {
        reply('HTTP/1.0 200 OK\r\n\r\nuntil close');
        socket.end();
      }
    });
    try {
      const result = await runInProcess({
        ...base,
        baseUrl: server.url,
        settings: closed(0.3, 1),
        request: () => ({ method: 'GET', path: '/close' }),
      });
      expect(result.requests).toBeGreaterThan(2);
      expect(result.errors).toBe(0);
      expect(result.meta['inprocess.socketsOpened']).toBeGreaterThanOrEqual(result.requests);
    } finally {
      await server.close();
    }
  });

  it('skips 1xx answers and reads no body after 204', async () => {
    const server = await rawServer(({ reply }) =>
      reply('HTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n', [
        1,
        'HTTP/1.1 204 No Content\r\n\r\n',
      ]),
    );
    try {
      const result = await runInProcess({
        ...base,
        baseUrl: server.url,
        settings: closed(0.2, 1),
        request: () => ({ method: 'DELETE', path: '/thing' }),
      });
      expect(result.requests).toBeGreaterThan(0);
      expect(result.errors).toBe(0);
      expect(result.statuses).toEqual({ 204: result.requests });
    } finally {
      await server.close();
    }
  });

  it('sends bodies with their length and the given headers', async () => {
    const server = await rawServer(({ reply }) =>
      reply('HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n'),
    );
    try {
      const result = await runInProcess({
        ...base,
        baseUrl: server.url,
        settings: closed(0.2, 1),
        request: (i) => ({
          method: 'POST',
          path: '/users',
          headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
          body: i % 2 ? JSON.stringify({ name: 'é' }) : Buffer.from('{}'),
        }),
      });
      expect(result.requests).toBeGreaterThan(1);
      expect(result.errors).toBe(0);
      expect(server.pipelined).toBe(false);
      const [first, second] = server.requestHeads;
      expect(first).toMatch(
        /^POST \/users HTTP\/1\.1\r\nhost: .+\r\ncontent-type: application\/json\r\nauthorization: Bearer t\r\ncontent-length: 2$/,
      );
      // Byte length, not string length: "é" is two bytes.
      expect(second).toMatch(/content-length: 13$/);
    } finally {
      await server.close();
    }
  });

  it('counts malformed answers and mid-answer closes as transport errors', async () => {
    const server = await rawServer(({ socket, index, reply }) => {
      if (index % 3 === 0) reply('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      else if (index % 3 === 1) reply('garbage\r\n\r\n');
      else {
        reply('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nshort');
        socket.end();
      }
    });
    try {
      const result = await runInProcess({
        ...base,
        baseUrl: server.url,
        settings: closed(0.3, 1),
        request: () => ({ method: 'GET', path: '/bad' }),
      });
      expect(result.requests).toBeGreaterThan(0);
      expect(result.meta.transportErrors).toBeGreaterThan(0);
      expect(result.errors).toBe(result.meta.transportErrors);
      expect(result.statuses).toEqual({ 200: result.requests });
    } finally {
      await server.close();
    }
  });

  it('an abort cuts off requests a stalled server never answers', async () => {
    const server = await rawServer(() => {
      // never answers
    });
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('target exited')), 200);
      const result = await runInProcess({
        ...base,
        baseUrl: server.url,
        settings: closed(5, 2),
        signal: controller.signal,
        request: () => ({ method: 'GET', path: '/stall' }),
      });
      expect(result.failure).toMatch(/target exited/);
      expect(result.requests).toBe(0);
      expect(result.meta.transportErrors).toBe(2);
      expect(result.meta.elapsedSeconds).toBeLessThan(5);
    } finally {
      await server.close();
    }
  });

  it('rejects a base URL with a path, and builds no request with CR/LF in it', async () => {
    await expect(
      runInProcess({
        ...base,
        baseUrl: `${baseUrl}/prefix`,
        settings: closed(0.1, 1),
        request: () => ({ method: 'GET', path: '/ok' }),
      }),
    ).rejects.toThrow(/must be an origin/);
    const before = hits;
    const result = await runInProcess({
      ...base,
      baseUrl,
      settings: closed(0.1, 1),
      request: () => ({ method: 'GET', path: '/ok', headers: { 'x-evil': 'a\r\nx-injected: 1' } }),
    });
    expect(hits).toBe(before);
    expect(result.requests).toBe(0);
    expect(result.errors).toBeGreaterThan(0);
  });

  it('a request builder that throws fails the run', async () => {
    await expect(
      runInProcess({
        ...base,
        baseUrl,
        settings: closed(0.2, 2),
        request: () => {
          throw new Error('no more ids');
        },
      }),
    ).rejects.toThrow(/no more ids/);
  });
});
