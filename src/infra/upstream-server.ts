import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { upstreamPayloadPath } from '../contract/index.ts';

/**
 * The upstream stub of scenario 05 ("external API"), run as its own process by upstream.ts so
 * its event loop never competes with the harness's. `GET /data` answers a fixed JSON payload
 * after `UPSTREAM_DELAY_MS`; `GET /health` answers at once; anything else is 404.
 * Settings: `--port` / `PORT`, `--delay-ms` / `UPSTREAM_DELAY_MS`, `--host` / `HOST`.
 */
const args = parseArgs({
  options: { port: { type: 'string' }, 'delay-ms': { type: 'string' }, host: { type: 'string' } },
});
const port = Number(args.values.port ?? process.env.PORT);
const host = args.values.host ?? process.env.HOST ?? '127.0.0.1';
const delayMs = Number(args.values['delay-ms'] ?? process.env.UPSTREAM_DELAY_MS ?? '20');

if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  console.error(
    `upstream: PORT must be a TCP port, got ${JSON.stringify(args.values.port ?? process.env.PORT)}`,
  );
  process.exit(2);
}
if (!Number.isFinite(delayMs) || delayMs < 0) {
  console.error(`upstream: UPSTREAM_DELAY_MS must be ≥ 0, got ${delayMs}`);
  process.exit(2);
}

// Serialized once: every response is the same bytes, so the stub costs next to nothing.
const data = Buffer.from(JSON.stringify(JSON.parse(readFileSync(upstreamPayloadPath, 'utf8'))));
const health = Buffer.from('{"status":"ok"}');
const notFound = Buffer.from('{"error":{"code":"not_found","message":"no such route"}}');

function send(res: ServerResponse, status: number, body: Buffer): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': body.length,
  });
  res.end(body);
}

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/data') {
    const timer = setTimeout(() => send(res, 200, data), delayMs);
    res.once('close', () => clearTimeout(timer));
  } else if (req.method === 'GET' && path === '/health') {
    send(res, 200, health);
  } else {
    send(res, 404, notFound);
  }
});
// Targets pool their connections to us; keep idle ones longer than their agents' defaults.
server.keepAliveTimeout = 65_000;

server.once('error', (error: NodeJS.ErrnoException) => {
  // upstream.ts reads this line to retry on another port.
  if (error.code === 'EADDRINUSE') console.error(`upstream: address already in use ${port}`);
  else console.error(`upstream: ${error.message}`);
  process.exit(1);
});

server.listen(port, host, () => {
  console.log(`upstream ready on http://${host}:${port} (delay ${delayMs} ms)`);
});

function shutdown(): void {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
