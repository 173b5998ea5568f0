import { markdownTable } from 'markdown-table';
import type { Result } from '../load/result.ts';
import { describeComparison, type PairVerdict } from '../stats/index.ts';
import {
  groupByLoad,
  loadLabel,
  median,
  type ResultGroup,
  resultLabel,
  serverLine,
} from './groups.ts';
import { describePair, errorLine, familyTitle, formatValue, outcomeLines } from './ranking-text.ts';
import { stressMarkdown } from './stress-markdown.ts';
import type {
  ClaimStatus,
  Environment,
  RankingData,
  RunReport,
  StoredComparison,
} from './types.ts';

/**
 * The run report as Markdown (file, GitHub step summary): the answers first (rankings with
 * verdicts, claims not confirmed, error control), then the environment, then one section per
 * scenario — a table per load profile with every target, its warnings, and the verdicts of the
 * scenario's comparisons.
 */
export function renderMarkdown(report: RunReport): string {
  const out: string[] = [`# Benchmark run ${report.runId}`, ''];
  const failed = report.results.filter((r) => r.result.failure).length;
  const claims = report.comparisons.filter((c) => c.claim);
  const claimCount = (status: ClaimStatus) => claims.filter((c) => c.claim?.status === status);
  out.push(
    [
      `${report.results.length} result${plural(report.results.length)}`,
      failed ? `${failed} failed run${plural(failed)}` : undefined,
      `${report.comparisons.length} comparison${plural(report.comparisons.length)}`,
      claims.length
        ? `claims: ${claimCount('passed').length} ✅ passed, ${claimCount('failed').length} ❌ failed, ${claimCount('unconfirmed').length} ❔ unconfirmed`
        : undefined,
      `started ${report.startedAt}, ${duration(report.startedAt, report.finishedAt)}`,
    ]
      .filter(Boolean)
      .join(' · '),
    '',
  );
  out.push(...answerSection(report));
  out.push(...stressMarkdown(report));
  out.push('## Environment', '', environmentTable(report.environment), '');
  if (report.warnings.length > 0) {
    out.push('### Run warnings', '', ...report.warnings.map((w) => `- ⚠️ ${inline(w)}`), '');
  }
  for (const section of scenarioSections(report)) out.push(...section, '');
  return `${out.join('\n').trimEnd()}\n`;
}

const plural = (n: number): string => (n === 1 ? '' : 's');

/**
 * The answer first: every scenario's ranking with its verdicts, the claims that failed or were
 * not confirmed, and how the run's error rate was controlled. Tables of every run follow.
 */
function answerSection(report: RunReport): string[] {
  const rankings = report.rankings ?? [];
  const notPassed = report.comparisons.filter((c) => c.claim && c.claim.status !== 'passed');
  if (rankings.length === 0 && notPassed.length === 0 && !report.errorControl) return [];
  const out = ['## Answers', ''];
  const control = errorControlLine(report);
  if (control) out.push(control, '');
  for (const stored of rankings) out.push(...rankingLines(stored.ranking));
  if (notPassed.length > 0) {
    out.push('### Claims not confirmed', '');
    for (const c of notPassed) out.push(...comparisonLines(c));
    out.push('');
  }
  return out;
}

/** How the run's error rate was controlled, one sentence; undefined when it made no verdicts. */
export function errorControlLine(report: RunReport): string | undefined {
  const ec = report.errorControl;
  if (!ec || ec.comparisons === 0) return undefined;
  return (
    `Error control: family-wise α = ${ec.alpha} for the whole run, shared by ${ec.suites} verdict suite${plural(ec.suites)} ` +
    `(Holm within each ranking); ${ec.comparisons} comparisons; expected false calls ≤ ${ec.expectedFalseCalls.toPrecision(2)}.`
  );
}

/**
 * One ranking as Markdown: per family a table (rank, target, value, verdict to the next and to
 * the best), the verdict lines, the error control; then outcomes and slices left out.
 */
