import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ENV_RULES, envProblems } from '../src/config/lab-env.ts';
import { startLab } from '../src/infra/lab.ts';

/**
 * Bad configuration (docs/configuration-errors.md): every wrong LAB_* value, an unknown scenario,
 * target or fixture set, a missing binary, a port already taken. Each gets one line naming the
 * valid values or the fix, exit code 2, and nothing is started.
 */
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const VITEST = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const KILLED_RUN_CONFIG = fileURLToPath(
  new URL('./fixtures/killed-run/vitest.config.ts', import.meta.url),
);
const EXPRESS = fileURLToPath(new URL('../src/targets/express/main.ts', import.meta.url));

interface Outcome {
  code: number;
  stderr: string;
}

async function run(file: string, args: string[], env: Record<string, string>): Promise<Outcome> {
  try {
    await promisify(execFile)(process.execPath, [file, ...args], {
      env: { ...process.env, CI: '', ...env },
      timeout: 60_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const { code, stderr } = error as { code: number; stderr: string };
    return { code, stderr };
  }
}

/** What `pnpm lab run` answers to each bad value (the same check runs in vitest's global setup). */
const BAD_VALUES: ReadonlyArray<[string, string, RegExp]> = [
  ['LAB_INFRA', 'docker', /Valid values: auto, testcontainers, local, external/],
  ['LAB_QUICK', 'yes', /expected 1 or 0/],
  ['LAB_BUDGET', '0', /LAB_BUDGET must be > 0 seconds/],
  ['LAB_SLICE', '-1', /LAB_SLICE must be > 0 seconds/],
  ['LAB_CLAIM_BUDGET', 'soon', /LAB_CLAIM_BUDGET must be > 0 seconds/],
  ['LAB_RESTART_EVERY', '1.5', /LAB_RESTART_EVERY must be an integer ≥ 0/],
  ['LAB_INTERLEAVE', 'yes', /LAB_INTERLEAVE must be 0 or 1/],
  ['LAB_ALPHA', '0.9', /LAB_ALPHA must be a number in \(0, 0\.5\]/],
  ['LAB_VERDICT_SUITES', '0', /LAB_VERDICT_SUITES must be a positive integer/],
  ['LAB_DURATION', 'ten', /LAB_DURATION must be > 0 seconds/],
  ['LAB_MODEL', 'poisson', /expected closed or open/],
  ['LAB_RATE', '-5', /LAB_RATE must be > 0 requests\/s/],
  ['LAB_VUS', '2.5', /LAB_VUS must be a positive integer/],
  ['LAB_ENGINE', 'wrk', /LAB_ENGINE must be k6 or inprocess/],
  ['LAB_VARIANT_HTTP', 'yes', /LAB_VARIANT_HTTP must be 1 or 0, got "yes"/],
  ['LAB_SWEEPS', 'yes', /LAB_SWEEPS must be 1 or 0, got "yes"/],
  ['LAB_TARGETS', 'express,flask-nope', /Unknown target "flask-nope"\. Valid targets: express/],
  ['LAB_LAYERS', 'sqlalchemy', /Valid data layers: pg, typeorm, mikroorm/],
  ['LAB_SEED', '4.2', /expected an integer/],
  ['LAB_SCALE', '0', /expected a positive finite number/],
  ['LAB_PIN', 'off', /expected 0 or 1/],
  ['LAB_TARGET_CPUS', '0-99', /this machine has CPUs 0-\d+ only/],
  ['LAB_GENERATOR_CPUS', 'one', /not a CPU list such as 0 or 0-1/],
  ['LAB_TMPDIR', '/no/such/dir', /does not exist; create it/],
  ['LAB_REPORTS_DIR', '/no/such/parent/reports', /does not exist; create it/],
  ['LAB_PROMETHEUS_SD_DIR', '/no/such/sd', /does not exist; create it/],
  ['LAB_SERVER_USER', 'no-such-user', /Set LAB_SERVER_USER to an existing unprivileged user/],
  ['LAB_PG_URL', 'localhost:5432', /is not a postgres:\/\/ or postgresql:\/\/ URL/],
  ['LAB_REDIS_URL', 'http://x', /is not a redis:\/\/ or rediss:\/\/ URL/],
  ['LAB_K6_PROMETHEUS_RW_URL', 'prom:9090', /is not a http:\/\/ or https:\/\/ URL/],
  ['LAB_METRICS', 'yes', /expected 1 \(on\) or 0 \(off\)/],
  ['LAB_DB_POOL', '0', /expected an integer from 1 to 1000/],
  ['LAB_UPLOAD_LIMIT_BYTES', '10MB', /expected an integer from 1 to 2147483647/],
  ['LAB_REQUEST_TIMEOUT_MS', '5', /expected an integer from 1000 to 600000/],
  ['LAB_DATA_LAYER', 'prisma', /expected one of pg, typeorm, mikroorm/],
  ['LAB_DEBUG', 'verbose', /expected 1 or 0/],
  ['PG_BIN', '/no/such/bin', /has no executable postgres and initdb/],
  ['REDIS_BIN', '/no/such/redis-server', /is not an executable file/],
  ['K6_BIN', '/no/such/k6', /K6_BIN=\/no\/such\/k6 is not an executable file/],
  ['LAB_K6_GENERATORS', '0', /LAB_K6_GENERATORS must be an integer from 1 to 64, got "0"/],
  [
    'LAB_TARGET_URL',
    'localhost:3000',
    /LAB_TARGET_URL: .*"localhost:3000" must be an http\(s\) base URL/,
  ],
  ['LAB_TARGET_NAME', 'mine', /LAB_TARGET_NAME needs LAB_TARGET_URL/],
  ['LAB_TARGET_DB_URL', 'postgres://h/db', /LAB_TARGET_DB_URL needs LAB_TARGET_URL/],
];

describe('bad configuration', () => {
  it('has a rule for every variable it documents, and none twice', () => {
    const names = ENV_RULES.map((rule) => rule.name);
    expect(new Set(names).size).toBe(names.length);
    expect(BAD_VALUES.map(([name]) => name).sort()).toEqual([...names].sort());
  });

  it('accepts the defaults (nothing set) and good values', () => {
    expect(envProblems({})).toEqual([]);
    expect(
      envProblems({ LAB_QUICK: '1', LAB_BUDGET: '30', LAB_INFRA: 'local', LAB_TARGETS: 'express' }),
    ).toEqual([]);
  });

  it.each(BAD_VALUES)('%s=%s: `pnpm lab run` exits 2 with one line', async (name, value, line) => {
    // LAB_SERVER_USER only matters (and is only checked) when running as root.
    if (name === 'LAB_SERVER_USER' && process.getuid?.() !== 0) return;
    const outcome = await run(CLI, ['run', '--scenario', '01', '--target', 'express'], {
      [name]: value,
    });
    expect(outcome.code).toBe(2);
    const lines = outcome.stderr.trimEnd().split('\n');
    expect(lines, outcome.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^lab: /);
    expect(lines[0]).toMatch(line);
  });

  it('lists every bad variable, one line each', async () => {
    const outcome = await run(CLI, ['fuzz'], { LAB_BUDGET: 'x', LAB_ENGINE: 'ab' });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^lab: LAB_BUDGET must be > 0 seconds/),
      expect.stringMatching(/^lab: LAB_ENGINE must be k6 or inprocess/),
    ]);
  });

  it('a vitest run (pnpm test / pnpm bench) stops in its global setup: exit 2, one line, no lab', async () => {
    const outcome = await run(VITEST, ['run', '--config', KILLED_RUN_CONFIG], {
      LAB_SCALE: '-1',
      LAB_TEST_READY_FILE: '/nonexistent/never-written',
    });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^lab: Invalid LAB_SCALE="-1": expected a positive finite number/),
    ]);
  });

  it.each([
    [
      ['run', '--scenario', '99-nope'],
      /Unknown scenario "99-nope"\. Valid scenarios: 01-lightweight/,
    ],
    [['run', '--target', 'flsk'], /Unknown target "flsk"\. Valid targets: express/],
    [['fuzz', '--target', 'gni'], /Unknown target "gni"\. Valid targets: express/],
    [['run', '--rounds', 'many'], /--rounds/],
  ])('lab %j: exit 2 with one line naming the valid values', async (args, line) => {
    const outcome = await run(CLI, args, {});
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(line)]);
  });

  it('an unknown fixture set is refused before any server starts, naming the valid ones', async () => {
    await expect(startLab({ fixtures: ['users', 'orders'] })).rejects.toThrow(
      /Unknown fixture set.*"orders".*users/s,
    );
  });

  it('a target on a port already taken: exit 2, one line with the fix', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const outcome = await run(EXPRESS, [], {
        PORT: String(port),
        DATABASE_URL: 'postgres://lab@127.0.0.1:1/lab',
        UPSTREAM_URL: 'http://127.0.0.1:9',
      });
      expect(outcome.code).toBe(2);
      expect(outcome.stderr.trimEnd().split('\n')).toEqual([
        `express target: cannot listen on port ${port} (EADDRINUSE): set PORT to a free port you may use`,
      ]);
    } finally {
      taken.close();
    }
  });

  it('a target with a bad setting: exit 2, one line naming the variable', async () => {
    const outcome = await run(EXPRESS, [], {
      PORT: '70000',
      DATABASE_URL: 'postgres://lab@127.0.0.1:1/lab',
      UPSTREAM_URL: 'http://127.0.0.1:9',
    });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trimEnd().split('\n')).toEqual([
      'target configuration error: PORT="70000" is invalid: expected an integer from 1 to 65535',
    ]);
  });
});
