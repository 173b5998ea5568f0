import { createServer } from 'node:http';
import { configOrExit, exitListenFailure } from '../shared/config.ts';
import { httpServerOptions } from '../shared/http-server.ts';
import { buildTarget } from './app.ts';

const config = configOrExit();
let target: Awaited<ReturnType<typeof buildTarget>>;
try {
  target = await buildTarget(config);
} catch (error) {
  // One line, like a configuration error (e.g. the ORM could not connect).
  process.stderr.write(`express target: ${(error as Error).message}\n`);
  process.exit(1);
}

const server = createServer(httpServerOptions(config), target.app);
server.on('error', (error) => exitListenFailure('express', config.port, error));
server.listen(config.port, config.host);

let stopping = false;
function shutdown(): void {
  if (stopping) return;
  stopping = true;
  // close() stops accepting and lets in-flight requests finish. It closes idle keep-alive
  // sockets once; a socket whose request finishes later would stay open until the client's
  // keep-alive timeout, so sweep until the server has closed.
  setInterval(() => server.closeIdleConnections(), 25).unref();
  server.close(async () => {
    await target.close();
    process.exit(0);
  });
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
