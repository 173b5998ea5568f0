import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { trackDir } from '../guard.ts';
import { PortInUseError, withPortRetry } from '../ports.ts';
import { redisSnapshots } from '../redis-snapshots.ts';
import type { RedisInstance } from '../types.ts';
import type { FoundBinary } from './binaries.ts';
import { logTail, makeScratchDir, spawnServer, stopServer, waitUntilReady } from './process.ts';

/** Same flags for local and container Redis: no persistence, the data is throwaway. */
export const REDIS_ARGS = ['--save', '', '--appendonly', 'no', '--protected-mode', 'no'];

export async function startLocalRedis(binary: FoundBinary): Promise<RedisInstance> {
  const suiteDir = makeScratchDir('redis');
  const dir = trackDir(suiteDir);
  const logFile = join(suiteDir, 'redis.log');
  try {
    // `--port 0` does not pick a port in Redis: it disables TCP. Hence a probed port, retried.
    const { server, port } = await withPortRetry(async (port) => {
      const server = spawnServer(
        binary.path,
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', suiteDir, ...REDIS_ARGS],
        logFile,
        undefined,
      );
      const ready = () => {
        try {
          return readFileSync(logFile, 'utf8').includes('Ready to accept connections');
        } catch {
          return false;
        }
      };
      try {
        await waitUntilReady(server, ready, 'Redis', logFile);
      } catch (error) {
        if (/already in use/i.test(logTail(logFile))) throw new PortInUseError(String(error));
        throw error;
      }
      return { server, port };
    });
    const url = `redis://127.0.0.1:${port}/0`;
    const snapshots = await redisSnapshots(url);
    return {
      url,
      dbIndex: 0,
      serverVersion: snapshots.serverVersion,
      provider: 'local',
      metadata: {
        provider: 'local',
        serverVersion: snapshots.serverVersion,
        isolation: 'strong',
        settings: { persistence: 'off', binary: binary.source },
      },
      snapshot: snapshots.snapshot,
      restore: snapshots.restore,
      async stop() {
        await snapshots.close();
        await stopServer(server, 'SIGKILL');
        rmSync(suiteDir, { recursive: true, force: true });
        dir.release();
      },
    };
  } catch (error) {
    rmSync(suiteDir, { recursive: true, force: true });
    throw error;
  }
}
