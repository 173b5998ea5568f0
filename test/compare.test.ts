import { describe, expect, it } from 'vitest';
import type { LoadSettings, Result } from '../src/load/result.ts';
import {
  compareRuns,
  defaultMetric,
  environmentDifferences,
  renderComparisonMarkdown,
} from '../src/report/compare.ts';
import { parseRunReport } from '../src/report/load.ts';
import type { Environment, RunReport } from '../src/report/types.ts';
import { createRandom } from '../src/stats/random.ts';

/**
 * compareRuns + its Markdown on constructed run reports (base = main, head = a pull request):
 * regressions are flagged, improvements and equivalence are not, keys on one side only and
 * environment differences are listed. Every constructed report goes through parseRunReport,
 * so they are valid files as the CLI would read them.
 */
function environment(overrides: Partial<Environment> = {}): Environment {
  return {
    capturedAt: '2026-01-01T00:00:00.000Z',
    hostname: 'bench-1',
    cpu: {
      model: 'AMD EPYC 7B13',
      logicalCores: 2,
      availableParallelism: 2,
      governor: null,
    },
    memory: { totalMiB: 8192 },
    os: {
      platform: 'linux',
      type: 'Linux',
      release: '6.1.0',
      arch: 'x64',
      distro: 'Debian GNU/Linux 12 (bookworm)',
    },
    node: { version: 'v24.21.0', v8: '13.6' },
    tools: { k6: '2.2.0', wrk: '4.1.0' },
    git: { sha: 'a'.repeat(40), dirty: false, branch: 'main' },
    config: { env: {}, quick: false, infraMode: 'auto', seed: 42, scale: 1 },
    pinning: { enabled: true, targetCpus: '0', generatorCpus: '1' },
    infra: {
      provider: 'local',
      providerTried: [],
      postgres: [
        {
          provider: 'local',
          version: '18.4',
          isolation: 'strong',
          durability: { fsync: 'off' },
          settings: {},
          suites: [],
        },
      ],
      redis: [],
    },
    ci: { ci: false, provider: null, runUrl: null },
    ...overrides,
  };
}

const CLOSED: LoadSettings = {
  model: 'closed',
  concurrency: 10,
  durationSeconds: 15,
  warmupSeconds: 5,
};

function result(
  target: string,
  throughput: number,
  extra: Partial<Result> & { p50?: number } = {},
): Result {
  const { p50, ...rest } = extra;
  const median = p50 ?? 10_000 / throughput;
  return {
    engine: 'k6',
    scenario: '01-lightweight',
    target,
    settings: CLOSED,
    requests: Math.round(throughput * 15),
    throughput,
    latency: {
      count: Math.round(throughput * 15),
      min: median / 4,
      mean: median * 1.1,
      p50: median,
      p90: median * 1.5,
      p95: median * 2,
      p99: median * 3,
      p999: median * 5,
      max: median * 10,
    },
    errors: 0,
    failedChecks: 0,
    statuses: { '200': Math.round(throughput * 15) },
    warnings: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    meta: {},
    ...rest,
  };
}

/** `n` runs around `mean` with 1.5% noise (seeded). */
function series(seed: number, n: number, mean: number): number[] {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () => rng.normal(mean, mean * 0.015));
}

function report(runId: string, results: Result[], env: Partial<Environment> = {}): RunReport {
  const built: RunReport = {
    kind: 'backend-benchmark-lab/run',
    schemaVersion: 1,
    runId,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:10:00.000Z',
    environment: environment(env),
    results: results.map((r, i) => ({
      suite: 'bench/basic/01-lightweight',
      recordedAt: `2026-01-01T00:0${i % 10}:00.000Z`,
      pid: 1,
      result: r,
    })),
    comparisons: [],
    warnings: [],
  };
  // Through the loader: the CLI reads exactly this.
  return parseRunReport(JSON.stringify(built), `${runId}.json`);
}

const runsOf = (target: string, values: number[], extra: Partial<Result> = {}) =>
  values.map((v) => result(target, v, extra));

