import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { ProviderKind } from '../infra/types.ts';
import { DEFAULT_ALPHA, verdictSuites } from '../load/alpha.ts';
import { copyFileAtomic, createFileAtomic, writeFileAtomic } from './atomic-file.ts';
import { type RunRecord, reportsDir, runDirFor } from './collector.ts';
import { captureEnvironment, mergeInfraNotes } from './environment.ts';
import { addToHistory } from './history.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { stressVerdicts } from './stress-text.ts';
import {
  type Environment,
  type ErrorControl,
  type InfraNote,
  RUN_REPORT_KIND,
  RUN_REPORT_SCHEMA_VERSION,
  type RunReport,
  type StoredComparison,
  type StoredRanking,
  type StoredResult,
  type StoredStress,
} from './types.ts';

/**
 * A run's life: `beginRun()` (vitest globalSetup, bench mode) makes `<reports>/.run-<id>/`,
 * captures the environment into its `run.json` and sets LAB_RUN_ID for the workers; bench files
 * record into it (collector.ts); `finalizeRun()` (globalSetup teardown) merges everything into
 * `run-<timestamp>.json` + `.md` + `.html`, copies them to `latest.*`, adds the run to
 * `history/` (history.ts), appends the Markdown to `$GITHUB_STEP_SUMMARY`, and removes the run
 * directory.
 */
const META_FILE = 'run.json';

interface RunMeta {
  v: 1;
  runId: string;
  startedAt: string;
  environment: Environment;
}

