import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { findRedis } from '../src/infra/local/binaries.ts';
import { startLocalRedis } from '../src/infra/local/redis.ts';
import { freePort, PortInUseError, withPortRetry } from '../src/infra/ports.ts';
import { privateScratchRoot } from './support/servers.ts';

const scratch = privateScratchRoot('ports-test');
const savedTmpdir = process.env.LAB_TMPDIR;
process.env.LAB_TMPDIR = scratch;

afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.LAB_TMPDIR;
  else process.env.LAB_TMPDIR = savedTmpdir;
  rmSync(scratch, { recursive: true, force: true });
});

describe('freePort', () => {
  it('returns a port that can be listened on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('withPortRetry', () => {
  it('retries on PortInUseError with a fresh port, then returns the result', async () => {
    const ports: number[] = [];
    const result = await withPortRetry(async (port) => {
      ports.push(port);
      if (ports.length < 3) throw new PortInUseError(`port ${port} taken`);
      return `started on ${port}`;
    });
    expect(ports).toHaveLength(3);
    expect(result).toBe(`started on ${ports[2]}`);
    for (const port of ports) expect(port).toBeGreaterThan(0);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    const failure = new Error('initdb exploded');
    await expect(
      withPortRetry(async () => {
        calls++;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it('gives up after `attempts`, throwing the last collision', async () => {
    let calls = 0;
    await expect(
      withPortRetry(async (port) => {
        calls++;
        throw new PortInUseError(`collision ${calls} on ${port}`);
      }, 4),
    ).rejects.toThrow(/^collision 4 on \d+$/);
    expect(calls).toBe(4);
  });
});

describe.skipIf(!findRedis().found)('local Redis on a port taken between probe and bind', () => {
  it('recognizes "address in use" in the log and retries on another port', async () => {
    const real = findRedis().found?.path as string;
    // The first start fails the way redis-server does when another process won the port.
    const attempts = join(scratch, 'attempts.log');
    const wrapper = join(scratch, 'redis-server-colliding');
    writeFileSync(
      wrapper,
      [
        '#!/bin/sh',
        `echo "$2" >> ${attempts}`,
        `if [ "$(wc -l < ${attempts})" -eq 1 ]; then`,
        '  echo "# Warning: Could not create server TCP listening socket 127.0.0.1:$2: bind: Address already in use"',
        '  echo "# Failed listening on port $2 (tcp), aborting."',
        '  exit 1',
        'fi',
        `exec ${real} "$@"`,
      ].join('\n'),
      { mode: 0o755 },
    );
    const redis = await startLocalRedis({ source: 'test', path: wrapper, version: 'test' });
    try {
      const ports = readFileSync(attempts, 'utf8').trim().split('\n').map(Number);
      expect(ports).toHaveLength(2);
      expect(redis.url).toBe(`redis://127.0.0.1:${ports[1]}/0`);
      const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await client.connect();
      try {
        expect(await client.ping()).toBe('PONG');
      } finally {
        client.disconnect();
      }
    } finally {
      await redis.stop();
    }
    expect(readdirSync(scratch).filter((name) => name.startsWith('lab-redis-'))).toEqual([]);
  });
});
