import type { FamilyRun } from '../../src/load/ranking-run.ts';
import type { LoadSettings, Result } from '../../src/load/result.ts';
import type { RunComparison } from '../../src/report/compare-types.ts';
import {
  type ClaimStatus,
  type Environment,
  type RankingData,
  RUN_REPORT_KIND,
  RUN_REPORT_SCHEMA_VERSION,
  type RunReport,
  type StoredComparison,
  type StoredResult,
} from '../../src/report/types.ts';
import type { Verdict } from '../../src/stats/index.ts';
import { createRandom, RankingFamily } from '../../src/stats/index.ts';

/**
 * A realistic run report built in memory (no servers, no randomness): several scenarios, four
 * targets with repeated rounds and CPU/RSS time series, an open-model group, micro-benchmark
 * variants without resources, failed runs, warnings (one with markup that must stay text),
 * comparisons with every claim status, and a RunComparison against a base run.
 */
export const NASTY = '</script><script>window.__pwned = 1</script><b>bold?</b>';

export function environment(overrides: { quick?: boolean; sha?: string | null } = {}): Environment {
  return {
    capturedAt: '2026-11-25T11:13:03.912Z',
    hostname: 'vm',
    cpu: { model: 'AMD EPYC', logicalCores: 2, availableParallelism: 2, governor: null },
    memory: { totalMiB: 24106 },
    os: {
      platform: 'linux',
      type: 'Linux',
      release: '6.18.44',
      arch: 'x64',
      distro: 'Debian GNU/Linux 12 (bookworm)',
    },
    node: { version: 'v24.21.0', v8: '13.6.233.17-node.53' },
    tools: { k6: '2.2.0', wrk: '4.2.0' },
    git: {
      sha: overrides.sha === undefined ? '53aceb789cd9b80ac897c3747170a8a258b1d038' : overrides.sha,
      dirty: false,
      branch: 'main',
    },
    command: overrides.quick ? 'pnpm vitest bench --run' : 'pnpm vitest bench --run bench/basic',
    config: {
      env: overrides.quick ? { LAB_QUICK: '1' } : {},
      quick: overrides.quick ?? false,
      infraMode: 'auto',
      seed: 42,
      scale: 1,
    },
    pinning: { enabled: true, targetCpus: '0', generatorCpus: '1' },
    infra: {
      provider: 'local',
      providerTried: ['testcontainers: no container runtime answered', 'local: PostgreSQL 18.4'],
      postgres: [
        {
          provider: 'local',
          version: '18.4',
          isolation: 'strong',
          durability: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
          settings: { fsync: 'off', max_connections: '200' },
          suites: ['bench/basic/01-lightweight'],
        },
      ],
      redis: [
        {
          provider: 'local',
          version: '7.0.15',
          isolation: 'strong',
          durability: { persistence: 'off' },
          settings: { persistence: 'off' },
          suites: ['bench/basic/01-lightweight'],
        },
      ],
    },
    ci: { ci: false, provider: null, runUrl: null },
  };
}

const closed: LoadSettings = {
  model: 'closed',
  concurrency: 10,
  durationSeconds: 15,
  warmupSeconds: 5,
};

/** CPU and RSS every 250 ms over 15 s, shaped per target and round (deterministic). */
function samples(seed: number, cpu: number, rss: number): Result['resources'] {
  const list = Array.from({ length: 60 }, (_, i) => ({
    tMs: 250 * (i + 1),
    cpuPercent: Math.round((cpu + 6 * Math.sin((i + seed) / 4)) * 10) / 10,
    rssMiB: Math.round((rss + i * 0.4 + (seed % 3)) * 10) / 10,
  }));
  const cpus = list.map((s) => s.cpuPercent);
  const rsss = list.map((s) => s.rssMiB);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    intervalMs: 250,
    cpuPercent: { mean: mean(cpus), max: Math.max(...cpus) },
    rssMiB: { mean: mean(rsss), max: Math.max(...rsss) },
    samples: list,
  };
}

const seedOf = (name: string): number =>
  [...name].reduce((sum, c, i) => sum + c.charCodeAt(0) * (i + 1), 0);

