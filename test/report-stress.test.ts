import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StressRun } from '../src/load/stress/types.ts';
import { createCollector } from '../src/report/collector.ts';
import { readHtmlData, renderHtml } from '../src/report/html.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { buildRunReport } from '../src/report/run-report.ts';
import { RankingFamily } from '../src/stats/family.ts';
import { slopeInterval } from '../src/stats/trend.ts';
import { fitUsl, uslThroughput } from '../src/stats/usl.ts';
import { environment, NASTY } from './support/run-report-fixture.ts';

/** Stress records through the collector into the JSON, Markdown and HTML reports. */
const meta = { 'target.workers': 1, 'target.cpus': '0', 'generator.cpus': '1' };
const base = {
  engine: 'inprocess' as const,
  startedAt: '2026-12-01T00:00:00.000Z',
  meta,
  warnings: [],
};
const series = Array.from({ length: 20 }, (_, i) => ({
  t: i * 0.5,
  seconds: 0.5,
  vus: i >= 6 && i < 12 ? 100 : 10,
  requests: 500,
  throughput: 1000,
  p50: i >= 6 && i < 12 ? 40 : 3,
  p99: i >= 6 && i < 12 ? 120 : 9,
  errors: 0,
  generatorCpuPercent: 20,
}));
const phase = (name: string, vus: number, p99: number) => ({
  phase: name,
  vus,
  seconds: 3,
  requests: 3000,
  throughput: 1000,
  p50: p99 / 3,
  p99,
  errors: 0,
});

function fixtureStress(): StressRun[] {
  const t = Array.from({ length: 100 }, (_, i) => i);
  const rss = slopeInterval(
    t.map((x) => x / 60),
    t.map((x) => 100 + x * 0.5),
  );
  const family = new RankingFamily(['cold', 'warm'], {
    metric: 'median',
    alpha: 0.05,
    plan: { minLooks: 3, maxLooks: 3 },
  });
  for (const [c, w] of [
    [3, 1],
    [3.2, 1.1],
    [2.9, 1],
  ] as const) {
    family.addBlock({ cold: c, warm: w });
  }
  const usl = fitUsl(
    [1, 2, 4, 8, 16].map((n) => ({
      n,
      throughput: uslThroughput({ lambda: 900, sigma: 0.1, kappa: 0.01 }, n),
    })),
  );
  return [
    {
      ...base,
      kind: 'spike',
      scenario: '03-db-read',
      target: 'fastify',
      profile: { base: 10, peak: 100, stages: [{ seconds: 3, target: 10 }] },
      windowSeconds: 0.5,
      series,
      phases: [phase('before', 10, 9), phase('peak', 100, 120), phase('after', 10, 9)],
      recoveryThresholdMs: 9.5,
      recoverySeconds: 0.5,
    },
    {
      ...base,
      kind: 'soak',
      scenario: '08-concurrent-mixed',
      target: NASTY,
      vus: 10,
      durationSeconds: 100,
      warmupSeconds: 10,
      warmupRequests: 10_000,
      settled: true,
      thresholdPer10k: 0.1,
      confidence: 0.975,
      verdict: 'leak',
      trends: [
        {
          series: 'rss',
          samples: 100,
          perMinute: rss,
          per10kRequests: { slope: 1, lower: 0.9, upper: 1.1 },
          verdict: 'growing',
        },
      ],
      memory: t.map((x) => ({ t: x, rssMiB: 100 + x * 0.5, heapMiB: 30 })),
      series,
      throughput: 1000,
      requests: 100_000,
      errors: 0,
    },
    {
      ...base,
      kind: 'cold-warm',
      scenario: '08-concurrent-mixed',
      target: 'express',
      vus: 1,
      firstN: 3,
      measureSeconds: 2,
      repetitions: 3,
      alpha: 0.0167,
      conditions: [
        {
          condition: 'target-start',
          description: 'fresh target process',
          cold: [3, 3.2, 2.9],
          warm: [1, 1.1, 1],
          steadyAfterRequests: [40, 60, null],
          steadyAfterMs: [100, 150, null],
          firstRequests: [9, 4, 3],
          verdict: family.evaluate().pairs[0] ?? null,
          errors: 0,
        },
      ],
    },
    {
      ...base,
      kind: 'sweep',
      scenario: '03-db-read',
      target: 'fastify',
      axis: 'vus',
      points: [1, 2, 4, 8, 16].map((n) => ({
        level: n,
        label: `${n} VUs`,
        knobs: { vus: n, pool: 10, workers: 1, targetCpus: '0', generatorCpus: '1' },
        throughput: uslThroughput(usl, n),
        p50: n / 2,
        p99: n,
        blocks: 3,
        errors: 0,
        ...(n === 16 ? { generatorBound: 'load generator CPU 95% (≥ 90%)' } : {}),
        values: [1, 2, 3],
      })),
      steps: [{ from: '1 VU', to: '2 VUs', ratio: 1.8, lower: 1.6, upper: 2, verdict: 'more' }],
      alpha: 0.05,
      comparisons: 10,
      expectedFalseCalls: 0.01,
      blocks: 3,
      stoppedBy: 'decided',
      usl: { ...usl, excluded: ['16 VUs: generator-bound'] },
    },
  ];
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('stress records in the run report', () => {
  const runDir = mkdtempSync(join(tmpdir(), 'lab-stress-report-'));
  dirs.push(runDir);
  const collector = createCollector(runDir, 4242);
  for (const run of fixtureStress()) collector.recordStress(run, { suite: 'bench/stress/x' });
  const report = buildRunReport(runDir, { environment: environment() });

  it('keeps every record in the JSON and counts their verdicts in the error control', () => {
    expect(report?.stress?.map((s) => s.stress.kind)).toEqual([
      'spike',
      'soak',
      'cold-warm',
      'sweep',
    ]);
    // soak: 1 trend; cold-warm: 1 condition; sweep: 10 comparisons.
    expect(report?.errorControl?.comparisons).toBe(12);
    expect(report?.errorControl?.suites).toBe(1);
  });

  it('writes a Markdown section per kind with the numbers', () => {
    const md = renderMarkdown(report as NonNullable<typeof report>);
    expect(md).toMatch(/## 20 spike/);
    expect(md).toMatch(
      /recovered to the pre-spike window p99 ≤ 9\.50 ms 0\.5 s after the peak ended/,
    );
    expect(md).toMatch(/\*\*Leak verdict: leak\.\*\*/);
    expect(md).toMatch(
      /target-start: fresh target process\s*\|\s*3\.00\s*\|\s*1\.00\s*\|\s*40 \/ 100\.0, 60 \/ 150\.0, never\s*\|\s*2\.94 \[2\.81, 3\.07\]\s*\|\s*cold slower/,
    );
    expect(md).toMatch(/USL fit: λ 900 req\/s, σ 0\.1000, κ 0\.010000/);
    expect(md).toMatch(/1 VU → 2 VUs: more throughput, ratio 1\.80 \[1\.60, 2\.00\]/);
    expect(md.indexOf('## 20 spike')).toBeLessThan(md.indexOf('## Environment'));
  });

  it('charts time series and curves in the HTML, markup kept as text', () => {
    const html = renderHtml(report as NonNullable<typeof report>);
    const kinds = readHtmlData(html).charts.map((c) => c.kind);
    expect(kinds.filter((k) => k === 'timeline')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'memory')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'trace')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'curve')).toHaveLength(2);
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).toContain('&lt;/script&gt;');
    const usl = readHtmlData(html).charts.find((c) => c.title.includes('throughput over vus'));
    expect(JSON.stringify(usl?.config)).toContain('USL model');
  });
});
