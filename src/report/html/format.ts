import type { ClaimStatus, RunReport } from '../types.ts';

/** Number formats shared by the HTML report and the history index (the Markdown report's). */

/** Numbers read back from JSON may be null (NaN and ±Infinity serialize as null). */
export const finite = (x: number | null | undefined): x is number =>
  typeof x === 'number' && Number.isFinite(x);

export function rate(x: number | null | undefined): string {
  if (!finite(x)) return '—';
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(1);
}

export function ms(x: number | null | undefined): string {
  if (!finite(x)) return '—';
  if (x < 1) return x.toFixed(3);
  if (x < 10) return x.toFixed(2);
  if (x < 100) return x.toFixed(1);
  return Math.round(x).toLocaleString('en-US');
}

export function fixed(x: number | null | undefined, digits = 2): string {
  return finite(x) ? x.toFixed(digits) : '—';
}

export function percent(x: number | null | undefined): string {
  return finite(x) ? `${Number((x * 100).toPrecision(3))}%` : '—';
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `2026-11-25 11:13:03 UTC`; the input itself when it is no date. */
export function dateTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

export function duration(from: string, to: string): string {
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  if (!Number.isFinite(seconds) || seconds < 0) return 'unknown';
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export interface RunSummary {
  runId: string;
  startedAt: string;
  finishedAt: string;
  gitSha: string | null;
  gitDirty: boolean | null;
  gitBranch: string | null;
  quick: boolean;
  results: number;
  failedResults: number;
  comparisons: number;
  claims: Record<ClaimStatus, number>;
  scenarios: string[];
  targets: string[];
  warnings: number;
}

/** The numbers a run is known by: in the HTML header and on the history index. */
export function summarizeRun(report: RunReport): RunSummary {
  const claims: Record<ClaimStatus, number> = { passed: 0, failed: 0, unconfirmed: 0 };
  for (const c of report.comparisons) if (c.claim) claims[c.claim.status] += 1;
  const scenarios: string[] = [];
  const targets: string[] = [];
  const add = (list: string[], name: string) => {
    if (!list.includes(name)) list.push(name);
  };
  for (const r of report.results) {
    add(scenarios, r.result.scenario);
    add(targets, r.result.target);
  }
  for (const c of report.comparisons) add(scenarios, c.scenario);
  const env = report.environment;
  return {
    runId: report.runId,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    gitSha: env.git?.sha ?? null,
    gitDirty: env.git?.dirty ?? null,
    gitBranch: env.git?.branch ?? null,
    quick: env.config?.quick === true,
    results: report.results.length,
    failedResults: report.results.filter((r) => r.result.failure).length,
    comparisons: report.comparisons.length,
    claims,
    scenarios,
    targets,
    warnings: report.warnings.length,
  };
}