describe('compareRuns', () => {
  it('flags a significant slowdown beyond the threshold as a regression', () => {
    const base = report('base', runsOf('fastify', series(1, 5, 20_000)));
    const head = report('head', runsOf('fastify', series(2, 5, 17_000)));
    const c = compareRuns(base, head, { files: { base: 'base.json', head: 'head.json' } });
    expect(c.threshold).toBe(0.05);
    expect(c.rows).toHaveLength(1);
    const row = c.rows[0];
    expect(row).toMatchObject({
      scenario: '01-lightweight',
      target: 'fastify',
      engine: 'k6',
      metric: 'throughput',
      baseRuns: 5,
      headRuns: 5,
      verdict: 'slower',
      regression: true,
      confidence: 0.95,
    });
    expect(row?.ratio).toBeGreaterThan(0.8);
    expect(row?.ratio).toBeLessThan(0.9);
    expect(row?.upper as number).toBeLessThanOrEqual(1 / 1.05);
    expect(c.regressions).toBe(1);
    expect(c.base).toMatchObject({ runId: 'base', file: 'base.json', gitSha: 'a'.repeat(40) });
    expect(c.environmentDifferences).toEqual([]);

    const md = renderComparisonMarkdown(c);
    expect(md).toContain('❌ **1 regression**');
    expect(md).toMatch(
      /\| 01-lightweight \| fastify +\| k6 +\| throughput \|.*\| ❌ regression +\|/,
    );
    expect(md).toContain('`base.json`');
    expect(md).toMatch(/−1\d\.\d%/);
  });

  it('reports an improvement and an unchanged target without failing', () => {
    const base = report('base', [
      ...runsOf('fastify', series(3, 4, 20_000)),
      ...runsOf('express', series(4, 4, 10_000)),
    ]);
    const head = report('head', [
      ...runsOf('fastify', series(5, 4, 24_000)),
      ...runsOf('express', series(6, 4, 10_000)),
    ]);
    const c = compareRuns(base, head);
    const byTarget = Object.fromEntries(c.rows.map((r) => [r.target, r]));
    expect(byTarget.fastify).toMatchObject({ verdict: 'faster', regression: false });
    expect(byTarget.express).toMatchObject({ verdict: 'no-difference', regression: false });
    expect(c.regressions).toBe(0);
    const md = renderComparisonMarkdown(c);
    expect(md).toContain('✅ **no regression**');
    expect(md).toContain('🚀 faster');
    expect(md).toContain('✅ no difference');
    expect(md).toContain('1 faster, 0 slower, 1 no difference, 0 inconclusive');
  });

  it('respects the threshold: a significant 10% slowdown fails at 5%, not at 15%', () => {
    const base = report('base', runsOf('fastify', series(7, 8, 20_000)));
    const head = report('head', runsOf('fastify', series(8, 8, 20_000 / 1.1)));
    expect(compareRuns(base, head, { threshold: 0.05 }).regressions).toBe(1);
    const lenient = compareRuns(base, head, { threshold: 0.15 });
    expect(lenient.regressions).toBe(0);
    expect(lenient.rows[0]?.verdict).not.toBe('slower');
    expect(renderComparisonMarkdown(lenient)).toContain('more than 15%');
    expect(() => compareRuns(base, head, { threshold: 1.5 })).toThrow(/threshold/);
  });

  it('keeps single runs inconclusive, never a regression, and says why', () => {
    const base = report('base', runsOf('fastify', [20_000]));
    const head = report('head', runsOf('fastify', [14_000]));
    const c = compareRuns(base, head);
    expect(c.rows[0]).toMatchObject({
      verdict: 'inconclusive',
      regression: false,
      lower: null,
      upper: null,
      baseRuns: 1,
      headRuns: 1,
    });
    expect(c.rows[0]?.ratio).toBeCloseTo(0.7, 5);
    expect(c.rows[0]?.note).toMatch(/at least 2 runs per side/);
    const md = renderComparisonMarkdown(c);
    expect(md).toContain('❔ inconclusive (possible slowdown)');
    expect(md).toContain('not significant — measure more rounds');
    expect(md).toContain('(no interval)');
  });

  it('lists keys present on one side only', () => {
    const base = report('base', [
      ...runsOf('fastify', series(9, 2, 20_000)),
      ...runsOf('express', series(10, 2, 10_000)),
    ]);
    const head = report('head', [
      ...runsOf('fastify', series(11, 2, 20_000)),
      ...runsOf('nestjs-fastify', series(12, 2, 15_000)),
      // Same target at another load level: a different key.
      ...runsOf('fastify', series(13, 2, 25_000), {
        settings: { ...CLOSED, concurrency: 50 },
      }),
    ]);
    const c = compareRuns(base, head);
    expect(c.rows.map((r) => r.target)).toEqual(['fastify']);
    expect(c.onlyInBase).toEqual(['01-lightweight × express [k6, closed, 10 connections]']);
    expect(c.onlyInHead).toEqual([
      '01-lightweight × nestjs-fastify [k6, closed, 10 connections]',
      '01-lightweight × fastify [k6, closed, 50 connections]',
    ]);
    const md = renderComparisonMarkdown(c);
    expect(md).toContain('## Only in base');
    expect(md).toContain('- 01-lightweight × express [k6, closed, 10 connections]');
    expect(md).toContain('## Only in head');
  });

  it('lists environment differences: CPU, versions, quick vs full, pinning, settings', () => {
    const base = report('base', runsOf('fastify', series(14, 2, 20_000)));
    const head = report('head', runsOf('fastify', series(15, 2, 20_000)), {
      cpu: { model: 'Intel Xeon 8375C', logicalCores: 4, availableParallelism: 4, governor: null },
      node: { version: 'v26.1.0', v8: '14.0' },
      tools: { k6: '2.3.0', wrk: '4.1.0' },
      config: {
        env: { LAB_QUICK: '1', LAB_VUS: '50' },
        quick: true,
        infraMode: 'auto',
        seed: 42,
        scale: 1,
      },
      pinning: { enabled: false, reason: 'LAB_PIN=0' },
      infra: {
        provider: 'testcontainers',
        providerTried: [],
        postgres: [
          {
            provider: 'testcontainers',
            version: '18.1',
            isolation: 'strong',
            durability: {},
            settings: {},
            suites: [],
          },
        ],
        redis: [],
      },
    });
    const diffs = environmentDifferences(base, head);
    expect(diffs).toEqual(
      expect.arrayContaining([
        'CPU model: AMD EPYC 7B13 (base) → Intel Xeon 8375C (head)',
        'logical cores: 2 (base) → 4 (head)',
        'Node.js: v24.21.0 (base) → v26.1.0 (head)',
        'PostgreSQL: 18.4 (base) → 18.1 (head)',
        'k6: 2.2.0 (base) → 2.3.0 (head)',
        'infra provider: local (base) → testcontainers (head)',
        'mode: full (base) → quick (LAB_QUICK=1) (head)',
        'CPU pinning: target CPUs 0, generator CPUs 1 (base) → off (LAB_PIN=0) (head)',
        'LAB_VUS: unset (base) → 50 (head)',
      ]),
    );
    // LAB_QUICK is reported once, as the mode.
    expect(diffs.some((d) => d.startsWith('LAB_QUICK'))).toBe(false);
    const c = compareRuns(base, head);
    expect(c.environmentDifferences).toEqual(diffs);
    const md = renderComparisonMarkdown(c);
    expect(md).toContain('## Environment differences');
    expect(md).toContain('- ⚠️ CPU model: AMD EPYC 7B13 (base) → Intel Xeon 8375C (head)');
  });

  it('compares the open model and micro-benchmarks on median latency', () => {
    const open: LoadSettings = { model: 'open', ratePerSecond: 500, durationSeconds: 15 };
    expect(defaultMetric({ engine: 'k6', settings: open })).toBe('median');
    expect(defaultMetric({ engine: 'micro', settings: CLOSED })).toBe('median');
    expect(defaultMetric({ engine: 'inprocess', settings: CLOSED })).toBe('throughput');

    // Same offered rate, head's median latency 30% higher: a regression on latency.
    const base = report(
      'base',
      series(16, 4, 1.0).map((p50) => result('fastify', 500, { settings: open, p50 })),
    );
    const head = report(
      'head',
      series(17, 4, 1.3).map((p50) => result('fastify', 500, { settings: open, p50 })),
    );
    const c = compareRuns(base, head);
    expect(c.rows[0]).toMatchObject({ metric: 'median', verdict: 'slower', regression: true });
    expect(c.rows[0]?.ratio).toBeLessThan(0.8);
    expect(renderComparisonMarkdown(c)).toMatch(/\| [01]\.\d+ ms \| +1\.\d\d ms \| \+\d\d\.\d% \|/);
    // An explicit metric applies to every row.
    expect(compareRuns(base, head, { metric: 'p99' }).rows[0]?.metric).toBe('p99');
  });

  it('leaves failed runs out with a note, and notes errors and different run lengths', () => {
    const base = report('base', [
      ...runsOf('fastify', series(18, 3, 20_000)),
      result('fastify', 0, { failure: 'target exited with code 1' }),
    ]);
    const head = report(
      'head',
      runsOf('fastify', series(19, 3, 20_000), {
        settings: { ...CLOSED, durationSeconds: 3, warmupSeconds: 1 },
        errors: 2,
      }),
    );
    const c = compareRuns(base, head);
    const row = c.rows[0];
    expect(row?.baseRuns).toBe(3);
    expect(row?.note).toContain('base: 1 failed run(s) left out');
    expect(row?.note).toContain('head: 6 errors / failed checks');
    expect(row?.note).toContain('run length differs: 15 s (base) vs 3 s (head)');
    // All runs of a side failed: inconclusive, no regression.
    const broken = report('broken', [result('fastify', 0, { failure: 'crashed' })]);
    const none = compareRuns(base, broken);
    expect(none.rows[0]).toMatchObject({ verdict: 'inconclusive', regression: false, headRuns: 0 });
    expect(none.rows[0]?.note).toContain('head: every run failed (1)');
  });
});
