import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { markerEnd, markerStart, replaceSection } from '../src/report/doc-markers.ts';
import { formatWithBiome } from '../src/report/docs-cli.ts';
import { describePair } from '../src/report/ranking-text.ts';
import { fixtureRanking, fixtureReport } from './support/run-report-fixture.ts';

/**
 * scripts/docs-figures.ts end to end on a synthetic run report, in a temporary checkout: the
 * marked sections of the scenarios in the run are filled, everything else stays byte for byte,
 * a second run changes nothing, and a file that is not a run report is one line and exit 2.
 */
const root = mkdtempSync(join(tmpdir(), 'lab-docs-figures-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PLACEHOLDER = 'Not generated yet: run `node scripts/docs-figures.ts <run.json>`.';
const section = (name: string) => `${markerStart(name)}\n${PLACEHOLDER}\n${markerEnd(name)}`;
const BEFORE_01 =
  '# 01 — lightweight\n\nProse the generator must not touch.\n\n## Latest results\n\n';
const AFTER_01 = '\n\n## Afterwards\n\nMore prose.\n';
const PAGE_13 = `# 13\n\n${section('13-db-transactions')}\n`;
const README = `# Lab\n\nIntro.\n\n${section('readme')}\n\n## Later\n`;

function checkout(name: string, pages: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'docs/scenarios'), { recursive: true });
  for (const [file, text] of Object.entries(pages)) writeFileSync(join(dir, file), text);
  writeFileSync(join(dir, 'run.json'), JSON.stringify(fixtureReport()));
  return dir;
}