export function rankingLines(run: RankingData): string[] {
  const out: string[] = [];
  for (const family of run.families) {
    out.push(`### ${inline(familyTitle(run, family))}`, '');
    const byPair = new Map(family.reported.map((p) => [`${p.a}\u0000${p.b}`, p]));
    const rows = [
      [
        'Rank',
        'Target',
        family.phase === 'throughput' ? 'Throughput' : 'Median latency',
        'vs next',
        'vs best',
      ],
    ];
    const names = family.ranking.map((r) => r.target);
    family.ranking.forEach((row, k) => {
      const next = names[k + 1];
      const toNext = next ? byPair.get(`${row.target}\u0000${next}`) : undefined;
      const toBest = k >= 1 ? byPair.get(`${names[0]}\u0000${row.target}`) : undefined;
      rows.push([
        String(row.rank),
        `${row.target}${row.undecidable ? ' ⚠️' : ''}`,
        formatValue(row.estimate, family.phase),
        toNext ? verdictCell(toNext) : '',
        toBest ? verdictCell(toBest) : '',
      ]);
    });
    out.push(table(rows, ['r', 'l', 'r', 'l', 'l']), '');
    for (const pair of family.reported) out.push(`- ${inline(describePair(pair))}`);
    for (const row of family.ranking) {
      if (row.undecidable) out.push(`- ⚠️ ${row.target}: ${inline(row.undecidable)}`);
    }
    out.push(`- ${inline(errorLine(family))}`, '');
  }
  for (const line of outcomeLines(run)) out.push(`- ${inline(line)}`);
  if (run.problems.length > 0) {
    out.push(
      `- ❌ ${run.problems.length} slice${plural(run.problems.length)} left out: ${inline(run.problems.slice(0, 5).join('; '))}`,
      '',
    );
  }
  return out;
}

const VERDICT_ICON: Record<string, string> = {
  faster: '▲',
  slower: '▼',
  'no-difference': '=',
  inconclusive: '?',
};

/** `▲ 1.26× [1.18, 1.34]`: the verdict of the row's target (A) against the other. */
export function verdictCell(p: PairVerdict): string {
  const interval = Number.isFinite(p.lower)
    ? ` [${p.lower.toFixed(2)}, ${p.upper.toFixed(2)}]`
    : '';
  const word = p.verdict === 'no-difference' ? 'same' : p.verdict;
  return `${VERDICT_ICON[p.verdict] ?? ''} ${word} ${Number.isFinite(p.ratio) ? p.ratio.toFixed(2) : '—'}×${interval}`;
}

export function duration(from: string, to: string): string {
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  if (!Number.isFinite(seconds) || seconds < 0) return 'duration unknown';
  if (seconds < 120) return `took ${seconds.toFixed(0)} s`;
  return `took ${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** Table cells are one line; `|` would end the cell. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** List items: one line. */
export function inline(text: string): string {
  return text.replace(/\r?\n/g, ' ');
}

export function table(rows: string[][], align?: string[]): string {
  return markdownTable(
    rows.map((row) => row.map(cell)),
    align ? { align } : undefined,
  );
}

export function environmentTable(env: Environment): string {
  const { cpu, os, git, config, pinning, infra } = env;
  const governor = cpu.governor ? `, governor ${cpu.governor}` : '';
  const cores =
    cpu.availableParallelism === cpu.logicalCores
      ? `${cpu.logicalCores} logical cores`
      : `${cpu.logicalCores} logical cores, ${cpu.availableParallelism} available`;
  const configPairs = Object.entries(config.env).map(([k, v]) => `${k}=${v}`);
  const rows: string[][] = [
    ['', 'Value'],
    ['CPU', `${cpu.model} (${cores}${governor})`],
    ['Memory', `${(env.memory.totalMiB / 1024).toFixed(1)} GiB`],
    ['OS', `${os.distro ?? os.type}, ${os.type} ${os.release} ${os.arch}`],
    ['Node.js', `${env.node.version} (V8 ${env.node.v8})`],
    ['k6', env.tools.k6 ?? 'not found'],
    ['wrk', env.tools.wrk ?? 'not found'],
    ['Infra provider', infra.provider ?? 'unknown'],
    ['PostgreSQL', serverLine('PostgreSQL', infra.postgres)],
    ['Redis', serverLine('Redis', infra.redis)],
    [
      'CPU pinning',
      pinning.enabled
        ? `target CPUs ${pinning.targetCpus}, load generator CPUs ${pinning.generatorCpus}`
        : `off (${pinning.reason ?? 'no reason given'})`,
    ],
    [
      'Git',
      git.sha
        ? `${git.sha.slice(0, 12)}${git.branch ? ` on ${git.branch}` : ''}${git.dirty ? ' (uncommitted changes)' : git.dirty === null ? ' (state unknown)' : ''}`
        : 'unknown',
    ],
    ...(env.command ? [['Command', `\`${env.command}\``]] : []),
    [
      'Config',
      `${config.quick ? 'quick (LAB_QUICK=1)' : 'full'}, infra ${config.infraMode}, seed ${config.seed ?? '?'}, scale ${config.scale ?? '?'}${configPairs.length ? `; ${configPairs.join(' ')}` : ''}`,
    ],
  ];
  if (env.ci.ci) {
    rows.push(['CI', env.ci.runUrl ?? env.ci.provider ?? 'yes']);
  }
  rows.push(['Calibration', calibrationText(env)]);
  return table(rows);
}