export function result(
  scenario: string,
  target: string,
  throughput: number,
  extra: Partial<Result> & { round?: number } = {},
): Result {
  const { round = 0, ...rest } = extra;
  const p50 = 10_000 / throughput;
  return {
    engine: 'k6',
    scenario,
    target,
    settings: closed,
    requests: Math.round(throughput * 15),
    throughput,
    latency: {
      count: Math.round(throughput * 15),
      min: p50 / 4,
      mean: p50 * 1.2,
      p50,
      p90: p50 * 1.8,
      p95: p50 * 2.3,
      p99: p50 * 4.1,
      p999: p50 * 9.5,
      max: p50 * 14,
    },
    errors: 0,
    failedChecks: 0,
    statuses: { '200': Math.round(throughput * 15) },
    resources: samples(
      round + seedOf(target),
      60 + (seedOf(target) % 40),
      70 + (seedOf(target) % 90),
    ),
    warnings: [],
    startedAt: `2026-11-25T11:${String(14 + round).padStart(2, '0')}:00.000Z`,
    meta: { round, rounds: 3 },
    ...rest,
  };
}

const stored = (suite: string, r: Result): StoredResult => ({
  suite,
  recordedAt: r.startedAt,
  pid: 1001,
  result: r,
});

function comparison(
  scenario: string,
  labels: { a: string; b: string },
  metric: string,
  verdict: Verdict,
  interval: [number | null, number | null, number | null],
  claim: { status: ClaimStatus; expected: Verdict[]; description: string } | null,
  extra: { warnings?: string[] } = {},
): StoredComparison {
  const [ratio, lower, upper] = interval;
  const a = [2010, 1990, 2040, 2005, 1998];
  const b = a.map((x) => x / (ratio ?? 1));
  return {
    suite:
      scenario === '09-pagination' ? 'bench/db-advanced/09-pagination' : `bench/basic/${scenario}`,
    scenario,
    recordedAt: '2026-11-25T11:20:00.000Z',
    pid: 1001,
    claim,
    comparison: {
      verdict,
      ratio: ratio as number,
      lower: lower as number,
      upper: upper as number,
      confidence: 0.95,
      rounds: 5,
      metric,
      minRatio: 1.05,
      equivalenceMargin: 1.05,
      labels,
      lookConfidence: 0.996875,
      looks: 16,
      correction: 'bonferroni',
      method: 'bca',
      minRounds: 5,
      maxRounds: 20,
      stoppedEarly: verdict !== 'inconclusive',
      a,
      b,
      orders: ['AB', 'BA', 'AB', 'BA', 'AB'],
      warnings: extra.warnings ?? [],
      resultCounts: { a: 5, b: 5 },
    },
  };
}

export interface FixtureOptions {
  runId?: string;
  startedAt?: string;
  quick?: boolean;
  sha?: string | null;
}