function generate(dir: string, ...args: string[]) {
  const out = spawnSync(process.execPath, ['scripts/docs-figures.ts', ...args, '--root', dir], {
    cwd: join(import.meta.dirname, '..'),
    encoding: 'utf8',
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

const between = (text: string, name: string): string =>
  text.slice(
    text.indexOf(markerStart(name)) + markerStart(name).length,
    text.indexOf(markerEnd(name)),
  );

describe('docs-figures', () => {
  const dir = checkout('ok', {
    'docs/scenarios/01-lightweight.md': `${BEFORE_01}${section('01-lightweight')}${AFTER_01}`,
    'docs/scenarios/13-db-transactions.md': PAGE_13,
    'README.md': README,
  });
  const report = join(dir, 'run.json');

  it('fills the marked sections of the scenarios in the run and nothing else', () => {
    const run = generate(dir, report, '--readme');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('updated docs/scenarios/01-lightweight.md');
    expect(run.stdout).toContain('updated README.md');
    // The run holds 05, 06 and 09 too, but no page marks them.
    expect(run.stdout).toMatch(/without a page: .*05-upstream/);

    const page = readFileSync(join(dir, 'docs/scenarios/01-lightweight.md'), 'utf8');
    expect(page.startsWith(`${BEFORE_01}${markerStart('01-lightweight')}\n`)).toBe(true);
    expect(page.endsWith(`\n${markerEnd('01-lightweight')}${AFTER_01}`)).toBe(true);
    // Generated as `pnpm check` wants it: Biome leaves the filled page as it is.
    expect(formatWithBiome(page, 'docs/scenarios/01-lightweight.md')).toBe(page);
    const figures = between(page, '01-lightweight');
    expect(figures).not.toContain(PLACEHOLDER);
    const fixture = fixtureReport();
    expect(figures).toContain(fixture.runId);
    expect(figures).toContain('AMD EPYC');
    expect(figures).toContain('`pnpm vitest bench --run bench/basic/01-lightweight.bench.ts`');
    // Every verdict line of both families, as the report's own helper words it.
    const verdicts = fixtureRanking().families.flatMap((f) => f.reported.map(describePair));
    expect(verdicts.length).toBeGreaterThan(4);
    for (const line of verdicts) expect(figures).toContain(`- ${line}`);
    expect(figures).toContain('| Rank | Target');
    // The scenario's claims with their verdicts, and not another scenario's.
    expect(figures).toContain('claim “fastify faster than express” passed');
    expect(figures).toContain('claim “NestJS adds no overhead” failed');
    expect(figures).not.toContain('cursor ≥ 2× faster than offset');

    // A scenario the run does not hold keeps its section.
    expect(readFileSync(join(dir, 'docs/scenarios/13-db-transactions.md'), 'utf8')).toBe(PAGE_13);

    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme.startsWith(`# Lab\n\nIntro.\n\n${markerStart('readme')}\n`)).toBe(true);
    expect(readme.endsWith(`${markerEnd('readme')}\n\n## Later\n`)).toBe(true);
    const summary = between(readme, 'readme');
    const line = summary.split('\n').find((l) => l.startsWith('- [01-lightweight]'));
    expect(line).toContain('(docs/scenarios/01-lightweight.md)');
    // The targets in ranked order, the best first.
    const order = (fixtureRanking().families[0]?.ranking ?? []).map((r) => r.target);
    const positions = order.map((name) => line?.indexOf(name) ?? -1);
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(summary).toContain(
      '- [01-lightweight](docs/scenarios/01-lightweight.md) — claims: 1 passed, 1 failed',
    );
  });

  it('changes nothing when run again with the same report', () => {
    const files = [
      'docs/scenarios/01-lightweight.md',
      'docs/scenarios/13-db-transactions.md',
      'README.md',
    ];
    const before = files.map((f) => readFileSync(join(dir, f), 'utf8'));
    const run = generate(dir, report, '--readme');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('nothing to update');
    expect(files.map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(before);
  });

  it('fills a second README section with --readme-section, leaving the first', () => {
    const two = checkout('two-sections', {
      'docs/scenarios/01-lightweight.md': `${BEFORE_01}${section('01-lightweight')}${AFTER_01}`,
      'README.md': `# Lab\n\n${section('readme')}\n\n${section('readme-more')}\n`,
    });
    const run = generate(two, join(two, 'run.json'), '--readme-section', 'readme-more');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const readme = readFileSync(join(two, 'README.md'), 'utf8');
    expect(between(readme, 'readme')).toBe(`\n${PLACEHOLDER}\n`);
    expect(between(readme, 'readme-more')).toContain(fixtureReport().runId);
    // A section the README does not mark: one line, exit code 1, nothing written.
    const missing = generate(two, join(two, 'run.json'), '--readme-section', 'nowhere');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no <!-- figures:nowhere:start --> marker');
    expect(readFileSync(join(two, 'README.md'), 'utf8')).toBe(readme);
  });

  it('shows every given run that measured a scenario, in the order given', () => {
    const several = checkout('several', {
      'docs/scenarios/01-lightweight.md': `${BEFORE_01}${section('01-lightweight')}${AFTER_01}`,
      'README.md': README,
    });
    const second = { ...fixtureReport(), runId: '2026-11-26T08-00-00Z-second' };
    writeFileSync(join(several, 'second.json'), JSON.stringify(second));
    const run = generate(several, join(several, 'run.json'), join(several, 'second.json'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const page = between(
      readFileSync(join(several, 'docs/scenarios/01-lightweight.md'), 'utf8'),
      '01-lightweight',
    );
    const first = page.indexOf(fixtureReport().runId);
    expect(first).toBeGreaterThan(-1);
    expect(page.indexOf(second.runId)).toBeGreaterThan(first);
    // Each run brings its own ranking: the fixture's table appears once per run.
    expect(page.split('**Machine**')).toHaveLength(3);
    // --only: the other scenarios' sections are left as they are.
    const limited = checkout('only', {
      'docs/scenarios/01-lightweight.md': `${BEFORE_01}${section('01-lightweight')}${AFTER_01}`,
      'docs/scenarios/06-middleware.md': `# 06\n\n${section('06-middleware')}\n`,
      'README.md': README,
    });
    const onlyRun = generate(limited, join(limited, 'run.json'), '--only', '06-middleware');
    expect(onlyRun.code, onlyRun.stderr).toBe(0);
    const untouched = readFileSync(join(limited, 'docs/scenarios/01-lightweight.md'), 'utf8');
    expect(between(untouched, '01-lightweight')).toBe(`\n${PLACEHOLDER}\n`);
    const filled = readFileSync(join(limited, 'docs/scenarios/06-middleware.md'), 'utf8');
    expect(between(filled, '06-middleware')).toContain(fixtureReport().runId);
  });

  it('refuses a file that is not a run report with one line and exit code 2', () => {
    const bogus = join(dir, 'package.json');
    writeFileSync(bogus, JSON.stringify({ name: 'not a report' }));
    const before = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const file of [bogus, join(dir, 'missing.json')]) {
      const run = generate(dir, file, '--readme');
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(
        /^docs-figures: Cannot load run report .*: (not a run report|file not found)/,
      );
    }
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe(before);
    expect(generate(dir).code).toBe(2);
  });

  it('stops at malformed markers, naming the page, and writes nothing', () => {
    const broken = checkout('broken', {
      'docs/scenarios/01-lightweight.md': `${markerStart('01-lightweight')}\nno end marker\n`,
      'README.md': README,
    });
    const run = generate(broken, join(broken, 'run.json'));
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^docs-figures: docs\/scenarios\/01-lightweight\.md: .* needs exactly one/,
    );
    expect(readFileSync(join(broken, 'docs/scenarios/01-lightweight.md'), 'utf8')).toContain(
      'no end marker',
    );
  });
});

describe('replaceSection', () => {
  const text = `a\n${section('x')}\nb\n`;

  it('replaces only what stands between the markers, the same way every time', () => {
    const once = replaceSection(text, 'x', '\nbody\n', 'page');
    expect(once).toBe(`a\n${markerStart('x')}\nbody\n${markerEnd('x')}\nb\n`);
    expect(replaceSection(once, 'x', 'body', 'page')).toBe(once);
  });

  it('names the page when the markers are missing, doubled or out of order', () => {
    expect(() => replaceSection('a', 'x', 'b', 'p.md')).toThrow(
      /^p\.md: no <!-- figures:x:start -->/,
    );
    expect(() => replaceSection(`${text}${text}`, 'x', 'b', 'p.md')).toThrow(/more than once/);
    expect(() =>
      replaceSection(`${markerEnd('x')}\n${markerStart('x')}`, 'x', 'b', 'p.md'),
    ).toThrow(/needs exactly one/);
  });
});
