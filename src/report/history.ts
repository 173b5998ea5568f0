import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { copyFileAtomic, writeFileAtomic } from './atomic-file.ts';
import { reportsDir as defaultReportsDir } from './collector.ts';
import { escapeHtml as h } from './html/escape.ts';
import { dateTime, duration, type RunSummary, summarizeRun } from './html/format.ts';
import { REPORT_CSP, renderHtml } from './html.ts';
import { loadRunReport } from './load.ts';

/**
 * Run history: every run's JSON (and its HTML report) is kept under `<reports>/history/`, and
 * `history/index.html` lists the runs, newest first, with links. `finalizeRun()` adds each run;
 * the index is rebuilt from the files every time, so deleting a run's files and adding another
 * run (or calling `renderHistoryIndex`) tidies it. A file that cannot be read is listed as
 * unreadable, with the reason, never fatal.
 */
export const HISTORY_DIR = 'history';
export const HISTORY_INDEX = 'index.html';

export function historyDir(reportsDir: string = defaultReportsDir()): string {
  return join(reportsDir, HISTORY_DIR);
}

export interface HistoryAddition {
  /** The copy of the JSON in the history directory. */
  json: string;
  /** The HTML report next to it; null when there was none and none could be rendered. */
  html: string | null;
  index: string;
  /** Problems that did not stop the addition (HTML not rendered…). */
  problems: string[];
}

/**
 * Copies `run-<ts>.json` into `<reportsDir>/history/` with the `run-<ts>.html` next to it (copied
 * when it exists beside the JSON, else rendered from the JSON), then rewrites the index.
 */
export function addToHistory(
  reportJsonPath: string,
  reportsDir: string = defaultReportsDir(),
): HistoryAddition {
  const dir = historyDir(reportsDir);
  mkdirSync(dir, { recursive: true });
  const name = basename(reportJsonPath);
  if (!name.endsWith('.json')) throw new Error(`not a JSON report file: ${reportJsonPath}`);
  const json = join(dir, name);
  // Re-adding a file of the history itself just rewrites the index.
  if (resolve(reportJsonPath) !== resolve(json)) copyFileAtomic(reportJsonPath, json);
  const problems: string[] = [];
  const htmlSource = reportJsonPath.replace(/\.json$/, '.html');
  let html: string | null = join(dir, name.replace(/\.json$/, '.html'));
  try {
    if (!existsSync(htmlSource)) writeFileAtomic(html, renderHtml(loadRunReport(json)));
    else if (resolve(htmlSource) !== resolve(html)) copyFileAtomic(htmlSource, html);
  } catch (error) {
    problems.push(`HTML report for ${name} not written: ${(error as Error).message}`);
    html = null;
  }
  const index = renderHistoryIndex(dir);
  return { json, html, index, problems };
}

export type HistoryEntry = {
  /** File name in the history directory, e.g. `run-2026-11-25T11-13-03Z.json`. */
  file: string;
  /** The HTML report's file name when it exists. */
  html: string | null;
  /** Sort key: the run's start, else the time in the file name, else the file's mtime. */
  time: string;
} & ({ ok: true; summary: RunSummary } | { ok: false; error: string });

const RUN_FILE = /^run-.+\.json$/;

function timeFromName(file: string): string | undefined {
  const m = /^run-(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)Z/.exec(file);
  return m ? `${m[1]}T${m[2]}:${m[3]}:${m[4]}.000Z` : undefined;
}

/** Every `run-*.json` of a history directory, newest first. */
export function readHistory(dir: string): HistoryEntry[] {
  if (!existsSync(dir)) return [];
  const entries: HistoryEntry[] = [];
  for (const file of readdirSync(dir)) {
    if (!RUN_FILE.test(file)) continue;
    const path = join(dir, file);
    const htmlName = file.replace(/\.json$/, '.html');
    const html = existsSync(join(dir, htmlName)) ? htmlName : null;
    const fallbackTime = (): string => {
      const fromName = timeFromName(file);
      if (fromName) return fromName;
      try {
        return statSync(path).mtime.toISOString();
      } catch {
        return '';
      }
    };
    try {
      const summary = summarizeRun(loadRunReport(path));
      const time = Number.isNaN(Date.parse(summary.startedAt))
        ? fallbackTime()
        : new Date(summary.startedAt).toISOString();
      entries.push({ file, html, time, ok: true, summary });
    } catch (error) {
      // RunReportError messages name the file, which the index shows anyway: keep the problem.
      const prefix = `Cannot load run report ${path}: `;
      const text = (error as Error).message;
      const message = text.startsWith(prefix) ? text.slice(prefix.length) : text;
      entries.push({ file, html, time: fallbackTime(), ok: false, error: message });
    }
  }
  return entries.sort((a, b) =>
    a.time === b.time ? b.file.localeCompare(a.file) : b.time.localeCompare(a.time),
  );
}

