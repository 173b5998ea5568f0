import { connect } from 'node:net';

/** A server a measurement depends on, by the URL it is reached at. */
export interface Dependency {
  name: string;
  url: string;
  /** An HTTP server's health path: it must answer it (a hung server still accepts TCP). */
  healthPath?: string;
}

/** Where `url` points, without credentials (error messages must not carry passwords). */
function address(url: string): { host: string; port: number; shown: string } {
  const parsed = new URL(url);
  const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
  return { host: parsed.hostname, port, shown: `${parsed.hostname}:${port}` };
}

function probe({ host, port }: { host: string; port: number }, timeoutMs: number) {
  return new Promise<string | undefined>((resolve) => {
    const socket = connect({ host, port });
    const done = (problem?: string) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done());
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

/**
 * The dependencies that do not accept connections, each as one line naming it, e.g.
 * `PostgreSQL (127.0.0.1:40123) unreachable: ECONNREFUSED`. Used to say *why* a measurement
 * failed: a target answering 500s because its database died is the database's failure.
 */
export async function unreachableDependencies(
  dependencies: readonly Dependency[],
  timeoutMs = 1000,
): Promise<string[]> {
  const problems = await Promise.all(
    dependencies.map(async ({ name, url, healthPath }) => {
      const target = address(url);
      const problem = await probe(target, timeoutMs);
      if (problem) return `${name} (${target.shown}) unreachable: ${problem}`;
      if (!healthPath) return undefined;
      const answer = await fetch(new URL(healthPath, url), {
        signal: AbortSignal.timeout(timeoutMs),
      }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.ok ? undefined : `GET ${healthPath} answered ${response.status}`;
        },
        () => `GET ${healthPath} got no answer within ${timeoutMs} ms`,
      );
      return answer ? `${name} (${target.shown}) not serving: ${answer}` : undefined;
    }),
  );
  return problems.filter((line): line is string => line !== undefined);
}
