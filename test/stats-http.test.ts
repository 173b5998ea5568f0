import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeScratchDir,
  type ServerProcess,
  spawnServer,
  stopServer,
} from '../src/infra/local/process.ts';
import { freePort } from '../src/infra/ports.ts';
import { runInProcess } from '../src/load/inprocess/engine.ts';
import { compareInterleaved, expectSlower } from '../src/stats/index.ts';

/**
 * The statistics module on real measurements (not synthetic numbers): identical servers are never
 * called different by a meaningful margin, and a planted 2 ms delay is found. Margins are wide on
 * purpose — this machine is shared and noisy; the exact numbers are not the point, the verdicts are.
 */
const servers: ServerProcess[] = [];
const urls: Record<'a' | 'b' | 'slow', string> = { a: '', b: '', slow: '' };
const dir = makeScratchDir('stats-http');

async function start(delayMs: number): Promise<string> {
  const port = await freePort();
  const server = spawnServer(
    process.execPath,
    [join(import.meta.dirname, 'support/delay-server.ts')],
    join(dir, `server-${port}.log`),
    undefined,
    undefined,
    { env: { ...process.env, PORT: String(port), DELAY_MS: String(delayMs) } },
  );
  servers.push(server);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${url}/work`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return url;
    await sleep(25);
  }
  throw new Error(`delay server on ${port} did not answer`);
}

beforeAll(async () => {
  urls.a = await start(0);
  urls.b = await start(0);
  urls.slow = await start(2);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => stopServer(server, 'SIGTERM')));
  rmSync(dir, { recursive: true, force: true });
});

const round = (name: keyof typeof urls) => async () =>
  runInProcess({
    baseUrl: urls[name],
    scenario: 'stats-http',
    target: name,
    settings: { model: 'closed', concurrency: 4, durationSeconds: 0.4 },
    request: () => ({ method: 'GET', path: '/work' }),
  });

describe('verdicts on real HTTP measurements', () => {
  it('A/A: two identical servers are never called ≥1.25× apart', async () => {
    const c = await compareInterleaved({
      runA: round('a'),
      runB: round('b'),
      metric: 'median',
      minRatio: 1.25,
      equivalenceMargin: 1.25,
      minRounds: 5,
      maxRounds: 8,
    });
    expect(['no-difference', 'inconclusive']).toContain(c.verdict);
    expect(c.results.a.every((r) => r.requests > 0 && r.errors === 0)).toBe(true);
  }, 60_000);

  it('detects a planted 2 ms delay as ≥1.5× slower on the median', async () => {
    const c = await expectSlower(round('slow'), round('a'), {
      metric: 'median',
      minRatio: 1.5,
      minRounds: 5,
      maxRounds: 10,
    });
    expect(c.upper).toBeLessThan(1 / 1.5);
  }, 60_000);
});
