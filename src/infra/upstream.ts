import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trackDir } from './guard.ts';
import {
  logTail,
  makeScratchDir,
  spawnServer,
  stopServer,
  waitUntilReady,
} from './local/process.ts';
import { PortInUseError, withPortRetry } from './ports.ts';

const SERVER = fileURLToPath(new URL('./upstream-server.ts', import.meta.url));

export interface Upstream {
  /** Base URL; targets get it as `UPSTREAM_URL` and call `${url}/data`. */
  url: string;
  delayMs: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the scenario-05 upstream stub as its own process group (registered with the watchdog,
 * so it dies with the runner) on a free port, retried on collision.
 */
export async function startUpstream({
  delayMs = 20,
}: {
  delayMs?: number;
} = {}): Promise<Upstream> {
  if (!Number.isFinite(delayMs) || delayMs < 0)
    throw new Error(`delayMs must be ≥ 0, got ${delayMs}`);
  const dir = makeScratchDir('upstream');
  const trackedDir = trackDir(dir);
  const logFile = join(dir, 'upstream.log');
  const cleanDir = () => {
    rmSync(dir, { recursive: true, force: true });
    trackedDir.release();
  };
  try {
    const { server, port } = await withPortRetry(async (port) => {
      const server = spawnServer(
        process.execPath,
        // spawnServer passes our environment on unchanged, so settings go as arguments.
        [SERVER, `--port=${port}`, `--delay-ms=${delayMs}`],
        logFile,
        undefined,
        'SIGTERM',
      );
      const ready = () => logIncludes(logFile, `upstream ready on http://127.0.0.1:${port} `);
      try {
        await waitUntilReady(server, ready, 'the upstream stub', logFile);
      } catch (error) {
        if (logTail(logFile).includes(`address already in use ${port}`)) {
          throw new PortInUseError(String(error));
        }
        throw error;
      }
      return { server, port };
    });
    return {
      url: `http://127.0.0.1:${port}`,
      delayMs,
      pid: server.child.pid as number,
      async stop() {
        await stopServer(server, 'SIGTERM');
        cleanDir();
      },
    };
  } catch (error) {
    cleanDir();
    throw error;
  }
}

function logIncludes(file: string, text: string): boolean {
  try {
    return readFileSync(file, 'utf8').includes(text);
  } catch {
    return false;
  }
}