/** The machine's latest `lab calibrate`, one line (run reports carry it). */
export function calibrationText(env: Environment): string {
  const c = env.calibration;
  if (!c) return 'none (`pnpm lab calibrate` measures this machine)';
  const cases = c.cases
    .map(
      (x) =>
        `${x.id} ${x.phase}: ${x.faster}▲ ${x.slower}▼ ${x.same}= ${x.inconclusive}? of ${x.repeats}, min. detectable ${x.minimumDetectableRatio.toFixed(2)}×`,
    )
    .join('; ');
  return `${c.at}, budget ${c.budgetSeconds} s per pair, ${c.repeats} repeats — ${cases}`;
}

function scenarioSections(report: RunReport): string[][] {
  const scenarios: string[] = [];
  const seen = (name: string) => {
    if (!scenarios.includes(name)) scenarios.push(name);
  };
  for (const r of report.results) seen(r.result.scenario);
  for (const c of report.comparisons) seen(c.scenario);

  return scenarios.map((scenario) => {
    const lines = [`## ${scenario}`, '', ...scenarioTables(report, scenario)];
    const comparisons = report.comparisons.filter((c) => c.scenario === scenario);
    if (comparisons.length > 0) {
      lines.push('**Comparisons**', '');
      for (const c of comparisons) lines.push(...comparisonLines(c));
      lines.push('');
    }
    return trimBlank(lines);
  });
}

/** A scenario's measurements: one table per load profile (engine, model, duration). */
export function scenarioTables(report: RunReport, scenario: string): string[] {
  const lines: string[] = [];
  const groups = groupByLoad(report.results.filter((r) => r.result.scenario === scenario));
  for (const group of groups) {
    lines.push(`*${loadLabel(group.engine, group.settings)}*`, '', ...groupTable(group), '');
  }
  return lines;
}

