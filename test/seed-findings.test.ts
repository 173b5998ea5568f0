import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FamilyRun } from '../src/load/ranking-run.ts';
import { formatWithBiome } from '../src/report/docs-cli.ts';
import { pairOf } from '../src/report/ranking-text.ts';
import { AS_ORIGINAL, ORIGINAL_SKEWS, renderSeedFindings } from '../src/report/seed-findings.ts';
import type { RankingData, RunReport } from '../src/report/types.ts';
import { fixtureReport, rankedFamilies } from './support/run-report-fixture.ts';

/**
 * docs/seed-findings.md from a synthetic cross-language run: 01 with FastAPI ~8× Django, 03 with
 * FastAPI faster than Django (the original said the reverse), no 08 at all. Each claim's row must
 * carry the run's own pair verdict, oriented as the claim states it.
 */
const root = mkdtempSync(join(tmpdir(), 'lab-seed-findings-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function ranking(scenario: string, speeds: Record<string, number>, seed: number): RankingData {
  return {
    scenario,
    engine: 'inprocess',
    targets: Object.keys(speeds),
    alpha: 0.025,
    budgetSeconds: 180,
    families: rankedFamilies(speeds, seed),
    problems: [],
    saturated: {},
    outcomes: {},
    resultCount: 0,
  };
}

const R01 = ranking(
  '01-lightweight',
  {
    fastify: 30_000,
    gin: 45_000,
    fastapi: 8_000,
    'fastapi-strict': 7_900,
    flask: 2_000,
    django: 1_000,
  },
  3,
);
const R03 = ranking('03-db-read', { fastify: 9_000, fastapi: 3_000, django: 1_500 }, 5);

function crossLanguageReport(): RunReport {
  const base = fixtureReport();
  const stored = (r: RankingData) => ({
    suite: `bench/basic/${r.scenario}`,
    recordedAt: base.startedAt,
    pid: 7,
    ranking: r,
  });
  return {
    ...base,
    environment: {
      ...base.environment,
      config: { ...base.environment.config, env: { LAB_TARGETS: 'all' } },
    },
    rankings: [stored(R01), stored(R03)],
  };
}

const throughput = (r: RankingData): FamilyRun => r.families[0] as FamilyRun;
/** Cells of the table rows whose leading cells are `first` (undefined: any); tables are padded. */
function rowsOf(text: string, ...first: Array<string | undefined>): string[][] {
  return text
    .split('\n')
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    )
    .filter((cells) => first.every((value, i) => value === undefined || cells[i] === value));
}
const rowOf = (text: string, ...first: Array<string | undefined>): string[] =>
  rowsOf(text, ...first)[0] ?? [];

