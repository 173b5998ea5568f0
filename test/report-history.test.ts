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
import { createCollector } from '../src/report/collector.ts';
import {
  addToHistory,
  historyDir,
  readHistory,
  renderHistoryIndex,
  renderHistoryIndexHtml,
} from '../src/report/history.ts';
import { readHtmlData } from '../src/report/html.ts';
import { finalizeMessage, finalizeRun } from '../src/report/run-report.ts';
import type { RunReport } from '../src/report/types.ts';
import { environment, fixtureReport, result } from './support/run-report-fixture.ts';

/** History under a temp reports dir: copies, the index, broken files, and finalizeRun's part. */
const root = mkdtempSync(join(tmpdir(), 'lab-history-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
function reportsDir(): string {
  const dir = join(root, `reports-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function writeReport(dir: string, report: RunReport, name?: string): string {
  const stamp = report.startedAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const file = join(dir, name ?? `run-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** Run ids in the order the index lists them. */
const listed = (html: string): string[] =>
  [...html.matchAll(/<td><code>([^<]+)<\/code><\/td>/g)].map((m) => m[1] as string);

describe('addToHistory', () => {
  it('copies the JSON and the HTML next to it, and writes the index', () => {
    const dir = reportsDir();
    const json = writeReport(dir, fixtureReport());
    writeFileSync(json.replace(/\.json$/, '.html'), '<!doctype html><p>the run report</p>');
    const added = addToHistory(json, dir);
    expect(added.json).toBe(join(dir, 'history', 'run-2026-11-25T11-13-03Z.json'));
    expect(readFileSync(added.json, 'utf8')).toBe(readFileSync(json, 'utf8'));
    expect(added.html).toBe(join(dir, 'history', 'run-2026-11-25T11-13-03Z.html'));
    expect(readFileSync(added.html as string, 'utf8')).toBe('<!doctype html><p>the run report</p>');
    expect(added.index).toBe(join(historyDir(dir), 'index.html'));
    expect(added.problems).toEqual([]);
    const index = readFileSync(added.index, 'utf8');
    expect(index).toContain('<a href="run-2026-11-25T11-13-03Z.html">HTML</a>');
    expect(index).toContain('<a href="run-2026-11-25T11-13-03Z.json">JSON</a>');
  });

  it('renders the HTML from the JSON when there is none beside it', () => {
    const dir = reportsDir();
    const json = writeReport(dir, fixtureReport());
    const added = addToHistory(json, dir);
    expect(added.problems).toEqual([]);
    const html = readFileSync(added.html as string, 'utf8');
    expect(readHtmlData(html).runId).toBe('2026-11-25T11-13-03Z-6c97a0');
  });

  it('refuses a file that is not JSON by name', () => {
    const dir = reportsDir();
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect(() => addToHistory(join(dir, 'notes.txt'), dir)).toThrow(/not a JSON report file/);
  });
});

describe('history index', () => {
  it('lists runs newest first with date, git sha, mode, results, claims and links', () => {
    const dir = reportsDir();
    const runs = [
      fixtureReport({ runId: 'run-b', startedAt: '2026-11-25T10:00:00.000Z', quick: true }),
      fixtureReport({ runId: 'run-c', startedAt: '2026-11-25T12:00:00.000Z', sha: null }),
      fixtureReport({ runId: 'run-a', startedAt: '2026-11-24T09:30:00.000Z' }),
    ];
    let index = '';
    for (const run of runs) index = addToHistory(writeReport(dir, run), dir).index;
    const html = readFileSync(index, 'utf8');
    expect(listed(html)).toEqual(['run-c', 'run-b', 'run-a']);
    expect(html).toContain('3 runs, newest first.');
    const row = (id: string): string =>
      html.split('\n').find((line) => line.includes(`<code>${id}</code>`)) ?? '';
    expect(row('run-b')).toContain('<td>2026-11-25 10:00:00 UTC</td>');
    expect(row('run-b')).toContain('<span class="badge mode">quick</span>');
    expect(row('run-a')).toContain('<span class="badge mode">full</span>');
    expect(row('run-a')).toContain(
      '<code title="53aceb789cd9b80ac897c3747170a8a258b1d038">53aceb789c</code> <span class="muted">main</span>',
    );
    expect(row('run-c')).toContain('<span class="muted">unknown</span>');
    // 19 results, 2 of them failed; claims 2 passed, 1 failed, 1 unconfirmed.
    expect(row('run-a')).toContain(
      '<td class="num">19 <span class="badge failed">2 failed</span></td><td class="num">4</td>',
    );
    expect(row('run-a')).toContain(
      '<span class="badge passed">2 passed</span> <span class="badge failed">1 failed</span> <span class="badge inconclusive">1 unconfirmed</span>',
    );
    expect(row('run-a')).toContain('<td class="num">12 min 34 s</td>');
    expect(row('run-a')).toContain(
      '<a href="run-2026-11-24T09-30-00Z.html">HTML</a> · <a href="run-2026-11-24T09-30-00Z.json">JSON</a>',
    );
    // A self-contained page without scripts.
    expect(html).not.toMatch(/<script|<link|(?:src|href)="(?:https?:)?\/\//);
  });

  it('lists broken files as unreadable, with the reason, instead of failing', () => {
    const dir = reportsDir();
    const history = historyDir(dir);
    addToHistory(writeReport(dir, fixtureReport()), dir);
    writeFileSync(join(history, 'run-2026-11-20T08-00-00Z.json'), '{"kind": "backend-benchm');
    writeFileSync(join(history, 'run-2026-11-21T08-00-00Z.json'), '');
    writeFileSync(
      join(history, 'run-2026-11-22T08-00-00Z.json'),
      JSON.stringify({ ...fixtureReport(), schemaVersion: 99 }),
    );
    writeFileSync(join(history, 'run-2026-11-23T08-00-00Z.json'), '[1, 2, 3]');
    mkdirSync(join(history, 'run-2026-11-19T08-00-00Z.json')); // a directory
    writeFileSync(join(history, 'notes.json'), '{}'); // not a run file: ignored

    const entries = readHistory(history);
    expect(entries.map((e) => [e.file, e.ok])).toEqual([
      ['run-2026-11-25T11-13-03Z.json', true],
      ['run-2026-11-23T08-00-00Z.json', false],
      ['run-2026-11-22T08-00-00Z.json', false],
      ['run-2026-11-21T08-00-00Z.json', false],
      ['run-2026-11-20T08-00-00Z.json', false],
      ['run-2026-11-19T08-00-00Z.json', false],
    ]);
    const errors = entries.flatMap((e) => (e.ok ? [] : [e.error]));
    expect(errors).toEqual([
      'not a run report (expected a JSON object)',
      'schemaVersion 99 is not supported (this version reads 1)',
      'the file is empty',
      expect.stringMatching(/^not valid JSON — truncated or corrupted\?/),
      'is a directory, not a file',
    ]);

    const html = readFileSync(renderHistoryIndex(history), 'utf8');
    expect(html).toContain('6 runs, newest first; 5 unreadable.');
    expect(html).toContain(
      '<tr class="unreadable"><td>2026-11-22 08:00:00 UTC</td><td><code>run-2026-11-22T08-00-00Z.json</code></td><td colspan="6"><span class="badge inconclusive">unreadable</span> schemaVersion 99 is not supported',
    );
    expect(html).toContain('<a href="run-2026-11-21T08-00-00Z.json">JSON</a>');
    expect(html).not.toContain('notes.json');
  });

  it('is empty but valid for a missing or empty directory, and escapes what runs contain', () => {
    expect(readHistory(join(root, 'absent'))).toEqual([]);
    expect(renderHistoryIndexHtml([])).toContain('No runs yet.');
    const report = fixtureReport({ runId: '<img src=x onerror=alert(1)>' });
    report.environment.git.branch = '<b>feature</b>';
    const dir = reportsDir();
    const html = readFileSync(addToHistory(writeReport(dir, report), dir).index, 'utf8');
    expect(html).toContain('<code>&lt;img src=x onerror=alert(1)&gt;</code>');
    expect(html).toContain('&lt;b&gt;feature&lt;/b&gt;');
    expect(html).not.toContain('<img');
  });
});

describe('finalizeRun', () => {
  it('writes run-<ts>.html and latest.html, and adds the run to the history', () => {
    const dir = reportsDir();
    const runDir = join(dir, '.run-history-test');
    const collector = createCollector(runDir, 4242);
    collector.recordResult(result('01-lightweight', 'fastify', 20_000), { suite: 'bench/basic' });
    collector.recordResult(result('01-lightweight', 'express', 9_000), { suite: 'bench/basic' });
    const outcome = finalizeRun(runDir, { stepSummary: null, environment: environment() });
    if (!outcome.written) throw new Error(outcome.reason);
    expect(outcome.problems).toEqual([]);
    expect(outcome.html).toBe(outcome.json.replace(/\.json$/, '.html'));
    expect(outcome.latestHtml).toBe(join(dir, 'latest.html'));
    const html = readFileSync(outcome.html as string, 'utf8');
    expect(readFileSync(outcome.latestHtml as string, 'utf8')).toBe(html);
    expect(readHtmlData(html).charts.map((c) => c.kind)).toEqual([
      'throughput',
      'latency',
      'cpu',
      'rss',
    ]);

    const name = outcome.json.slice(dir.length + 1);
    const history = historyDir(dir);
    expect(readdirSync(history).sort()).toEqual(
      [name, name.replace(/\.json$/, '.html'), 'index.html'].sort(),
    );
    expect(readFileSync(join(history, name), 'utf8')).toBe(readFileSync(outcome.json, 'utf8'));
    expect(outcome.historyIndex).toBe(join(history, 'index.html'));
    expect(listed(readFileSync(join(history, 'index.html'), 'utf8'))).toEqual(['history-test']);
    expect(finalizeMessage(outcome, dir)).toBe(
      `Reports: ${name.replace(/\.json$/, '.md')}, ${name}, ${name.replace(/\.json$/, '.html')} (history: history/index.html)`,
    );

    // A second run lands next to it; the index lists both.
    const second = join(dir, '.run-second');
    createCollector(second, 1).recordResult(result('01-lightweight', 'fastify', 1), {
      suite: 's',
    });
    const next = finalizeRun(second, {
      stepSummary: null,
      environment: environment(),
      now: new Date(Date.now() + 5_000),
    });
    if (!next.written) throw new Error(next.reason);
    expect(listed(readFileSync(join(history, 'index.html'), 'utf8'))).toHaveLength(2);
    expect(existsSync(join(dir, '.run-second'))).toBe(false);
  });
});