function trimBlank(lines: string[]): string[] {
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** One table row: the median of a target's repeated runs, or one failed run. */
interface Row {
  label: string;
  runs: number;
  failure?: string;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  errors: number;
  failedChecks: number;
  cpuMean?: number;
  rssMax?: number;
}

function rowsOf(results: Result[]): Row[] {
  const rows: Row[] = [];
  const ok = new Map<string, Result[]>();
  for (const r of results) {
    if (r.failure) {
      rows.push({
        label: resultLabel(r),
        runs: 1,
        failure: r.failure,
        throughput: Number.NaN,
        p50: Number.NaN,
        p95: Number.NaN,
        p99: Number.NaN,
        requests: r.requests,
        errors: r.errors,
        failedChecks: r.failedChecks,
      });
      continue;
    }
    const list = ok.get(resultLabel(r)) ?? [];
    list.push(r);
    ok.set(resultLabel(r), list);
  }
  for (const [name, list] of ok) {
    const cpu = list.flatMap((r) => (r.resources ? [r.resources.cpuPercent.mean] : []));
    const rss = list.flatMap((r) => (r.resources ? [r.resources.rssMiB.max] : []));
    rows.push({
      label: name,
      runs: list.length,
      throughput: median(list.map((r) => r.throughput)),
      p50: median(list.map((r) => r.latency.p50)),
      p95: median(list.map((r) => r.latency.p95)),
      p99: median(list.map((r) => r.latency.p99)),
      requests: list.reduce((sum, r) => sum + r.requests, 0),
      errors: list.reduce((sum, r) => sum + r.errors, 0),
      failedChecks: list.reduce((sum, r) => sum + r.failedChecks, 0),
      cpuMean: cpu.length ? median(cpu) : undefined,
      rssMax: rss.length ? Math.max(...rss) : undefined,
    });
  }
  // Fastest first; failed runs last.
  const key = (row: Row): number => (row.failure || !finite(row.throughput) ? -1 : row.throughput);
  return rows.sort((x, y) => key(y) - key(x));
}

function groupTable(group: ResultGroup): string[] {
  const results = group.results;
  const rows = rowsOf(results);
  const repeated = rows.some((r) => r.runs > 1);
  // Open model: every target gets the same offered rate, so throughput ties; compare the median
  // latency instead (fastest = lowest p50, ratio = its p50 / this p50).
  const byLatency = group.settings.model === 'open';
  if (byLatency) {
    const key = (row: Row): number =>
      row.failure || !finite(row.p50) ? Number.POSITIVE_INFINITY : row.p50;
    rows.sort((x, y) => key(x) - key(y));
  }
  const speed = (row: Row): number => (byLatency ? 1 / row.p50 : row.throughput);
  const fastest = Math.max(...rows.filter((r) => !r.failure && finite(speed(r))).map(speed));
  const header = [
    'Target',
    ...(repeated ? ['Runs'] : []),
    'Throughput (req/s)',
    'p50 (ms)',
    'p95 (ms)',
    'p99 (ms)',
    'Errors',
    'Failed checks',
    'CPU mean (%)',
    'RSS max (MiB)',
    byLatency ? 'vs fastest (p50)' : 'vs fastest',
  ];
  const body = rows.map((row) => {
    const runs = repeated ? [String(row.runs)] : [];
    if (row.failure) {
      // Partial numbers of a failed run are no measurement; the reason is listed below.
      return [row.label, ...runs, '❌ **failed**', ...Array<string>(8).fill('—')];
    }
    return [
      row.label,
      ...runs,
      rate(row.throughput),
      ms(row.p50),
      ms(row.p95),
      ms(row.p99),
      errors(row),
      checks(row),
      finite(row.cpuMean) ? row.cpuMean.toFixed(0) : '—',
      finite(row.rssMax) ? row.rssMax.toFixed(0) : '—',
      ratioToFastest(speed(row), fastest),
    ];
  });
  const align = ['l', ...(repeated ? ['r'] : []), ...header.slice(repeated ? 2 : 1).map(() => 'r')];
  const lines = [table([header, ...body], align)];
  if (repeated)
    lines.push('', 'Rows with several runs show medians; errors and checks are totals.');
  lines.push(...stepTable(results));

  const notes: string[] = [];
  for (const r of results) {
    if (r.failure) notes.push(`❌ ${resultLabel(r)}: run failed: ${r.failure}`);
  }
  const warned = new Set<string>();
  for (const r of results) {
    for (const w of r.warnings) {
      const line = `⚠️ ${resultLabel(r)}: ${w}`;
      if (!warned.has(line)) {
        warned.add(line);
        notes.push(line);
      }
    }
  }
  if (notes.length > 0) lines.push('', ...notes.map((n) => `- ${inline(n)}`));
  return lines;
}

/**
 * Latency per step of multi-request iterations (the `step.<name>.p50` metadata of k6 results,
 * e.g. scenario 19's login → … → logout): p50 / p95 per target, medians over its runs.
 */
function stepTable(results: Result[]): string[] {
  const steps: string[] = [];
  for (const r of results) {
    for (const key of Object.keys(r.meta)) {
      const step = /^step\.(.+)\.p50$/.exec(key)?.[1];
      if (step && !steps.includes(step)) steps.push(step);
    }
  }
  if (steps.length === 0) return [];
  // Numbered steps (`1-login`, `2-list`…) in the order they run.
  steps.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const byTarget = new Map<string, Result[]>();
  for (const r of results) {
    if (r.failure) continue;
    byTarget.set(resultLabel(r), [...(byTarget.get(resultLabel(r)) ?? []), r]);
  }
  const value = (list: Result[], key: string): string => {
    const values = list.map((r) => r.meta[key]).filter((x): x is number => typeof x === 'number');
    return values.length > 0 ? ms(median(values)) : '—';
  };
  const body = [...byTarget].map(([label, list]) => [
    label,
    ...steps.map(
      (step) => `${value(list, `step.${step}.p50`)} / ${value(list, `step.${step}.p95`)}`,
    ),
  ]);
  return [
    '',
    'Latency per step, p50 / p95 (ms):',
    '',
    table([['Target', ...steps], ...body], ['l', ...steps.map(() => 'r')]),
  ];
}

/** Numbers read back from JSON may be null (NaN and ±Infinity serialize as null). */
const finite = (x: number | null | undefined): x is number =>
  typeof x === 'number' && Number.isFinite(x);

function rate(x: number): string {
  if (!finite(x)) return '—';
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(1);
}

function ms(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x < 1) return x.toFixed(3);
  if (x < 10) return x.toFixed(2);
  if (x < 100) return x.toFixed(1);
  return Math.round(x).toLocaleString('en-US');
}

