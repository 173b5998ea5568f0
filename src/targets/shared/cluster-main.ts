import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The Node targets' entry: `{node} cluster-main.ts <entry>`, with `LAB_WORKERS` (the manifest's
 * `{workers}`). One worker (the default): this process simply runs the entry, nothing else
 * changes. More: it becomes a node:cluster primary that forks that many workers, each running
 * the entry and listening on the same port (the primary hands out connections round-robin); the
 * worker sweep (src/load/stress/sweep.ts) measures what extra processes buy.
 *
 * The launcher stops a target by SIGTERM to its first process: the primary passes it on to every
 * worker (each closes gracefully, as one process would) and exits 0 once they are gone. A worker
 * that dies on its own takes the others down and the primary exits 1, so a crash is never hidden
 * behind the survivors.
 */
const entry = process.argv[2];
const workers = Number(process.env.LAB_WORKERS ?? '1');

if (!entry || !(Number.isInteger(workers) && workers >= 1 && workers <= 64)) {
  process.stderr.write(
    `target configuration error: ${entry ? `LAB_WORKERS=${JSON.stringify(process.env.LAB_WORKERS)} is invalid: expected an integer from 1 to 64` : 'usage: cluster-main.ts <entry>'}\n`,
  );
  process.exit(2);
}

if (workers === 1 || cluster.isWorker) {
  await import(pathToFileURL(resolve(entry)).href);
} else {
  let stopping = false;
  let failed = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      failed = true;
      process.stderr.write(
        `cluster primary: worker ${worker.process.pid} exited (${signal ?? code}); stopping the others\n`,
      );
      stop('SIGTERM');
    } else if (code !== 0) failed = true;
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
  });
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  for (let i = 0; i < workers; i++) cluster.fork();
}
