import { createServer } from 'node:http';

/**
 * A node:http server for statistics tests over real HTTP: GET /work answers after DELAY_MS
 * (0 = at once), so a "planted slowdown" is a known, real one. `PORT=… DELAY_MS=2 node …`.
 */
const delayMs = Number(process.env.DELAY_MS ?? 0);
const BODY = Buffer.from('{"ok":true}');
const server = createServer((_req, res) => {
  const answer = () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
    res.end(BODY);
  };
  if (delayMs > 0) setTimeout(answer, delayMs);
  else answer();
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
