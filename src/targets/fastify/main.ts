import { pgUsers } from '../../data/pg/users.ts';
import { configOrExit } from '../shared/config.ts';
import { RequestLog } from '../shared/request-log.ts';
import { upstreamClient } from '../shared/upstream-client.ts';
import { buildApp } from './app.ts';

const config = configOrExit();
const users = pgUsers(config.databaseUrl, config.dbPool);
const upstream = upstreamClient(config.upstreamUrl, config.dbPool);
const app = await buildApp({ config, users, upstream, log: new RequestLog() });
// Resources outside Fastify close with it, after in-flight requests have finished.
app.addHook('onClose', async () => {
  await Promise.allSettled([users.close(), upstream.close()]);
});

try {
  await app.listen({ port: config.port, host: config.host });
} catch (error) {
  // One line (launch.ts looks for EADDRINUSE to retry on another port).
  process.stderr.write(`fastify target: ${(error as Error).message}\n`);
  process.exit(1);
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