export function fixtureReport(options: FixtureOptions = {}): RunReport {
  const startedAt = options.startedAt ?? '2026-11-25T11:13:03.911Z';
  const results: StoredResult[] = [];
  const s01 = 'bench/basic/01-lightweight';
  const speeds: Record<string, number> = {
    fastify: 21_400,
    express: 9_800,
    'nestjs-fastify': 17_900,
    'nestjs-express': 8_100,
  };
  for (let round = 0; round < 3; round++) {
    for (const [target, speed] of Object.entries(speeds)) {
      if (target === 'nestjs-express' && round === 1) {
        results.push(
          stored(
            s01,
            result('01-lightweight', target, 1_200, {
              round,
              failure: 'target exited with code 1 during the run (log tail: ECONNRESET)',
            }),
          ),
        );
        continue;
      }
      results.push(
        stored(
          s01,
          result('01-lightweight', target, speed * (1 + (round - 1) * 0.02), {
            round,
            warnings:
              target === 'express' && round === 2
                ? ['k6 used 93% CPU (load generator saturated?)']
                : [],
          }),
        ),
      );
    }
  }
  // Open model: throughput ties at the offered rate, latency decides.
  const open: LoadSettings = { model: 'open', ratePerSecond: 500, durationSeconds: 15 };
  for (const [target, p50] of [
    ['fastify', 0.61],
    ['express', 0.93],
  ] as const) {
    const r = result('06-middleware', target, 499.7, { settings: open, engine: 'inprocess' });
    r.latency = { ...r.latency, p50, p90: p50 * 1.5, p95: p50 * 2, p99: p50 * 6, p999: p50 * 30 };
    results.push(stored('bench/basic/06-middleware', r));
  }
  // Micro-benchmark variants: no resources sampled.
  for (const [variant, speed] of [
    ['offset', 310],
    ['cursor', 12_400],
  ] as const) {
    results.push(
      stored(
        'bench/db-advanced/09-pagination',
        result('09-pagination', 'pg', speed, {
          engine: 'micro',
          variant,
          resources: undefined,
          settings: { model: 'closed', concurrency: 1, durationSeconds: 0, operations: 2000 },
        }),
      ),
    );
  }
  // A scenario where one target only failed, one has a NaN (null in JSON) p99.9, and a warning
  // carries markup that must stay text.
  results.push(
    stored(
      'bench/basic/05-upstream',
      result('05-upstream', 'fastify', 460, {
        warnings: [`Little's law: in-flight ${NASTY}`],
        latency: { ...result('x', 'y', 460).latency, p999: null as unknown as number },
      }),
    ),
    stored('bench/basic/05-upstream', result('05-upstream', 'express', 455)),
    stored(
      'bench/basic/05-upstream',
      result('05-upstream', 'nestjs-fastify', 0, {
        failure: 'k6 exited 99: thresholds crossed (checks rate 0.41)',
        resources: undefined,
      }),
    ),
  );
  const comparisons: StoredComparison[] = [
    comparison(
      '09-pagination',
      { a: 'cursor', b: 'offset' },
      'median',
      'faster',
      [39.99, 25.5, 58.25],
      { status: 'passed', expected: ['faster'], description: 'cursor ≥ 2× faster than offset' },
    ),
    comparison(
      '01-lightweight',
      { a: 'fastify', b: 'express' },
      'throughput',
      'faster',
      [2.18, 2.09, 2.27],
      { status: 'passed', expected: ['faster'], description: 'fastify faster than express' },
    ),
    comparison(
      '01-lightweight',
      { a: 'nestjs-fastify', b: 'fastify' },
      'throughput',
      'slower',
      [0.84, 0.8, 0.88],
      {
        status: 'failed',
        expected: ['faster', 'no-difference'],
        description: 'NestJS adds no overhead',
      },
      { warnings: Array.from({ length: 7 }, (_, i) => `fastify, round ${i + 1}: warning ${i}`) },
    ),
    comparison(
      '05-upstream',
      { a: 'fastify', b: 'express' },
      'p95',
      'inconclusive',
      [1.02, 0.97, 1.08],
      { status: 'unconfirmed', expected: ['no-difference'], description: 'same upstream cost' },
    ),
    comparison(
      '05-upstream',
      { a: 'express', b: NASTY },
      'throughput',
      'inconclusive',
      [null, 0.9, null],
      null,
    ),
  ];
  return {
    kind: RUN_REPORT_KIND,
    schemaVersion: RUN_REPORT_SCHEMA_VERSION,
    runId: options.runId ?? '2026-11-25T11-13-03Z-6c97a0',
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + 754_000).toISOString(),
    environment: environment({ quick: options.quick, sha: options.sha }),
    results,
    comparisons,
    rankings: [{ suite: s01, recordedAt: startedAt, pid: 4242, ranking: fixtureRanking() }],
    errorControl: { alpha: 0.05, suites: 3, comparisons: 15, expectedFalseCalls: 0.012 },
    warnings: ['1 failed run: 01-lightweight/nestjs-express', `a warning with markup: ${NASTY}`],
  };
}

/**
 * A ranking of scenario 01 decided from synthetic blocks (seeded): throughput and latency
 * families, one target the generator could not measure, and one slice left out.
 */
