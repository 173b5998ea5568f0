import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, TARGETS } from '../src/launcher/registry.ts';
import type { Result } from '../src/load/result.ts';
import { loadRunReport } from '../src/report/load.ts';
import type { RunReport } from '../src/report/types.ts';

/**
 * `pnpm lab …` as users run it: `node src/cli/main.ts` in a child process, checking exit codes,
 * stdout and stderr. User errors must be one line on stderr with exit 2 and no stack trace.
 */
const CLI = join(REPO_ROOT, 'src/cli/main.ts');
const root = mkdtempSync(join(tmpdir(), 'lab-cli-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function lab(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<Outcome> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of ['LAB_RUN_ID', 'GITHUB_STEP_SUMMARY']) {
    if (!(name in env)) delete childEnv[name];
  }
  if (!('LAB_REPORTS_DIR' in env)) childEnv.LAB_REPORTS_DIR = join(root, 'default-reports');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** One clear line on stderr, no stack trace. */
function expectOneLineError(outcome: Outcome, pattern: RegExp): void {
  expect(outcome.code, outcome.stderr).toBe(2);
  const lines = outcome.stderr.trim().split('\n');
  expect(lines, outcome.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(outcome.stderr).not.toMatch(/^\s+at /m);
}

function result(target: string, throughput: number): Result {
  return {
    engine: 'k6',
    scenario: '01-lightweight',
    target,
    settings: { model: 'closed', concurrency: 10, durationSeconds: 15, warmupSeconds: 5 },
    requests: Math.round(throughput * 15),
    throughput,
    latency: {
      count: Math.round(throughput * 15),
      min: 0.1,
      mean: 0.6,
      p50: 0.5,
      p90: 0.8,
      p95: 1,
      p99: 2,
      p999: 4,
      max: 9,
    },
    errors: 0,
    failedChecks: 0,
    statuses: { '200': Math.round(throughput * 15) },
    warnings: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    meta: {},
  };
}

function reportFile(name: string, throughputs: Record<string, number[]>): string {
  const report: RunReport = {
    kind: 'backend-benchmark-lab/run',
    schemaVersion: 1,
    runId: name,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:10:00.000Z',
    environment: {
      capturedAt: '2026-01-01T00:00:00.000Z',
      hostname: 'bench-1',
      cpu: { model: 'AMD EPYC 7B13', logicalCores: 2, availableParallelism: 2, governor: null },
      memory: { totalMiB: 8192 },
      os: { platform: 'linux', type: 'Linux', release: '6.1.0', arch: 'x64', distro: null },
      node: { version: 'v24.21.0', v8: '13.6' },
      tools: { k6: '2.2.0', wrk: null },
      git: { sha: 'b'.repeat(40), dirty: false, branch: 'main' },
      config: { env: {}, quick: false, infraMode: 'auto', seed: 42, scale: 1 },
      pinning: { enabled: true, targetCpus: '0', generatorCpus: '1' },
      infra: { provider: 'local', providerTried: [], postgres: [], redis: [] },
      ci: { ci: false, provider: null, runUrl: null },
    },
    results: Object.entries(throughputs).flatMap(([target, values]) =>
      values.map((v) => ({
        suite: 'bench/basic/01-lightweight',
        recordedAt: '2026-01-01T00:01:00.000Z',
        pid: 1,
        result: result(target, v),
      })),
    ),
    comparisons: [],
    warnings: [],
  };
  const file = join(root, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

describe('lab list', () => {
  it('shows scenarios, targets, data layers and variants', async () => {
    const out = await lab(['list']);
    expect(out.code, out.stderr).toBe(0);
    for (const text of [
      '01-lightweight',
      '08-concurrent-mixed',
      '09-db-pagination',
      'express',
      'fastify',
      'nestjs-express',
      'nestjs-fastify',
      'Data layers',
      'Variants',
      // 09's HTTP variants, and 11's: what the HTTP suites rank.
      'offset, keyset, cursor',
      'lazy, eager, select-in',
    ]) {
      expect(out.stdout).toContain(text);
    }
    const json = await lab(['list', '--json']);
    const parsed = JSON.parse(json.stdout) as { targets: Array<{ name: string }> };
    // Default targets first, then the others by name (src/launcher/registry.ts).
    expect(parsed.targets.map((t) => t.name)).toEqual(TARGETS.map((t) => t.name));
    expect(parsed.targets.slice(0, 4).map((t) => t.name)).toEqual([
      'express',
      'fastify',
      'nestjs-express',
      'nestjs-fastify',
    ]);
  });
});

describe('lab run: names', () => {
  it('rejects an unknown scenario with the valid list', async () => {
    const out = await lab(['run', '--scenario', '01,99', '--target', 'fastify']);
    expectOneLineError(
      out,
      /^lab: Unknown scenario "99"\. Valid scenarios: 01-lightweight, .*08-concurrent-mixed/,
    );
  });

  it('rejects an unknown target with the valid list', async () => {
    const out = await lab(['run', '--scenario', '01', '--target', 'fastify,koa']);
    expectOneLineError(
      out,
      /^lab: Unknown target "koa"\. Valid targets: express, fastify, nestjs-express, nestjs-fastify, .*fastify\+typeorm.* \(or a group: default, all, typescript.*\)\.$/,
    );
  });

  it('says which scenarios an engine can run', async () => {
    const out = await lab(['run', '--scenario', '9', '--engine', 'inprocess']);
    expectOneLineError(
      out,
      /09-db-pagination cannot run with --engine inprocess\. Scenarios for --engine inprocess: 01-lightweight/,
    );
  });

  it('rejects bad values and unknown commands with exit 2', async () => {
    expectOneLineError(
      await lab(['run', '--scenario', '01', '--rounds', 'two']),
      /--rounds must be a positive integer/,
    );
    const engine = await lab(['run', '--engine', 'autocannon']);
    expect(engine.code).toBe(2);
    expect(engine.stderr).toMatch(/autocannon.*k6, inprocess/);
    const unknown = await lab(['bench']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'bench'/);
  });
});

describe('lab compare', () => {
  it('exits 2 with one clear line for a missing, truncated or incompatible file', async () => {
    const good = reportFile('good', { fastify: [20_000, 20_100] });
    expectOneLineError(
      await lab(['compare', join(root, 'nope.json'), good]),
      /^lab: Cannot load run report .*nope\.json: file not found$/,
    );
    const text = readFileSync(good, 'utf8');
    const truncated = join(root, 'truncated.json');
    writeFileSync(truncated, text.slice(0, Math.floor(text.length / 2)));
    expectOneLineError(
      await lab(['compare', good, truncated]),
      /truncated\.json: not valid JSON — truncated or corrupted\?/,
    );
    const old = join(root, 'old.json');
    writeFileSync(old, text.replace('"schemaVersion": 1', '"schemaVersion": 99'));
    expectOneLineError(
      await lab(['compare', old, good]),
      /old\.json: schemaVersion 99 is not supported \(this version reads 1\)/,
    );
    const other = join(root, 'other.json');
    writeFileSync(other, '{"hello": "world"}');
    expectOneLineError(await lab(['compare', good, other]), /other\.json: not a run report/);
    expectOneLineError(
      await lab(['compare', good, good, '--threshold', 'lots']),
      /--threshold must be a fraction/,
    );
  });

  it('exits 1 on a regression and 0 otherwise, printing the Markdown table', async () => {
    const base = reportFile('base', {
      fastify: [20_000, 20_200, 19_900],
      express: [10_000, 10_050, 9_980],
    });
    const slower = reportFile('slower', {
      fastify: [16_000, 16_100, 15_900],
      express: [10_010, 10_000, 10_040],
    });
    const same = reportFile('same', {
      fastify: [20_050, 19_950, 20_100],
      express: [10_020, 9_990, 10_000],
    });
    const html = join(root, 'compare.html');
    const regression = await lab(['compare', base, slower, '--html', html]);
    expect(regression.code, regression.stderr).toBe(1);
    expect(regression.stdout).toContain('# Benchmark comparison: base vs head');
    expect(regression.stdout).toMatch(/\| 01-lightweight \| fastify .*❌ regression/);
    expect(regression.stdout).toContain('❌ **1 regression**');
    expect(regression.stderr).toContain('1 significant regression beyond 5% (exit 1)');
    // The HTML comes from src/report/html.ts: written, or a one-line reason why not.
    const htmlLine = regression.stderr.split('\n').find((line) => line.startsWith('HTML: '));
    expect(htmlLine, regression.stderr).toBeDefined();
    if (htmlLine === `HTML: ${html}`) {
      expect(readFileSync(html, 'utf8')).toContain('<html');
    } else {
      expect(htmlLine).toMatch(/^HTML: not written — /);
    }

    const fine = await lab(['compare', base, same]);
    expect(fine.code, fine.stderr).toBe(0);
    expect(fine.stdout).toContain('✅ **no regression**');
    // A 25% threshold tolerates the 20% slowdown.
    const lenient = await lab(['compare', base, slower, '--threshold', '25%']);
    expect(lenient.code, lenient.stderr).toBe(0);
  });
});

describe('lab report', () => {
  it('rebuilds the Markdown of a results file into --out', async () => {
    const file = reportFile('rebuild', { fastify: [20_000] });
    const dir = join(root, 'rebuilt');
    const out = await lab(['report', file, '--out', dir]);
    expect(out.code, out.stderr).toBe(0);
    const markdown = readFileSync(join(dir, 'rebuild.md'), 'utf8');
    expect(markdown).toMatch(/^# Benchmark run rebuild/);
    expect(markdown).toContain('## 01-lightweight');
    expectOneLineError(await lab(['report', join(root, 'missing.json')]), /file not found/);
  });
});

describe('lab doctor', () => {
  it('reports the components and exits 0 on this machine', async () => {
    const out = await lab(['doctor']);
    expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
    for (const text of [
      'Infra (PostgreSQL + Redis)',
      'k6',
      'wrk',
      'taskset',
      'Python targets',
      'Chromium',
    ]) {
      expect(out.stdout).toContain(text);
    }
    // pnpm test builds the Go targets before this file runs.
    expect(out.stdout).toMatch(/\bGo\s+ok\s+go1\.\d+/);
    expect(out.stdout).toMatch(/Go target binaries\s+ok\s+build\/go\/\w+/);
    expect(out.stdout).toContain('Everything required is present.');
  });

  it('exits 1 with the exact fix when k6 is missing', async () => {
    const out = await lab(['doctor'], { K6_BIN: join(root, 'no-k6') });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/k6\s+MISSING/);
    expect(out.stdout).toContain('bash scripts/setup.sh');
    expect(out.stdout).toContain('Missing (required): k6');
  });

  it('names the fix when Go is missing, without failing (the Go targets are optional)', async () => {
    const out = await lab(['doctor'], { GO_BIN: join(root, 'no-go') });
    expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
    expect(out.stdout).toMatch(/\bGo\s+absent \(optional\)\s+no Go toolchain found/);
    expect(out.stdout).toContain('Go: install Go ≥ 1.25');
  });
});

describe('lab run', () => {
  it('ranks two targets on one scenario with verdicts and writes a loadable report', async () => {
    const reports = join(root, 'run-reports');
    mkdirSync(reports, { recursive: true });
    const out = await lab(
      [
        'run',
        '--scenario',
        '01',
        '--target',
        'fastify,express',
        '--engine',
        'inprocess',
        '--duration',
        '0.5',
        '--rounds',
        '3',
        '--warmup',
        '0.5',
        '--budget',
        '10',
      ],
      { LAB_REPORTS_DIR: reports },
      120_000,
    );
    expect(out.code, `${out.stdout}\n${out.stderr}`).toBe(0);
    // Not a terminal: plain progress lines instead of a bar.
    expect(out.stdout).toContain('[lab] 1/1 measurements');
    expect(out.stdout).toMatch(/01-lightweight — throughput \(closed model\), inprocess engine/);
    expect(out.stdout).toMatch(
      /01-lightweight — median latency at [\d,]+ req\/s each \(open model\)/,
    );
    expect(out.stdout).toMatch(/Reports: .*run-.*\.md, .*run-.*\.json/);
    const json = readdirSync(reports).find((f) => /^run-.*\.json$/.test(f));
    expect(json, readdirSync(reports).join(', ')).toBeDefined();
    const report = loadRunReport(join(reports, json as string));
    // Two families × 3 blocks × 2 targets, each slice a Result.
    expect(report.results).toHaveLength(12);
    for (const { result } of report.results) {
      expect(result).toMatchObject({ scenario: '01-lightweight', engine: 'inprocess', errors: 0 });
      expect(result.failure).toBeUndefined();
      expect(result.settings.durationSeconds).toBe(0.5);
    }
    const ranking = report.rankings?.[0]?.ranking;
    expect(ranking?.families.map((f) => f.phase)).toEqual(['throughput', 'latency']);
    expect(ranking?.families[0]?.ranking.map((r) => r.target).sort()).toEqual([
      'express',
      'fastify',
    ]);
    expect(ranking?.families[0]?.blocks).toBe(3);
    expect(report.errorControl).toMatchObject({ alpha: 0.05, comparisons: 2 });
    expect(report.environment.config.env).toMatchObject({ LAB_SLICE: '0.5', LAB_BUDGET: '10' });
    expect(report.environment.infra.postgres.length).toBe(1);
    expect(existsSync(join(reports, 'latest.md'))).toBe(true);
    // No run directory is left behind.
    expect(readdirSync(reports).filter((f) => f.startsWith('.run-'))).toEqual([]);
  }, 150_000);
});
