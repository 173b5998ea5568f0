import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/infra/ports.ts';
import {
  EXTERNAL_ENVIRONMENT,
  externalRefusal,
  externalTarget,
  externalTargetFromEnv,
} from '../src/launcher/external.ts';
import { REPO_ROOT } from '../src/launcher/registry.ts';
import { loadRunReport } from '../src/report/load.ts';
import { getScenario } from '../src/scenarios/index.ts';
import { CLI, runChild } from './support/cli-child.ts';
import { type FakeTarget, startFakeTarget } from './support/fake-targets.ts';

/**
 * Bring your own target: `lab run --target-url … --name …` verifies any server first (refused
 * with the failing checks), then ranks it beside registered targets, marked external, not pinned
 * or sampled. The "own server" here is the contract's in-memory reference implementation.
 */
const root = mkdtempSync(join(tmpdir(), 'lab-external-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const lab = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runChild(process.execPath, [CLI, ...args], {
    LAB_REPORTS_DIR: join(root, 'reports-default'),
    ...env,
  });

describe('external target definitions', () => {
  it('takes a new name and an http base URL, and knows whether it serves /db', () => {
    const plain = externalTarget({ name: 'my-api', url: 'http://127.0.0.1:3000/' });
    expect(plain).toMatchObject({
      name: 'my-api',
      supports: ['basic'],
      external: { url: 'http://127.0.0.1:3000' },
    });
    expect(
      externalTarget({ name: 'my-api', url: 'http://h:1', databaseUrl: 'postgres://u@h/db' })
        .supports,
    ).toEqual(['basic', 'db']);
    expect(() => externalTarget({ name: 'fastify', url: 'http://h:1' })).toThrow(
      /registered target's: choose another name/,
    );
    expect(() => externalTarget({ name: 'my api', url: 'http://h:1' })).toThrow(/letters, digits/);
    expect(() => externalTarget({ name: 'x', url: 'ftp://h:1' })).toThrow(/http\(s\) base URL/);
    expect(() => externalTarget({ name: 'x', url: 'http://h:1/api' })).toThrow(/base URL/);
    expect(() =>
      externalTarget({ name: 'x', url: 'http://h:1', databaseUrl: 'mysql://h' }),
    ).toThrow(/postgres:\/\//);
  });

  it('comes from LAB_TARGET_URL / LAB_TARGET_NAME / LAB_TARGET_DB_URL in a bench file', () => {
    expect(externalTargetFromEnv({})).toBeUndefined();
    expect(
      externalTargetFromEnv({ LAB_TARGET_URL: 'http://127.0.0.1:9', LAB_TARGET_NAME: 'mine' }),
    ).toMatchObject({ name: 'mine', external: { url: 'http://127.0.0.1:9' } });
    expect(externalTargetFromEnv({ LAB_TARGET_URL: 'http://127.0.0.1:9' })?.name).toBe('external');
    expect(() => externalTargetFromEnv({ LAB_TARGET_NAME: 'mine' })).toThrow(
      /needs LAB_TARGET_URL/,
    );
  });

  it('refuses the db scenarios without its database URL', () => {
    const plain = externalTarget({ name: 'my-api', url: 'http://h:1' });
    expect(externalRefusal(plain, getScenario('09-db-pagination'))).toMatch(
      /09-db-pagination needs the \/db routes.*--target-db-url/,
    );
    expect(externalRefusal(plain, getScenario('03-db-read'))).toBeUndefined();
    const withDb = externalTarget({
      name: 'my-api',
      url: 'http://h:1',
      databaseUrl: 'postgres://h/d',
    });
    expect(externalRefusal(withDb, getScenario('09-db-pagination'))).toBeUndefined();
  });
});

describe('lab run --target-url', () => {
  let good: FakeTarget | undefined;
  let broken: FakeTarget | undefined;
  beforeAll(async () => {
    good = await startFakeTarget();
    broken = await startFakeTarget({ faults: ['create-answers-200', 'no-www-authenticate'] });
  });
  afterAll(async () => {
    await Promise.all([good?.close(), broken?.close()]);
  });

  it('refuses a server that does not conform, naming the failing checks, before starting anything', async () => {
    const reports = join(root, 'reports-refused');
    const out = await lab(
      ['run', '--target-url', (broken as FakeTarget).url, '--name', 'my-api', '--scenario', '01'],
      { LAB_REPORTS_DIR: reports },
    );
    expect(out.code, out.stderr).toBe(1);
    expect(out.stderr).toMatch(
      /^lab: my-api \(http:\/\/127\.0\.0\.1:\d+\) does not implement the contract: refused before measuring/,
    );
    expect(out.stderr).toMatch(/✗ users\.create\.[\w.-]+/);
    expect(out.stderr).toMatch(/✗ [\w.-]*www-authenticate|✗ protected\.[\w.-]+/i);
    expect(out.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    // Refused before the lab started: no report of a run.
    expect(() => readdirSync(reports)).toThrow();
  }, 60_000);

  it('refuses a server that does not answer, and a db scenario without --target-db-url', async () => {
    const closed = await freePort(); // nothing listens there
    const silent = await lab([
      'run',
      '--target-url',
      `http://127.0.0.1:${closed}`,
      '--scenario',
      '01',
    ]);
    expect(silent.code).toBe(1);
    expect(silent.stderr).toMatch(
      new RegExp(
        `^lab: external \\(http://127\\.0\\.0\\.1:${closed}\\) does not answer \\(ECONNREFUSED\\)`,
      ),
    );
    const db = await lab([
      'run',
      '--target-url',
      (good as FakeTarget).url,
      '--scenario',
      '09',
      '--engine',
      'k6',
    ]);
    expect(db.code).toBe(2);
    expect(db.stderr).toMatch(/^lab: 09-db-pagination needs the \/db routes/);
    const noUrl = await lab(['run', '--name', 'my-api']);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/give its --target-url/);
  }, 60_000);

  it('ranks a conforming server beside a registered target, marked external in every report', async () => {
    const reports = join(root, 'reports-ranked');
    const out = await lab(
      [
        'run',
        '--target-url',
        (good as FakeTarget).url,
        '--name',
        'my-api',
        '--target',
        'fastify',
        '--scenario',
        '01',
        '--engine',
        'inprocess',
        '--model',
        'closed',
        '--rounds',
        '3',
        '--duration',
        '0.3',
        '--warmup',
        '0.3',
        '--budget',
        '5',
      ],
      { LAB_REPORTS_DIR: reports, LAB_SCALE: '0.01' },
    );
    expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
    expect(out.stdout).toMatch(
      /my-api: http:\/\/127\.0\.0\.1:\d+, conforms \(\d+ checks; db group skipped: no --target-db-url\); external, not pinned or sampled/,
    );
    const json = readdirSync(reports).find((f) => /^run-.*\.json$/.test(f));
    expect(json, readdirSync(reports).join(', ')).toBeDefined();
    const report = loadRunReport(join(reports, json as string));
    const mine = report.results.map((r) => r.result).filter((r) => r.target === 'my-api');
    const theirs = report.results.map((r) => r.result).filter((r) => r.target === 'fastify');
    expect(mine).toHaveLength(3);
    expect(theirs).toHaveLength(3);
    for (const result of mine) {
      expect(result.failure).toBeUndefined();
      expect(result.requests).toBeGreaterThan(0);
      expect(result.meta).toMatchObject({
        'target.environment': EXTERNAL_ENVIRONMENT,
        'target.pinned': false,
        'target.sampled': false,
        'target.restarts': 'none: external (LAB_RESTART_EVERY does not apply)',
        'interleave.restartEvery': 'does not apply: external target, never restarted',
      });
      expect(result.resources).toBeUndefined();
      expect(result.warnings.join('\n')).toContain(EXTERNAL_ENVIRONMENT);
    }
    // The registered target is measured as always: sampled, restarted between blocks.
    for (const result of theirs) {
      expect(result.resources).toBeDefined();
      expect(result.meta['target.environment']).toBeUndefined();
    }
    const ranking = report.rankings?.[0]?.ranking;
    expect(ranking?.families[0]?.ranking.map((r) => r.target).sort()).toEqual([
      'fastify',
      'my-api',
    ]);
    expect(report.environment.config.env).toMatchObject({ LAB_TARGET_NAME: 'my-api' });
    const markdown = readFileSync(join(reports, json?.replace(/\.json$/, '.md') as string), 'utf8');
    expect(markdown).toContain(`my-api: ${EXTERNAL_ENVIRONMENT}`);
    const html = readFileSync(join(reports, json?.replace(/\.json$/, '.html') as string), 'utf8');
    expect(html).toContain(EXTERNAL_ENVIRONMENT);
  }, 180_000);
});

describe('a bench file with LAB_TARGET_URL', () => {
  let good: FakeTarget | undefined;
  beforeAll(async () => {
    good = await startFakeTarget();
  });
  afterAll(async () => {
    await good?.close();
  });

  it('ranks the external server beside LAB_TARGETS, marked external', async () => {
    const reports = join(root, 'reports-bench');
    // As `pnpm bench` runs a suite; the child is not this vitest (no CI/VITEST variables).
    const { CI: _ci, VITEST: _v, VITEST_WORKER_ID: _w, VITEST_POOL_ID: _p, ...env } = process.env;
    const out = await runChild(
      process.execPath,
      [join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'), 'bench', '--run', 'bench/basic/01'],
      {
        ...env,
        LAB_TARGET_URL: (good as FakeTarget).url,
        LAB_TARGET_NAME: 'my-api',
        LAB_TARGETS: 'fastify',
        LAB_MODEL: 'closed',
        LAB_QUICK: '1',
        LAB_SLICE: '0.3',
        LAB_BUDGET: '3',
        LAB_SCALE: '0.01',
        LAB_REPORTS_DIR: reports,
      },
    );
    expect(out.code, `${out.stdout.slice(-3000)}\n${out.stderr.slice(-3000)}`).toBe(0);
    expect(out.stdout).toMatch(/ranking fastify, my-api \(inprocess\)/);
    const json = readdirSync(reports).find((f) => /^run-.*\.json$/.test(f));
    const report = loadRunReport(join(reports, json as string));
    const mine = report.results.map((r) => r.result).filter((r) => r.target === 'my-api');
    expect(mine.length).toBeGreaterThanOrEqual(3);
    for (const result of mine) {
      expect(result.meta['target.environment']).toBe(EXTERNAL_ENVIRONMENT);
      expect(result.resources).toBeUndefined();
    }
  }, 150_000);
});