/** Rewrites `<dir>/index.html` from the run files in `dir`; returns its path. */
export function renderHistoryIndex(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const index = join(dir, HISTORY_INDEX);
  writeFileAtomic(index, renderHistoryIndexHtml(readHistory(dir)));
  return index;
}

const STYLES = `
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: #1d2125; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 20px 60px; }
h1 { font-size: 24px; margin: 0 0 4px; }
.muted { color: #5f6b76; }
a { color: #0b5cad; }
table { border-collapse: collapse; background: #fff; border: 1px solid #d9dee3; margin-top: 14px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #d9dee3; padding: 5px 10px; text-align: left; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr.unreadable td { background: #fff4d6; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.passed { color: #1a7f37; background: #dafbe1; }
.failed { color: #c62828; background: #ffebe9; }
.inconclusive { color: #8a5a00; background: #fff4d6; }
.mode { color: #344563; background: #e9eef5; }
`;

function badge(kind: string, text: string): string {
  return `<span class="badge ${h(kind)}">${h(text)}</span>`;
}

/** The index page (no scripts: a plain table). */
export function renderHistoryIndexHtml(entries: HistoryEntry[]): string {
  const rows = entries.map((entry) => {
    const links = [
      entry.html ? `<a href="${h(encodeURIComponent(entry.html))}">HTML</a>` : '',
      `<a href="${h(encodeURIComponent(entry.file))}">JSON</a>`,
    ]
      .filter(Boolean)
      .join(' · ');
    if (!entry.ok) {
      return `<tr class="unreadable"><td>${h(entry.time ? dateTime(entry.time) : '?')}</td><td><code>${h(entry.file)}</code></td><td colspan="6">${badge('inconclusive', 'unreadable')} ${h(entry.error)}</td><td>${links}</td></tr>`;
    }
    const s = entry.summary;
    const git = s.gitSha
      ? `<code title="${h(s.gitSha)}">${h(s.gitSha.slice(0, 10))}</code>${s.gitDirty ? ' <span class="muted" title="uncommitted changes">+dirty</span>' : ''}${s.gitBranch ? ` <span class="muted">${h(s.gitBranch)}</span>` : ''}`
      : '<span class="muted">unknown</span>';
    const claimTotal = s.claims.passed + s.claims.failed + s.claims.unconfirmed;
    const claims = claimTotal
      ? [
          badge('passed', `${s.claims.passed} passed`),
          s.claims.failed ? badge('failed', `${s.claims.failed} failed`) : '',
          s.claims.unconfirmed ? badge('inconclusive', `${s.claims.unconfirmed} unconfirmed`) : '',
        ]
          .filter(Boolean)
          .join(' ')
      : '<span class="muted">—</span>';
    const results = `${s.results}${s.failedResults ? ` ${badge('failed', `${s.failedResults} failed`)}` : ''}`;
    return `<tr><td>${h(dateTime(s.startedAt))}</td><td><code>${h(s.runId)}</code></td><td>${git}</td><td>${badge('mode', s.quick ? 'quick' : 'full')}</td><td class="num">${results}</td><td class="num">${s.scenarios.length}</td><td>${claims}</td><td class="num">${h(duration(s.startedAt, s.finishedAt))}</td><td>${links}</td></tr>`;
  });
  const unreadable = entries.filter((e) => !e.ok).length;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(REPORT_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Benchmark run history</title>
<style>${STYLES}</style>
</head>
<body>
<main>
<h1>Benchmark run history</h1>
<p class="muted">${entries.length} run${entries.length === 1 ? '' : 's'}, newest first${unreadable ? `; ${unreadable} unreadable` : ''}. Index rewritten ${h(dateTime(new Date().toISOString()))}.</p>
<table>
<thead><tr><th>Started</th><th>Run</th><th>Git</th><th>Mode</th><th class="num">Results</th><th class="num">Scenarios</th><th>Claims</th><th class="num">Took</th><th>Report</th></tr></thead>
<tbody>
${rows.join('\n') || '<tr><td colspan="9" class="muted">No runs yet.</td></tr>'}
</tbody>
</table>
</main>
</body>
</html>
`;
}
