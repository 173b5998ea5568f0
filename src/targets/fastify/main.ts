import { configOrExit, exitListenFailure } from '../shared/config.ts';
import { buildTarget } from './app.ts';

const config = configOrExit();
let app: Awaited<ReturnType<typeof buildTarget>>;
try {
  app = await buildTarget(config);
} catch (error) {
  // One line, like a configuration error (e.g. the ORM could not connect).
  process.stderr.write(`fastify target: ${(error as Error).message}\n`);
  process.exit(1);
}

try {
  await app.listen({ port: config.port, host: config.host });
} catch (error) {
  exitListenFailure('fastify', config.port, error);
}

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // close() stops accepting, closes idle keep-alive sockets once and waits for in-flight
  // requests. A socket whose request finishes later would stay open until the client's
  // keep-alive timeout (and hold close() up), so sweep until it is done.
  setInterval(() => app.server.closeIdleConnections(), 25).unref();
  await app.close();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
