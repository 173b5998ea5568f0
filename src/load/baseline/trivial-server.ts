import { createServer } from 'node:http';

/**
 * The physical-limit target: a node:http server that answers `GET /health` with
 * `{"status":"ok"}` and does nothing else, so a load engine's throughput against it measures the
 * engine (and the loopback), not a framework. Started as its own process:
 *
 *   PORT=3000 node src/load/baseline/trivial-server.ts
 *
 * `HOST` defaults to 127.0.0.1. SIGTERM/SIGINT close the listener and idle keep-alive
 * connections, then exit 0.
 *
 * `TRIVIAL_SPIN_NS=<n>` plants a known per-request CPU cost: each /health answer first spins
 * for n nanoseconds on the clock (`lab calibrate` sets it to 5% or 10% of the measured CPU
 * time per request, to check that the lab detects a slowdown of that size).
 *
 * `TRIVIAL_RETAIN_BYTES=<n>` plants a memory leak: each /health answer keeps a Buffer of n bytes
 * for good (the soak suite checks that its leak verdict finds it). Off (0) by default.
 */
const BODY = Buffer.from('{"status":"ok"}');
const HEADERS = {
  'content-type': 'application/json',
  'content-length': String(BODY.length),
};
const NOT_FOUND = Buffer.from('{"error":"not found"}');

const SPIN_MS = Math.max(0, Number(process.env.TRIVIAL_SPIN_NS ?? 0)) / 1e6;
const RETAIN_BYTES = Math.max(0, Math.floor(Number(process.env.TRIVIAL_RETAIN_BYTES ?? 0)));
const retained: Buffer[] = [];
let owed = 0;

/** Keeps RETAIN_BYTES per request, in 4-KiB buffers (one per few requests: little overhead). */
function leak(): void {
  owed += RETAIN_BYTES;
  if (owed < 4096) return;
  retained.push(Buffer.alloc(owed, 1));
  owed = 0;
}

/**
 * Busy-waits SPIN_MS on the monotonic clock: CPU time, as a heavier handler would use.
 * performance.now() returns a number, so the loop allocates nothing: a BigInt clock
 * (hrtime.bigint) would add garbage-collection work beyond the planted cost.
 */
function spin(): void {
  if (SPIN_MS === 0) return;
  const until = performance.now() + SPIN_MS;
  while (performance.now() < until) {
    // spin
  }
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    spin();
    if (RETAIN_BYTES > 0) leak();
    res.writeHead(200, HEADERS);
    res.end(BODY);
    return;
  }
  req.resume();
  res.writeHead(404, { 'content-type': 'application/json', 'content-length': NOT_FOUND.length });
  res.end(NOT_FOUND);
});
server.keepAliveTimeout = 60_000;

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
server.listen(port, host, () => {
  console.log(`trivial server listening on http://${host}:${port}`);
});

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  console.log(`trivial server: ${signal}, closing`);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // Connections with a request in flight get a moment to finish, then go.
  setTimeout(() => {
    server.closeAllConnections();
  }, 1000).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