describe('seed findings', () => {
  const page = renderSeedFindings(crossLanguageReport());
  const headlines = page.slice(
    page.indexOf('## Headline claims'),
    page.indexOf('## Flask vs Django'),
  );

  it('gives each claim the run’s pair verdict, oriented as the claim states it', () => {
    const pair = pairOf(throughput(R01), 'fastapi', 'django');
    expect(pair?.verdict).toBe('faster');
    const [, , , family, verdict, level, against] = rowOf(
      headlines,
      '01-lightweight',
      'fastapi vs django',
      'FastAPI 7–9× faster',
    );
    expect(family).toBe('throughput');
    expect(verdict).toContain(
      `▲ faster ${pair?.ratio.toFixed(2)}× [${pair?.lower.toFixed(2)}, ${pair?.upper.toFixed(2)}]`,
    );
    expect(level).toBe(`${Number(((pair?.level ?? 0) * 100).toPrecision(2))}%`);
    expect(against).toMatch(
      /^agrees; its 7–9× (lies inside|overlaps|lies above|lies below) this interval$/,
    );

    // 03: the run found FastAPI faster, the original Django: the row is Django's view of the pair.
    const reversed = pairOf(throughput(R03), 'django', 'fastapi');
    expect(reversed?.verdict).toBe('slower');
    const row03 = rowOf(
      headlines,
      '03-db-read',
      'django vs fastapi',
      'Django 1.6× faster',
      'throughput',
    );
    expect(row03[4]).toContain(`▼ slower ${reversed?.ratio.toFixed(2)}×`);
    expect(row03[6]).toMatch(/^contradicts: the other way round/);
    // One row per family of the ranking: throughput, then median latency.
    const strict = rowsOf(headlines, '01-lightweight', 'fastapi vs fastapi-strict').map(
      (r) => r[3],
    );
    expect(strict).toEqual([
      'throughput',
      `median latency at ${(7200).toLocaleString('en-US')} req/s`,
    ]);
  });

  it('says "not measured in this run" where the run lacks the pair', () => {
    expect(rowOf(headlines, '08-concurrent-mixed', 'fastapi vs django')[3]).toBe(
      'not measured in this run',
    );
    const flask = page.slice(page.indexOf('## Flask vs Django'), page.indexOf('## Where the Node'));
    expect(rowOf(flask, '03-db-read', 'flask vs django')[3]).toBe('not measured in this run');
    expect(
      rowOf(
        flask,
        '01-lightweight',
        'flask vs django',
        'none (Flask was planned, never measured)',
        'throughput',
      )[4],
    ).toMatch(/faster/);
    expect(page).toContain('**08-concurrent-mixed**: not measured in this run.');
  });

  it('places the Node and Go targets against FastAPI and Django', () => {
    const gin = pairOf(throughput(R01), 'gin', 'fastapi');
    const standings = page.slice(page.indexOf('**01-lightweight**, throughput'));
    const [rank, , language, , vsFastapi] = rowOf(standings, undefined, 'gin');
    expect([rank, language]).toEqual(['1', 'go']);
    expect(vsFastapi).toBe(
      `▲ faster ${gin?.ratio.toFixed(2)}× [${gin?.lower.toFixed(2)}, ${gin?.upper.toFixed(2)}]`,
    );
    expect(rowOf(page, 'fastify', 'typescript')).not.toEqual([]);
  });

  it('names the run and lists the original’s skews', () => {
    const report = crossLanguageReport();
    expect(page).toContain(report.runId);
    expect(page).toContain(
      'LAB_TARGETS=all pnpm vitest bench --run bench/basic/01-lightweight.bench.ts',
    );
    expect(page).toContain('AMD EPYC');
    for (const skew of ORIGINAL_SKEWS) expect(page).toContain(skew);
  });

  it('adds the original’s settings, measured, from a second run', () => {
    const settingsRun = ranking(
      '03-db-read',
      { fastapi: 3_000, django: 1_500, [AS_ORIGINAL]: 1_000 },
      7,
    );
    const settings: RunReport = {
      ...crossLanguageReport(),
      runId: 'settings-run-id',
      rankings: [{ suite: 'lab run 03-db-read', recordedAt: '', pid: 8, ranking: settingsRun }],
    };
    const without = renderSeedFindings(crossLanguageReport());
    expect(without).not.toContain('## The original’s FastAPI settings, measured');
    const withSettings = renderSeedFindings(crossLanguageReport(), settings);
    const section = withSettings.slice(
      withSettings.indexOf('## The original’s FastAPI settings, measured'),
      withSettings.indexOf('## Known skews'),
    );
    expect(section).toContain('settings-run-id');
    const cost = pairOf(throughput(settingsRun), 'fastapi', AS_ORIGINAL);
    expect(
      rowOf(section, '03-db-read', `fastapi vs ${AS_ORIGINAL}`, undefined, 'throughput')[4],
    ).toContain(`${cost?.ratio.toFixed(2)}×`);
    // The original's 03 claim, re-tested against FastAPI with its settings.
    const claim = pairOf(throughput(settingsRun), 'django', AS_ORIGINAL);
    expect(
      rowOf(
        section,
        '03-db-read',
        `django vs ${AS_ORIGINAL}`,
        'Django 1.6× faster',
        'throughput',
      )[4],
    ).toContain(`${claim?.ratio.toFixed(2)}×`);
    // A generated conclusion per re-tested claim, from the same verdict.
    expect(section).toMatch(
      /- 03-db-read, “Django 1\.6× faster”: with the original’s FastAPI settings the throughput ratio is [0-9.]+× \[[0-9.]+, [0-9.]+\] \((faster|slower|no-difference|inconclusive)\); its 1\.6× lies (inside|outside) that interval/,
    );
    // 01 is not in the settings run.
    expect(rowOf(section, '01-lightweight', `fastapi vs ${AS_ORIGINAL}`)[3]).toBe(
      'not measured in this run',
    );
  });

  it('writes the page with --out and refuses a file that is not a run report', () => {
    const json = join(root, 'run.json');
    writeFileSync(json, JSON.stringify(crossLanguageReport()));
    const out = join(root, 'seed-findings.md');
    const script = (...args: string[]) =>
      spawnSync(process.execPath, ['scripts/seed-findings.ts', ...args], {
        cwd: join(import.meta.dirname, '..'),
        encoding: 'utf8',
      });
    const ok = script(json, '--out', out);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    // Written as `pnpm check` wants it: Biome leaves the page as it is.
    const written = readFileSync(out, 'utf8');
    expect(written).toBe(formatWithBiome(page, 'docs/seed-findings.md'));
    expect(formatWithBiome(written, 'docs/seed-findings.md')).toBe(written);
    expect(written).toContain('| 03-db-read');

    writeFileSync(join(root, 'other.json'), '{"kind":"something-else","schemaVersion":1}');
    const bad = script(join(root, 'other.json'));
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^seed-findings: Cannot load run report/);
  });
});