function errors(row: Row): string {
  if (row.errors === 0) return '0';
  const share = row.requests > 0 ? ` (${((row.errors / row.requests) * 100).toPrecision(2)}%)` : '';
  return `${row.errors}${share}`;
}

const checks = (row: Row): string => String(row.failedChecks);

function ratioToFastest(throughput: number, fastest: number): string {
  if (!(fastest > 0) || !finite(throughput)) return '—';
  const ratio = throughput / fastest;
  return ratio === 1 ? '1.00× (fastest)' : `${ratio.toFixed(2)}×`;
}

const CLAIM_ICON: Record<ClaimStatus, string> = { passed: '✅', failed: '❌', unconfirmed: '❔' };
/** Warnings shown per comparison; the JSON keeps all. */
const MAX_COMPARISON_WARNINGS = 5;

export function comparisonLines(stored: StoredComparison): string[] {
  const c = stored.comparison;
  const icon = stored.claim ? `${CLAIM_ICON[stored.claim.status]} ` : '';
  const claim = stored.claim
    ? ` — claim “${stored.claim.description}” ${stored.claim.status}`
    : ' — no claim';
  const lines = [
    `- ${icon}**${inline(c.labels.a)} vs ${inline(c.labels.b)}** on ${c.metric}${claim}: ${describeComparison(revive(c))}`,
  ];
  const shown = c.warnings.slice(0, MAX_COMPARISON_WARNINGS);
  for (const w of shown) lines.push(`  - ⚠️ ${inline(w)}`);
  if (c.warnings.length > shown.length) {
    lines.push(`  - … ${c.warnings.length - shown.length} more warnings in the JSON report`);
  }
  return lines;
}

/** describeComparison() formats numbers; JSON nulls (from NaN / ±Infinity) become NaN. */
function revive(c: StoredComparison['comparison']): Parameters<typeof describeComparison>[0] {
  const n = (x: number | null): number => (typeof x === 'number' ? x : Number.NaN);
  return {
    ...c,
    ratio: n(c.ratio),
    lower: n(c.lower),
    upper: n(c.upper),
    confidence: n(c.confidence),
    lookConfidence: n(c.lookConfidence),
    results: { a: [], b: [] },
  };
}
