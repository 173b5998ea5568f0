import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago. Another process can still take it before the server
 * binds, so callers retry on "address in use" (see withPortRetry).
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a probe socket'));
      });
    });
  });
}

export class PortInUseError extends Error {}

/** Runs `start(port)` on fresh free ports until it does not fail with PortInUseError. */
export async function withPortRetry<T>(
  start: (port: number) => Promise<T>,
  attempts = 5,
): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (!(error instanceof PortInUseError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}