export interface BeginRunOptions {
  /** Default `LAB_REPORTS_DIR`, else `<repo>/reports`. */
  reportsDir?: string;
  /** Environment read and updated (LAB_RUN_ID, LAB_REPORTS_DIR); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  provider?: { kind: ProviderKind; tried?: string[] };
  now?: Date;
}

export interface RunHandle {
  runId: string;
  runDir: string;
}

/** `2025-01-02T03-04-05Z`: sortable, and valid in file names everywhere. */
export function timestampId(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

export function beginRun(options: BeginRunOptions = {}): RunHandle {
  const env = options.env ?? process.env;
  const dir = options.reportsDir ?? reportsDir(env);
  const now = options.now ?? new Date();
  const runId = `${timestampId(now)}-${randomBytes(3).toString('hex')}`;
  const runDir = runDirFor(runId, dir);
  mkdirSync(runDir, { recursive: true });
  const environment = captureEnvironment({
    env,
    infra: { provider: options.provider?.kind ?? null, providerTried: options.provider?.tried },
  });
  const meta: RunMeta = { v: 1, runId, startedAt: now.toISOString(), environment };
  writeFileAtomic(join(runDir, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
  // Workers are forked later with a copy of this environment.
  env.LAB_RUN_ID = runId;
  env.LAB_REPORTS_DIR = dir;
  return { runId, runDir };
}

export interface FinalizeOptions {
  /** Where the reports go; default the run directory's parent. */
  reportsDir?: string;
  /** File to append the Markdown to; default `$GITHUB_STEP_SUMMARY`; null: none. */
  stepSummary?: string | null;
  /** Used when the run directory has no run.json (beginRun not called). */
  environment?: Environment;
  now?: Date;
  /** Keep the run directory (debugging). */
  keepRunDir?: boolean;
}

export type FinalizeOutcome =
  | {
      written: true;
      json: string;
      markdown: string;
      latestJson: string;
      latestMarkdown: string;
      /** The HTML report and its `latest.html` copy; null when it could not be rendered. */
      html: string | null;
      latestHtml: string | null;
      /** `history/index.html` after adding this run; null when the history could not be updated. */
      historyIndex: string | null;
      /** What went wrong without stopping the JSON and Markdown reports (HTML, history). */
      problems: string[];
      /** The step summary file appended to, when there was one. */
      stepSummary: string | null;
      report: RunReport;
    }
  | { written: false; reason: string };

/** Reads a run directory: run.json (if any) and every worker's records. */
export function readRunDir(runDir: string): {
  meta: RunMeta | undefined;
  records: RunRecord[];
  warnings: string[];
} {
  const warnings: string[] = [];
  let meta: RunMeta | undefined;
  const metaPath = join(runDir, META_FILE);
  if (existsSync(metaPath)) {
    try {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as RunMeta;
    } catch (error) {
      warnings.push(
        `${META_FILE} unreadable (${(error as Error).message}); environment recaptured`,
      );
    }
  }
  const records: RunRecord[] = [];
  const files = existsSync(runDir)
    ? readdirSync(runDir)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
    : [];
  for (const file of files) {
    const lines = readFileSync(join(runDir, file), 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        const record = JSON.parse(line) as RunRecord;
        if (
          record.v !== 1 ||
          !['result', 'comparison', 'infra', 'ranking', 'stress'].includes(record.kind)
        ) {
          throw new Error(`unknown record (v ${String(record.v)}, kind ${String(record.kind)})`);
        }
        records.push(record);
      } catch (error) {
        // A worker killed mid-write leaves a partial last line; everything before it counts.
        warnings.push(
          `${file} line ${index + 1} skipped: ${(error as Error).message.slice(0, 120)}`,
        );
      }
    });
  }
  // Workers ran one after another or side by side: order by recording time (stable).
  records.sort((x, y) => x.at.localeCompare(y.at));
  return { meta, records, warnings };
}

/** The merged report of a run directory, or undefined when nothing was recorded. */
export function buildRunReport(
  runDir: string,
  options: Pick<FinalizeOptions, 'environment' | 'now'> = {},
): RunReport | undefined {
  const { meta, records, warnings } = readRunDir(runDir);
  const results: StoredResult[] = [];
  const comparisons: StoredComparison[] = [];
  const rankings: StoredRanking[] = [];
  const stress: StoredStress[] = [];
  const infra: Array<{ suite: string | null; note: InfraNote }> = [];
  for (const record of records) {
    const provenance = { recordedAt: record.at, pid: record.pid };
    if (record.kind === 'result') {
      results.push({ suite: record.suite, ...provenance, result: record.result });
    } else if (record.kind === 'comparison') {
      const { suite, scenario, claim, comparison } = record;
      comparisons.push({ suite, scenario, ...provenance, claim, comparison });
    } else if (record.kind === 'ranking') {
      rankings.push({ suite: record.suite, ...provenance, ranking: record.ranking });
    } else if (record.kind === 'stress') {
      stress.push({ suite: record.suite, ...provenance, stress: record.stress });
    } else {
      infra.push({ suite: record.suite, note: record.infra });
    }
  }
  if (
    results.length === 0 &&
    comparisons.length === 0 &&
    rankings.length === 0 &&
    stress.length === 0
  ) {
    return undefined;
  }

  const environment = meta?.environment ?? options.environment ?? captureEnvironment();
  environment.infra = { ...environment.infra, ...mergeInfraNotes(infra) };
  const now = options.now ?? new Date();
  return {
    kind: RUN_REPORT_KIND,
    schemaVersion: RUN_REPORT_SCHEMA_VERSION,
    runId: meta?.runId ?? runDir.replace(/^.*\.run-/, ''),
    startedAt: meta?.startedAt ?? records[0]?.at ?? now.toISOString(),
    finishedAt: now.toISOString(),
    environment,
    results,
    comparisons,
    rankings,
    ...(stress.length > 0 ? { stress } : {}),
    errorControl: errorControl(environment, comparisons, rankings, stress),
    warnings: [...runWarnings(environment, results, comparisons), ...warnings],
  };
}

/**
 * The run's error control as the report states it: α and the suites sharing it (from the
 * environment the run recorded), every comparison Holm counted, and the expected number of false
 * calls — the sum of the levels at which verdicts were called (claims at their own level).
 */
export function errorControl(
  env: Environment,
  comparisons: StoredComparison[],
  rankings: StoredRanking[],
  stress: StoredStress[] = [],
): ErrorControl {
  const alpha = Number(env.config.env.LAB_ALPHA ?? DEFAULT_ALPHA);
  // The suites that made verdicts; at least those that recorded one.
  const recorded = new Set([
    ...comparisons.map((c) => c.suite),
    ...rankings.map((r) => r.suite),
    ...stress.filter((s) => stressVerdicts(s.stress).count > 0).map((s) => s.suite),
  ]);
  const suites = (() => {
    try {
      return Math.max(verdictSuites(env.config.env).count, recorded.size);
    } catch {
      return recorded.size;
    }
  })();
  let count = comparisons.length;
  let expected = 0;
  for (const c of comparisons) {
    if (c.comparison.verdict !== 'inconclusive') expected += 1 - c.comparison.confidence;
  }
  for (const r of rankings) {
    for (const family of r.ranking.families) {
      count += family.comparisons;
      expected += family.expectedFalseCalls;
    }
  }
  for (const s of stress) {
    const verdicts = stressVerdicts(s.stress);
    count += verdicts.count;
    expected += verdicts.expectedFalseCalls;
  }
  return { alpha, suites, comparisons: count, expectedFalseCalls: expected };
}

function runWarnings(
  env: Environment,
  results: StoredResult[],
  comparisons: StoredComparison[],
): string[] {
  const warnings: string[] = [];
  if (env.config.quick) warnings.push('quick mode (LAB_QUICK=1): short runs, not for publishing');
  if (env.git.dirty) warnings.push('uncommitted changes: the git sha does not describe the code');
  if (!env.pinning.enabled) warnings.push(`no CPU pinning: ${env.pinning.reason ?? 'disabled'}`);
  if (env.infra.postgres.length > 1 || env.infra.redis.length > 1) {
    warnings.push('suites ran on different server setups; see the environment table');
  }
  const failed = results.filter((r) => r.result.failure);
  if (failed.length > 0) {
    warnings.push(
      `${failed.length} failed run${failed.length === 1 ? '' : 's'}: ${failed
        .map((r) => `${r.result.scenario}/${r.result.target}`)
        .join(', ')}`,
    );
  }
  const claims = comparisons.filter((c) => c.claim && c.claim.status !== 'passed');
  if (claims.length > 0) {
    warnings.push(
      `${claims.length} claim${claims.length === 1 ? '' : 's'} not confirmed: ${claims
        .map((c) => `${c.comparison.labels.a} vs ${c.comparison.labels.b} (${c.claim?.status})`)
        .join(', ')}`,
    );
  }
  return warnings;
}

/**
 * Writes the run's JSON under a free `run-<timestamp>[-n]` name in `dir`, claimed atomically (two
 * runs finishing in the same second get -1 and -2, never one file); returns the base name.
 */
function writeReportJson(dir: string, report: RunReport): string {
  const stamp = timestampId(
    new Date(Number.isNaN(Date.parse(report.startedAt)) ? Date.now() : report.startedAt),
  );
  const text = `${JSON.stringify(report, null, 2)}\n`;
  for (let n = 1; ; n++) {
    const base = join(dir, n === 1 ? `run-${stamp}` : `run-${stamp}-${n}`);
    if (['md', 'html'].some((ext) => existsSync(`${base}.${ext}`))) continue;
    if (createFileAtomic(`${base}.json`, text)) return base;
  }
}

export function finalizeRun(runDir: string, options: FinalizeOptions = {}): FinalizeOutcome {
  if (!existsSync(runDir)) {
    return { written: false, reason: `no benchmark results were recorded (${runDir} is absent)` };
  }
  const report = buildRunReport(runDir, options);
  if (!report) {
    if (!options.keepRunDir) rmSync(runDir, { recursive: true, force: true });
    return { written: false, reason: 'no benchmark results were recorded' };
  }
  const dir = options.reportsDir ?? dirname(runDir);
  mkdirSync(dir, { recursive: true });
  const base = writeReportJson(dir, report);
  const json = `${base}.json`;
  const markdown = `${base}.md`;
  const text = renderMarkdown(report);
  writeFileAtomic(markdown, text);
  const latestJson = join(dir, 'latest.json');
  const latestMarkdown = join(dir, 'latest.md');
  copyFileAtomic(json, latestJson);
  copyFileAtomic(markdown, latestMarkdown);
  // The HTML report and the history are extras: a problem with them (chart.js missing, a full
  // disk) is reported, and the JSON and Markdown above stay written.
  const problems: string[] = [];
  let html: string | null = `${base}.html`;
  let latestHtml: string | null = join(dir, 'latest.html');
  try {
    writeFileAtomic(html, renderHtml(report));
    copyFileAtomic(html, latestHtml);
  } catch (error) {
    problems.push(`HTML report not written: ${(error as Error).message}`);
    html = null;
    latestHtml = null;
  }
  let historyIndex: string | null = null;
  try {
    const added = addToHistory(json, dir);
    historyIndex = added.index;
    if (html) problems.push(...added.problems);
  } catch (error) {
    problems.push(`history not updated: ${(error as Error).message}`);
  }
  const stepSummary =
    options.stepSummary === undefined
      ? process.env.GITHUB_STEP_SUMMARY?.trim() || null
      : options.stepSummary;
  if (stepSummary) appendFileSync(stepSummary, `\n${text}`);
  if (!options.keepRunDir) rmSync(runDir, { recursive: true, force: true });
  return {
    written: true,
    json,
    markdown,
    latestJson,
    latestMarkdown,
    html,
    latestHtml,
    historyIndex,
    problems,
    stepSummary,
    report,
  };
}

/** The line the globalSetup prints: `Reports: reports/run-….md, reports/run-….json`. */
export function finalizeMessage(outcome: FinalizeOutcome, cwd: string = process.cwd()): string {
  if (!outcome.written) return `Reports: none written — ${outcome.reason}.`;
  const rel = (file: string) => {
    const path = relative(cwd, file);
    return path && !path.startsWith('..') && !isAbsolute(path) ? path : file;
  };
  const problems = outcome.problems.map((p) => `\n  ${p}`).join('');
  const html = outcome.html ? `, ${rel(outcome.html)}` : '';
  const history = outcome.historyIndex ? ` (history: ${rel(outcome.historyIndex)})` : '';
  return `Reports: ${rel(outcome.markdown)}, ${rel(outcome.json)}${html}${history}${problems}`;
}