export function fixtureRanking(): RankingData {
  const speeds: Record<string, number> = {
    fastify: 30_000,
    'nestjs-fastify': 24_000,
    express: 14_500,
    [NASTY]: 14_400,
  };
  return {
    scenario: '01-lightweight',
    engine: 'inprocess',
    targets: Object.keys(speeds),
    alpha: 0.05,
    budgetSeconds: 180,
    families: rankedFamilies(speeds, 11),
    problems: ['express throughput block 3: 2 errors, 0 failed checks of 30000'],
    saturated: {},
    outcomes: {},
    resultCount: 64,
  };
}

/**
 * Throughput and latency families decided from 8 synthetic blocks (seeded): every target at its
 * speed (requests/s; latency 1000 / speed ms), a drift shared by the block and 3% noise each.
 */
export function rankedFamilies(speeds: Record<string, number>, seed: number): FamilyRun[] {
  const rng = createRandom(seed);
  return (['throughput', 'latency'] as const).map((phase) => {
    const family = new RankingFamily(Object.keys(speeds), {
      metric: phase === 'throughput' ? 'throughput' : 'median',
      alpha: 0.025,
      plan: { minLooks: 3, maxLooks: 12 },
    });
    for (let b = 0; b < 8; b++) {
      const drift = rng.normal(0, 0.1);
      family.addBlock(
        Object.fromEntries(
          Object.entries(speeds).map(([name, speed]) => {
            const v = speed * Math.exp(drift + rng.normal(0, 0.03));
            return [name, phase === 'throughput' ? v : 1000 / v];
          }),
        ),
      );
    }
    return {
      ...family.evaluate(),
      phase,
      ...(phase === 'latency' ? { ratePerSecond: 7200 } : {}),
      stoppedBy: 'time' as const,
      generatorBound: {},
      seconds: 120,
      sliceSeconds: 2,
    };
  });
}

export function fixtureComparison(): RunComparison {
  const row = (
    target: string,
    ratio: number,
    lower: number | null,
    upper: number | null,
    verdict: Verdict,
    extra: Partial<RunComparison['rows'][number]> = {},
  ): RunComparison['rows'][number] => ({
    scenario: '01-lightweight',
    target,
    engine: 'k6',
    metric: 'throughput',
    baseRuns: 3,
    headRuns: 3,
    base: 10_000,
    head: 10_000 * ratio,
    ratio,
    lower,
    upper,
    confidence: 0.95,
    verdict,
    regression: false,
    ...extra,
  });
  return {
    base: {
      runId: '2026-11-24T09-00-00Z-aaaaaa',
      file: 'reports/history/run-2026-11-24T09-00-00Z.json',
      gitSha: '1c76c8d0000000000000000000000000000000000',
      startedAt: '2026-11-24T09:00:00.000Z',
    },
    head: {
      runId: '2026-11-25T11-13-03Z-6c97a0',
      file: 'reports/run-2026-11-25T11-13-03Z.json',
      gitSha: '53aceb789cd9b80ac897c3747170a8a258b1d038',
      startedAt: '2026-11-25T11:13:03.911Z',
    },
    threshold: 0.05,
    rows: [
      row('fastify', 1.03, 0.99, 1.07, 'no-difference'),
      row('express', 1.12, 1.08, 1.16, 'faster'),
      row('nestjs-express', 0.82, 0.78, 0.86, 'slower', { regression: true }),
      row('nestjs-fastify', 0.97, null, null, 'inconclusive', {
        baseRuns: 1,
        headRuns: 1,
        note: 'one run per side: too few to tell',
      }),
      row('fastify', 0.95, 0.9, 1.01, 'inconclusive', {
        scenario: '06-middleware',
        metric: 'median',
        base: 0.58,
        head: 0.61,
      }),
    ],
    onlyInBase: ['03-db-read / express'],
    onlyInHead: ['09-pagination / pg (cursor)'],
    environmentDifferences: ['Node.js v24.20.0 → v24.21.0'],
    regressions: 1,
  };
}
