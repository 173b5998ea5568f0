import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/launcher/registry.ts';
import { eventually, isRunning, privateScratchRoot } from './support/servers.ts';

/**
 * `lab serve fastify` as a user runs it: a child process that prints its servers and waits; the
 * URLs work by hand (health, a protected route with the printed token, the seeded database);
 * SIGINT stops it with exit 0 and leaves no process, port or scratch dir behind.
 */
const CLI = join(REPO_ROOT, 'src/cli/main.ts');
// Its own scratch root (readable by the unprivileged server account when running as root).
const scratch = privateScratchRoot('serve-test');
let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

interface Served {
  targets: Array<{ name: string; url: string; pid: number }>;
  vars: Record<string, string>;
}

function parse(stdout: string): Served {
  const targets = [
    ...stdout.matchAll(/^ {2}(\S+)\s+(http:\/\/127\.0\.0\.1:\d+)\s+\(pid (\d+)/gm),
  ].map((m) => ({ name: m[1] as string, url: m[2] as string, pid: Number(m[3]) }));
  const vars = Object.fromEntries(
    [...stdout.matchAll(/^ {2}([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
  return { targets, vars };
}

const refused = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('lab serve', () => {
  it('serves fastify with a seeded database until SIGINT, then leaves nothing behind', async () => {
    child = spawn(process.execPath, [CLI, 'serve', 'fastify', '--fixtures', 'users'], {
      cwd: REPO_ROOT,
      // The default provider selection, as users run it (it loads testcontainers, and with it a
      // signal-exit handler that must not turn Ctrl-C into a kill).
      env: { ...process.env, LAB_TMPDIR: scratch, LAB_SCALE: '0.01' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c) => {
      stdout += c;
    });
    child.stderr?.on('data', (c) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((resolve) => child?.once('close', resolve));
    const ready = await eventually(
      () => /--name my-api/.test(stdout) || child?.exitCode !== null,
      90_000,
    );
    expect(ready && child.exitCode === null, `${stdout}\n${stderr}`).toBe(true);

    const { targets, vars } = parse(stdout);
    expect(targets.map((t) => t.name)).toEqual(['fastify']);
    const fastify = targets[0] as Served['targets'][0];
    expect(Object.keys(vars)).toEqual(
      expect.arrayContaining([
        'DATABASE_URL',
        'REDIS_URL',
        'UPSTREAM_URL',
        'LAB_AUTH_SECRET',
        'TOKEN',
      ]),
    );
    expect(stdout).toContain(`k6 run -e BASE_URL=${fastify.url} k6/basic/01-lightweight.js`);

    // By hand: health, the token on a protected route, the seeded users.
    expect((await fetch(`${fastify.url}/health`)).status).toBe(200);
    const denied = await fetch(`${fastify.url}/protected`);
    expect(denied.status).toBe(401);
    const allowed = await fetch(`${fastify.url}/protected`, {
      headers: { authorization: `Bearer ${vars.TOKEN}` },
    });
    expect(allowed.status).toBe(200);
    const page = (await (await fetch(`${fastify.url}/users?limit=2`)).json()) as {
      items: unknown[];
    };
    expect(page.items).toHaveLength(2);
    const client = new pg.Client({ connectionString: vars.DATABASE_URL });
    await client.connect();
    // Scale 0.01 of the catalogue's 100,000, and the verifier's writes were undone.
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM users');
    await client.end();
    expect(Number(rows[0]?.n)).toBe(1000);
    expect((await fetch(`${vars.UPSTREAM_URL}/health`)).status).toBe(200);

    child.kill('SIGINT');
    expect(await exited, stderr).toBe(0);
    expect(stderr).toContain('lab serve: stopped; nothing left running.');
    expect(isRunning(fastify.pid)).toBe(false);
    for (const url of [fastify.url, vars.UPSTREAM_URL, vars.DATABASE_URL, vars.REDIS_URL]) {
      const address = (url as string).replace(/^\w+:\/\/(?:[^@/]*@)?/, 'http://');
      expect(await refused(address), `${url} still answers`).toBe(true);
    }
    // Every scratch dir (servers' data, target logs, the template cluster) is gone.
    const empty = await eventually(() => readdirSync(scratch).length === 0, 10_000);
    expect(empty, readdirSync(scratch).join(', ')).toBe(true);
  }, 150_000);

  it('refuses unknown targets and bad ports with one line and exit 2', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [CLI, 'serve', ...args], {
          cwd: REPO_ROOT,
          env: { ...process.env, LAB_TMPDIR: scratch },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        p.stderr.on('data', (c) => {
          stderr += c;
        });
        p.on('close', (code) => resolve({ code, stderr }));
      });
    const target = await run(['fastifyy']);
    expect(target.code).toBe(2);
    expect(target.stderr).toMatch(/^lab: Unknown target "fastifyy"/);
    const port = await run(['fastify', '--port', '80']);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port must be an integer port/);
  }, 30_000);
});
