import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerInstance } from '../src/infra/types.ts';
import type { Result } from '../src/load/result.ts';
import {
  activeRunDir,
  beginRun,
  captureEnvironment,
  commandLine,
  createCollector,
  type Environment,
  finalizeMessage,
  finalizeRun,
  loadRunReport,
  noteInfra,
  parseRunReport,
  REPO_ROOT,
  RunReportError,
  recordComparison,
  recordResult,
  redactValue,
  renderHtml,
  renderMarkdown,
} from '../src/report/index.ts';
import { type Comparison, describeComparison } from '../src/stats/index.ts';
import { fixtureReport } from './support/run-report-fixture.ts';

/**
 * Run reports end to end without servers: two simulated worker processes (two collectors with
 * different pids) record into one run directory, finalizeRun merges them. Everything happens in
 * temp dirs; the real reports/ directory is never touched.
 */
const root = mkdtempSync(join(tmpdir(), 'lab-report-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function tempDir(name: string): string {
  const dir = join(root, `${name}-${++counter}`);
  return dir;
}

function result(target: string, throughput: number, extra: Partial<Result> = {}): Result {
  return {
    engine: 'k6',
    scenario: '01-hello',
    target,
    settings: { model: 'closed', durationSeconds: 10, concurrency: 64 },
    requests: throughput * 10,
    throughput,
    latency: {
      count: throughput * 10,
      min: 0.2,
      mean: 64_000 / throughput,
      p50: 50_000 / throughput,
      p90: 90_000 / throughput,
      p95: 100_000 / throughput,
      p99: 200_000 / throughput,
      p999: 400_000 / throughput,
      max: 500_000 / throughput,
    },
    errors: 0,
    failedChecks: 0,
    statuses: { '200': throughput * 10 },
    resources: {
      intervalMs: 100,
      cpuPercent: { mean: 95.4, max: 100 },
      rssMiB: { mean: 80, max: 91.6 },
      samples: [{ tMs: 0, cpuPercent: 90, rssMiB: 80 }],
    },
    warnings: [],
    startedAt: '2025-01-01T00:00:00.000Z',
    meta: {},
    ...extra,
  };
}

function comparison(overrides: Partial<Comparison> = {}): Comparison {
  const a = [result('fastify', 2000), result('fastify', 2050)];
  const b = [result('express', 1000), result('express', 1010)];
  return {
    verdict: 'faster',
    ratio: 2.01,
    lower: 1.9,
    upper: 2.1,
    confidence: 0.95,
    rounds: 5,
    metric: 'throughput',
    minRatio: 1.05,
    equivalenceMargin: 1.05,
    labels: { a: 'fastify', b: 'express' },
    lookConfidence: 0.996875,
    looks: 16,
    correction: 'bonferroni',
    method: 'bca',
    minRounds: 5,
    maxRounds: 20,
    stoppedEarly: true,
    a: [2000, 2050, 1990, 2010, 2020],
    b: [1000, 1010, 990, 1005, 1000],
    orders: ['AB', 'BA', 'AB', 'BA', 'AB'],
    results: { a, b },
    warnings: ['express, round 2: k6 used 95% CPU (load generator saturated?)'],
    ...overrides,
  };
}

function server(provider: 'local', version: string, settings: Record<string, string>) {
  return {
    url: 'postgres://lab@127.0.0.1:5432/lab',
    serverVersion: version,
    provider,
    metadata: { provider, serverVersion: version, isolation: 'strong', settings },
    snapshot: async () => {},
    restore: async () => {},
    stop: async () => {},
  } satisfies ServerInstance;
}

const fakeLab = {
  pg: server('local', '18.4', { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
  redis: server('local', '7.0.15', { persistence: 'off' }),
};

/** One environment for all tests: capturing runs git, k6 and wrk once. */
let environment: Environment | undefined;
const env = (): Environment => {
  environment ??= captureEnvironment();
  return structuredClone(environment);
};

describe('collector + finalizeRun', () => {
  it('merges two processes into JSON, Markdown, latest.* and the step summary', () => {
    const reports = tempDir('reports');
    const fakeEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      LAB_QUICK: '1',
      LAB_AUTH_SECRET: 'hunter2',
    };
    const { runId, runDir } = beginRun({
      reportsDir: reports,
      env: fakeEnv,
      provider: { kind: 'local', tried: ['local: ok'] },
    });
    expect(fakeEnv.LAB_RUN_ID).toBe(runId);
    expect(fakeEnv.LAB_REPORTS_DIR).toBe(reports);
    expect(activeRunDir(fakeEnv)).toBe(runDir);

    // Worker 1: express and the infra note.
    const first = createCollector(runDir, 1001);
    first.noteInfra(fakeLab, { suite: 'frameworks' });
    first.recordResult(
      result('express', 1000, { warnings: ['Little’s law: 64 in flight | expected 62'] }),
      { suite: 'frameworks' },
    );
    // Worker 2: fastify, a crashed nestjs, and three comparisons.
    const second = createCollector(runDir, 1002);
    second.noteInfra(fakeLab, { suite: 'frameworks-2' });
    second.recordResult(result('fastify', 2000), { suite: 'frameworks' });
    second.recordResult(
      result('nestjs', 0, { failure: 'target exited with code 1', requests: 0, throughput: 0 }),
      { suite: 'frameworks' },
    );
    const passed = comparison();
    const failed = comparison({
      verdict: 'slower',
      ratio: 0.5,
      lower: 0.45,
      upper: 0.55,
      labels: { a: 'express', b: 'fastify' },
    });
    const unsure = comparison({ verdict: 'inconclusive', ratio: 1.02, lower: 0.97, upper: 1.08 });
    second.recordComparison(passed, { suite: 'frameworks', scenario: '01-hello', claim: 'faster' });
    second.recordComparison(failed, {
      suite: 'frameworks',
      scenario: '01-hello',
      claim: { expected: ['faster', 'no-difference'], description: 'not slower' },
    });
    second.recordComparison(unsure, {
      suite: 'frameworks',
      scenario: '02-json',
      claim: ['no-difference'],
    });
    expect(readdirSync(runDir).sort()).toEqual(['1001.jsonl', '1002.jsonl', 'run.json']);

    const summary = join(reports, 'step-summary.md');
    writeFileSync(summary, '# Earlier step\n');
    const outcome = finalizeRun(runDir, { stepSummary: summary });
    if (!outcome.written) throw new Error(outcome.reason);

    // Files: the run dir is gone, reports and latest copies exist.
    expect(existsSync(runDir)).toBe(false);
    expect(outcome.json).toMatch(/run-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
    expect(readFileSync(outcome.latestJson, 'utf8')).toBe(readFileSync(outcome.json, 'utf8'));
    expect(readFileSync(outcome.latestMarkdown, 'utf8')).toBe(
      readFileSync(outcome.markdown, 'utf8'),
    );

    // JSON: self-describing, every Result, comparisons without full Results.
    const report = loadRunReport(outcome.json);
    expect(report.kind).toBe('backend-benchmark-lab/run');
    expect(report.schemaVersion).toBe(1);
    expect(report.runId).toBe(runId);
    expect(report.results.map((r) => [r.result.target, r.pid])).toEqual([
      ['express', 1001],
      ['fastify', 1002],
      ['nestjs', 1002],
    ]);
    expect(report.results[1]?.result.resources?.samples).toHaveLength(1);
    expect(report.comparisons).toHaveLength(3);
    const stored = report.comparisons[0];
    expect(stored?.comparison).not.toHaveProperty('results');
    expect(stored?.comparison.a).toEqual(passed.a);
    expect(stored?.comparison.orders).toEqual(passed.orders);
    expect(stored?.comparison.resultCounts).toEqual({ a: 2, b: 2 });
    expect(stored?.comparison.warnings).toEqual(passed.warnings);
    expect(report.comparisons.map((c) => c.claim?.status)).toEqual([
      'passed',
      'failed',
      'unconfirmed',
    ]);
    expect(report.environment.infra.provider).toBe('local');
    expect(report.environment.infra.postgres).toEqual([
      expect.objectContaining({
        version: '18.4',
        durability: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
        suites: ['frameworks', 'frameworks-2'],
      }),
    ]);
    expect(report.environment.infra.redis[0]?.durability).toEqual({ persistence: 'off' });
    expect(report.environment.config.quick).toBe(true);
    expect(report.environment.config.env.LAB_AUTH_SECRET).toBe('***');
    expect(report.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('quick mode'),
        '1 failed run: 01-hello/nestjs',
        expect.stringContaining('2 claims not confirmed'),
      ]),
    );

    // Markdown: environment, rows with ratios, a failed row, warnings, verdict lines.
    const md = readFileSync(outcome.markdown, 'utf8');
    expect(md).toMatch(/^# Benchmark run /);
    expect(md).toMatch(/\| CPU +\| .+logical cores/);
    expect(md).toContain('PostgreSQL 18.4 (local, own server per suite; fsync=off');
    expect(md).toContain('Redis 7.0.15 (local, own server per suite; persistence=off)');
    expect(md).toContain('*closed model, 64 connections, 10 s, engine k6*');
    const row = (target: string) =>
      md
        .split('\n')
        .find((line) => line.startsWith(`| ${target} `))
        ?.split('|')
        .slice(1, -1)
        .map((c) => c.trim());
    expect(row('fastify')).toEqual([
      'fastify',
      '2,000',
      '25.0',
      '50.0',
      '100',
      '0',
      '0',
      '95',
      '92',
      '1.00× (fastest)',
    ]);
    expect(row('express')).toEqual([
      'express',
      '1,000',
      '50.0',
      '100',
      '200',
      '0',
      '0',
      '95',
      '92',
      '0.50×',
    ]);
    const nest = row('nestjs');
    expect(nest?.[1]).toBe('❌ **failed**');
    // Partial numbers of a failed run are not shown as measurements (nor as zeros).
    expect(nest?.slice(2)).toEqual(['—', '—', '—', '—', '—', '—', '—', '—']);
    // Failed runs sort last, after every measured target.
    expect(md.indexOf('| nestjs')).toBeGreaterThan(md.indexOf('| express'));
    expect(md).toContain('- ❌ nestjs: run failed: target exited with code 1');
    expect(md).toContain('- ⚠️ express: Little’s law: 64 in flight | expected 62');
    expect(md).toContain(
      `- ✅ **fastify vs express** on throughput — claim “faster” passed: ${describeComparison(passed)}`,
    );
    expect(md).toContain(
      `- ❌ **express vs fastify** on throughput — claim “not slower” failed: ${describeComparison(failed)}`,
    );
    expect(md).toContain('## 02-json');
    expect(md).toContain(
      `- ❔ **fastify vs express** on throughput — claim “no-difference” unconfirmed: ${describeComparison(unsure)}`,
    );
    expect(md).toContain('  - ⚠️ express, round 2: k6 used 95% CPU');
    expect(md).toContain('claims: 1 ✅ passed, 1 ❌ failed, 1 ❔ unconfirmed');

    // Step summary: appended, earlier content kept.
    expect(outcome.stepSummary).toBe(summary);
    const appended = readFileSync(summary, 'utf8');
    expect(appended.startsWith('# Earlier step\n')).toBe(true);
    expect(appended).toContain(md);

    expect(finalizeMessage(outcome, reports)).toBe(
      `Reports: ${outcome.markdown.slice(reports.length + 1)}, ${outcome.json.slice(reports.length + 1)}, ` +
        `${outcome.json.slice(reports.length + 1).replace(/\.json$/, '.html')} (history: history/index.html)`,
    );
  });

  it('writes nothing when nothing was recorded, and says so', () => {
    const reports = tempDir('empty');
    const fakeEnv: NodeJS.ProcessEnv = {};
    const { runDir } = beginRun({ reportsDir: reports, env: fakeEnv });
    // Infra notes alone are not a report.
    createCollector(runDir, 7).noteInfra(fakeLab);
    const outcome = finalizeRun(runDir, { stepSummary: null });
    expect(outcome).toEqual({ written: false, reason: 'no benchmark results were recorded' });
    expect(readdirSync(reports)).toEqual([]);
    expect(finalizeMessage(outcome)).toBe(
      'Reports: none written — no benchmark results were recorded.',
    );
  });

  it('keeps the records before a line cut off by a killed worker', () => {
    const runDir = join(tempDir('cut'), '.run-manual');
    const collector = createCollector(runDir, 42);
    collector.recordResult(result('express', 1000), { suite: 's' });
    collector.recordResult(result('fastify', 2000), { suite: 's' });
    const size = readFileSync(collector.file).length;
    truncateSync(collector.file, size - 40);
    const outcome = finalizeRun(runDir, { stepSummary: null, environment: env() });
    if (!outcome.written) throw new Error(outcome.reason);
    expect(outcome.report.results.map((r) => r.result.target)).toEqual(['express']);
    expect(outcome.report.runId).toBe('manual');
    expect(outcome.report.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^42\.jsonl line 2 skipped: /)]),
    );
  });

  it('appends to $GITHUB_STEP_SUMMARY when it is set', () => {
    const dir = tempDir('summary');
    const runDir = join(dir, '.run-summary');
    createCollector(runDir, 3).recordResult(result('express', 1000), { suite: 's' });
    const summary = join(root, `summary-${counter}.md`);
    writeFileSync(summary, 'before\n');
    const saved = process.env.GITHUB_STEP_SUMMARY;
    process.env.GITHUB_STEP_SUMMARY = summary;
    try {
      const outcome = finalizeRun(runDir, { environment: env() });
      if (!outcome.written) throw new Error(outcome.reason);
      expect(outcome.stepSummary).toBe(summary);
      expect(readFileSync(summary, 'utf8')).toBe(
        `before\n\n${readFileSync(outcome.markdown, 'utf8')}`,
      );
    } finally {
      if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      else process.env.GITHUB_STEP_SUMMARY = saved;
    }
  });

  it('records through the module API only inside a bench run (LAB_RUN_ID)', () => {
    const saved = { id: process.env.LAB_RUN_ID, dir: process.env.LAB_REPORTS_DIR };
    const reports = tempDir('module');
    try {
      delete process.env.LAB_RUN_ID;
      expect(recordResult(result('express', 1000), { suite: 's' })).toBe(false);
      process.env.LAB_RUN_ID = 'module-test';
      process.env.LAB_REPORTS_DIR = reports;
      expect(recordResult(result('express', 1000), { suite: 's' })).toBe(true);
      expect(noteInfra(fakeLab, { suite: 's' })).toBe(true);
      expect(
        recordComparison(comparison(), { suite: 's', scenario: '01-hello', claim: 'faster' }),
      ).toBe(true);
      expect(() => recordResult(result('x', 1), { suite: '' })).toThrow(/'suite' must be/);
      expect(() =>
        recordComparison(comparison(), {
          suite: 's',
          scenario: 'x',
          claim: 'quicker' as 'faster',
        }),
      ).toThrow(/a claim expects one or more of faster, slower/);
      const lines = readFileSync(join(reports, '.run-module-test', `${process.pid}.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { kind: string });
      expect(lines.map((l) => l.kind)).toEqual(['result', 'infra', 'comparison']);
    } finally {
      for (const [key, value] of [
        ['LAB_RUN_ID', saved.id],
        ['LAB_REPORTS_DIR', saved.dir],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('opens the Markdown with the answers: rankings, verdicts, error control', () => {
    const md = renderMarkdown(fixtureReport());
    expect(md.indexOf('## Answers')).toBeGreaterThan(0);
    expect(md.indexOf('## Answers')).toBeLessThan(md.indexOf('## Environment'));
    expect(md).toContain(
      'Error control: family-wise α = 0.05 for the whole run, shared by 3 verdict suites',
    );
    expect(md).toMatch(
      /\| +1 \| fastify +\| +30,\d{3} req\/s \| ▲ faster 1\.\d\d× \[1\.\d\d, 1\.\d\d\]/,
    );
    expect(md).toMatch(
      /- fastify faster than nestjs-fastify: 1\.\d\d× \[1\.\d\d, 1\.\d\d\], decided at block \d/,
    );
    expect(md).toContain('### Claims not confirmed');
  });

  it('shows the latency per step of multi-request iterations (scenario 19)', () => {
    const runDir = join(tempDir('steps'), '.run-steps');
    const stepped = (target: string, login: number) =>
      result(target, 1000, {
        meta: {
          'step.login.p50': login,
          'step.login.p95': login * 2,
          'step.logout.p50': 0.2,
          'step.logout.p95': 0.4,
        },
      });
    createCollector(runDir, 1).recordResult(stepped('fastify', 1.5), { suite: 's' });
    createCollector(runDir, 1).recordResult(stepped('express', 2.5), { suite: 's' });
    const outcome = finalizeRun(runDir, { stepSummary: null, environment: env() });
    if (!outcome.written) throw new Error(outcome.reason);
    const md = renderMarkdown(loadRunReport(outcome.json));
    expect(md).toContain('Latency per step, p50 / p95 (ms):');
    expect(md).toMatch(/\| Target +\| +login \| +logout \|/);
    expect(md).toMatch(/\| fastify +\| +1\.50 \/ 3\.00 \| +0\.200 \/ 0\.400 \|/);
  });

  it('renders a report read back from JSON, where NaN became null', () => {
    const runDir = join(tempDir('nan'), '.run-nan');
    createCollector(runDir, 1).recordComparison(
      comparison({ ratio: Number.NaN, upper: Number.POSITIVE_INFINITY }),
      { suite: 's', scenario: 'edge' },
    );
    createCollector(runDir, 1).recordResult(result('odd', Number.NaN), { suite: 's' });
    const outcome = finalizeRun(runDir, { stepSummary: null, environment: env() });
    if (!outcome.written) throw new Error(outcome.reason);
    const md = renderMarkdown(loadRunReport(outcome.json));
    expect(md).toContain('— no claim: verdict faster, ratio NaN [1.90, NaN]');
    expect(md).toMatch(/\| odd +\| +— \|/);
  });
});

describe('loadRunReport', () => {
  const dir = tempDir('load');
  const valid = (): string => {
    const runDir = join(dir, '.run-valid');
    createCollector(runDir, 1).recordResult(result('express', 1000), { suite: 's' });
    const outcome = finalizeRun(runDir, {
      reportsDir: dir,
      stepSummary: null,
      environment: env(),
    });
    if (!outcome.written) throw new Error(outcome.reason);
    return readFileSync(outcome.json, 'utf8');
  };
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const problem = (path: string): string => {
    try {
      loadRunReport(path);
    } catch (error) {
      expect(error).toBeInstanceOf(RunReportError);
      const message = (error as Error).message;
      expect(message).toContain(path);
      expect(message).not.toMatch(/\n\s+at /);
      return message;
    }
    throw new Error(`${path} loaded`);
  };

  it('loads a valid report', () => {
    expect(loadRunReport(file('ok.json', valid())).results).toHaveLength(1);
  });

  it('names the file and the problem', () => {
    const text = valid();
    const missing = join(dir, 'missing.json');
    expect(problem(missing)).toBe(`Cannot load run report ${missing}: file not found`);
    expect(problem(dir)).toMatch(/: is a directory, not a file$/);
    expect(problem(file('empty.json', ''))).toMatch(/: the file is empty$/);
    expect(problem(file('cut.json', text.slice(0, text.length / 2)))).toMatch(
      /: not valid JSON — truncated or corrupted\? \(/,
    );
    const v2 = { ...JSON.parse(text), schemaVersion: 2 };
    expect(problem(file('v2.json', JSON.stringify(v2)))).toMatch(
      /: schemaVersion 2 is not supported \(this version reads 1\)$/,
    );
    expect(problem(file('other.json', '{"hello": 1}'))).toMatch(/: not a run report \(no "kind"/);
    expect(problem(file('array.json', '[1]'))).toMatch(/: not a run report \(expected a JSON/);
    const broken = JSON.parse(text);
    broken.results[0].result.throughput = 'fast';
    delete broken.comparisons;
    expect(problem(file('broken.json', JSON.stringify(broken)))).toMatch(
      /: invalid run report: .*must have required property 'comparisons'.*\/results\/0\/result\/throughput must be number,null/,
    );
  });

  it('parses text given directly', () => {
    expect(() => parseRunReport('{', 'inline')).toThrow(
      /^Cannot load run report inline: not valid JSON/,
    );
  });
});

describe('captureEnvironment', () => {
  it('records CPU, cores, Node, git, config and pinning', () => {
    const e = env();
    expect(e.cpu.model).toMatch(/\S/);
    expect(e.cpu.model).not.toBe('unknown');
    expect(e.cpu.logicalCores).toBeGreaterThanOrEqual(1);
    expect(e.cpu.availableParallelism).toBeGreaterThanOrEqual(1);
    expect(e.memory.totalMiB).toBeGreaterThan(0);
    expect(e.node.version).toBe(process.version);
    expect(e.os.release).toMatch(/\S/);
    expect(e.git.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof e.git.dirty).toBe('boolean');
    expect(typeof e.pinning.enabled).toBe('boolean');
    expect(e.tools.k6 === null || /^\d+\.\d+/.test(e.tools.k6)).toBe(true);
    expect(e.infra).toEqual({ provider: null, providerTried: [], postgres: [], redis: [] });
  });

  it('keeps LAB_* settings, hides secrets and run mechanics', () => {
    const e = captureEnvironment({
      env: {
        LAB_QUICK: '1',
        LAB_SEED: '7',
        LAB_INFRA: 'local',
        LAB_PG_URL: 'postgres://lab:s3cret@db:5432/lab',
        LAB_AUTH_SECRET: 'x',
        LAB_RUN_ID: 'abc',
        PATH: process.env.PATH,
        HOME: '/root',
      },
    });
    expect(e.config).toEqual({
      env: {
        LAB_AUTH_SECRET: '***',
        LAB_INFRA: 'local',
        LAB_PG_URL: 'postgres://lab:redacted@db:5432/lab',
        LAB_QUICK: '1',
        LAB_SEED: '7',
      },
      quick: true,
      infraMode: 'local',
      seed: 7,
      scale: 1,
    });
    expect(redactValue('LAB_REDIS_URL', 'redis://127.0.0.1:6379/0')).toBe(
      'redis://127.0.0.1:6379/0',
    );
  });

  it('records the command line as typed: pnpm lab / pnpm vitest, secrets redacted, quoted', () => {
    const lab = join(REPO_ROOT, 'src/cli/main.ts');
    expect(
      commandLine([
        '/usr/local/bin/node',
        lab,
        'run',
        '--scenario',
        '01',
        '--target-db-url',
        'postgres://me:hunter2@db:5432/app',
        '--auth-secret=hunter2',
        '--token',
        'abc',
        '--name',
        "my api's",
      ]),
    ).toBe(
      "pnpm lab run --scenario 01 --target-db-url postgres://me:redacted@db:5432/app --auth-secret='***' --token '***' --name 'my api'\\''s'",
    );
    const vitest = join(REPO_ROOT, 'node_modules/vitest/vitest.mjs');
    expect(commandLine(['node', vitest, 'bench', '--run', 'bench/basic/01'])).toBe(
      'pnpm vitest bench --run bench/basic/01',
    );
    expect(commandLine(['node', join(REPO_ROOT, 'scripts/x.ts')])).toBe('node scripts/x.ts');
    expect(env().command).toMatch(/^(pnpm vitest|node)/);
  });

  it('shows the command in the Markdown and HTML environment', () => {
    const report = fixtureReport();
    expect(renderMarkdown(report)).toMatch(
      /\| Command +\| `pnpm vitest bench --run bench\/basic` +\|/,
    );
    expect(renderHtml(report)).toContain(
      '<th scope="row">Command</th><td>pnpm vitest bench --run bench/basic</td>',
    );
  });
});
