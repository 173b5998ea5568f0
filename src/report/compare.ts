import { markdownTable } from 'markdown-table';
import type { LoadSettings, Result } from '../load/result.ts';
import { higherIsBetter, type MetricName, metricValue } from '../stats/metric.ts';
import { decideUnpaired, type UnpairedStatistic } from '../stats/unpaired.ts';
import type { Verdict } from '../stats/verdict.ts';
import type { RunComparison, RunComparisonRow } from './compare-types.ts';
import type { Environment, RunReport } from './types.ts';

/**
 * Base vs head: two run reports (say main and a pull request) compared per scenario × target ×
 * variant × engine × load, for `pnpm lab compare base.json head.json` and the HTML report.
 *
 * Matching. Two Results belong to the same row when scenario, target, variant, engine, load
 * model and load level (connections for the closed model, offered rate for the open one) are
 * equal. Durations and warm-ups are not part of the key: a quick run (3 s) and a full run (15 s)
 * at the same load measure the same thing, less precisely — the row gets a note and the quick /
 * full difference is listed with the environment differences. Keys found on one side only are
 * listed as such. Failed runs are left out (with a note); runs with errors stay, noted.
 *
 * Metric. One per row: throughput for the closed model of the HTTP engines (k6, in-process, wrk)
 * — it is what a closed model measures; the median latency for the open model (every target
 * gets the same offered rate, so throughput ties) and for micro-benchmarks (`micro`: serial
 * loops, where per-operation time is the quantity of interest). `metric` overrides it for all.
 *
 * Significance. The runs (rounds) of a key on each side are independent samples: the interval of
 * the speed ratio head/base (>1 = head faster) is the unpaired bootstrap of the ratio of medians
 * (src/stats/unpaired.ts), widened for few runs. The verdict uses the threshold t both as the
 * smallest difference worth calling and as the equivalence margin:
 *
 *   faster         lower ≥ 1 + t                 head faster by more than t, significantly
 *   slower         upper ≤ 1 / (1 + t)           head slower by more than t, significantly
 *   no-difference  [lower, upper] ⊆ [1/(1+t), 1+t]
 *   inconclusive   anything else, and always with fewer than 2 runs on a side
 *
 * A regression is exactly a `slower` row: the whole confidence interval of head/base lies at or
 * below 1/(1+t) (0.952 for t = 0.05), i.e. at the chosen confidence head is slower by more than t.
 * A large slowdown seen in single runs stays `inconclusive` (not a regression): it is flagged in
 * the Markdown, and more blocks (a longer `LAB_BUDGET`) decide it.
 */
export interface CompareRunsOptions {
  /** Slowdown (fraction) beyond which a significant one is a regression. Default 0.05. */
  threshold?: number;
  /** One metric for every row instead of the per-engine default. */
  metric?: MetricName;
  /** Confidence level of the intervals. Default 0.95. */
  confidence?: number;
  /** Location statistic of each side's runs. Default `median`. */
  statistic?: UnpairedStatistic;
  /** File names recorded in the comparison (for messages and the HTML); default empty. */
  files?: { base?: string; head?: string };
  /** Bootstrap seed (default 1) and resamples (default 10,000). */
  seed?: number;
  resamples?: number;
}

export const DEFAULT_THRESHOLD = 0.05;

/** The metric a row is compared on when none is given (see above). */
export function defaultMetric(result: Pick<Result, 'engine' | 'settings'>): MetricName {
  return result.engine === 'micro' || result.settings.model === 'open' ? 'median' : 'throughput';
}

interface Side {
  /** Results whose run did not fail. */
  ok: Result[];
  failed: number;
}

interface Key {
  id: string;
  scenario: string;
  target: string;
  variant: string | undefined;
  engine: Result['engine'];
  settings: LoadSettings;
  base: Side;
  head: Side;
}

function keyId(r: Result): string {
  const s = r.settings;
  return JSON.stringify([
    r.scenario,
    r.target,
    r.variant ?? null,
    r.engine,
    s.model,
    s.model === 'closed' ? (s.concurrency ?? null) : null,
    s.model === 'open' ? (s.ratePerSecond ?? null) : null,
  ]);
}

function loadText(s: LoadSettings): string {
  return s.model === 'closed'
    ? `closed, ${s.concurrency ?? '?'} connection${s.concurrency === 1 ? '' : 's'}`
    : `open, ${s.ratePerSecond ?? '?'} req/s`;
}

/** `01-lightweight × fastify (cursor) [k6, closed, 10 connections]` */
export function keyLabel(k: Pick<Key, 'scenario' | 'target' | 'variant' | 'engine' | 'settings'>) {
  const variant = k.variant ? ` (${k.variant})` : '';
  return `${k.scenario} × ${k.target}${variant} [${k.engine}, ${loadText(k.settings)}]`;
}

function collectKeys(base: RunReport, head: RunReport): Key[] {
  const keys = new Map<string, Key>();
  const add = (report: RunReport, side: 'base' | 'head') => {
    for (const { result } of report.results) {
      const id = keyId(result);
      let key = keys.get(id);
      if (!key) {
        key = {
          id,
          scenario: result.scenario,
          target: result.target,
          variant: result.variant,
          engine: result.engine,
          settings: result.settings,
          base: { ok: [], failed: 0 },
          head: { ok: [], failed: 0 },
        };
        keys.set(id, key);
      }
      if (result.failure) key[side].failed++;
      else key[side].ok.push(result);
    }
  };
  // Head first: rows follow the head run's order (what the pull request measured).
  add(head, 'head');
  add(base, 'base');
  return [...keys.values()];
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function durations(results: readonly Result[]): string {
  const set = [
    ...new Set(
      results.map((r) =>
        r.settings.operations
          ? `${r.settings.operations} operations`
          : `${r.settings.durationSeconds} s`,
      ),
    ),
  ];
  return set.join('/');
}

function rowFor(
  key: Key,
  options: Required<Pick<CompareRunsOptions, 'threshold' | 'confidence'>> & CompareRunsOptions,
): RunComparisonRow {
  const metric = options.metric ?? defaultMetric(key);
  const notes: string[] = [];
  const values = (side: Side, name: string): number[] => {
    const all = side.ok.map((r) => metricValue(r, metric));
    const usable = all.filter((v) => finite(v) && v > 0);
    if (usable.length < all.length) {
      notes.push(
        `${name}: ${all.length - usable.length} run(s) without a usable ${metric} left out`,
      );
    }
    return usable;
  };
  for (const [side, name] of [
    [key.base, 'base'],
    [key.head, 'head'],
  ] as const) {
    if (side.failed > 0) {
      notes.push(
        side.ok.length === 0
          ? `${name}: every run failed (${side.failed})`
          : `${name}: ${side.failed} failed run(s) left out`,
      );
    }
    const errors = side.ok.reduce((sum, r) => sum + (r.errors ?? 0) + (r.failedChecks ?? 0), 0);
    if (errors > 0) notes.push(`${name}: ${errors} errors / failed checks`);
  }
  const baseValues = values(key.base, 'base');
  const headValues = values(key.head, 'head');
  const baseLength = durations(key.base.ok);
  const headLength = durations(key.head.ok);
  // Micro-benchmarks record the time they happened to take, not a planned length.
  if (key.engine !== 'micro' && baseLength && headLength && baseLength !== headLength) {
    notes.push(`run length differs: ${baseLength} (base) vs ${headLength} (head)`);
  }
  const margin = 1 + Math.max(options.threshold, 1e-6);
  const decision = decideUnpaired(headValues, baseValues, {
    higherIsBetter: higherIsBetter(metric),
    confidence: options.confidence,
    statistic: options.statistic ?? 'median',
    minRatio: 1 + options.threshold,
    equivalenceMargin: margin,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.resamples === undefined ? {} : { resamples: options.resamples }),
  });
  if (decision.note) {
    notes.push(`${decision.note} (more blocks: a longer LAB_BUDGET)`);
  }
  const row: RunComparisonRow = {
    scenario: key.scenario,
    target: key.target,
    engine: key.engine,
    metric,
    baseRuns: baseValues.length,
    headRuns: headValues.length,
    base: median(baseValues),
    head: median(headValues),
    ratio: decision.ratio,
    lower: decision.lower,
    upper: decision.upper,
    confidence: decision.confidence,
    verdict: decision.verdict,
    regression: decision.verdict === 'slower',
  };
  if (key.variant !== undefined) row.variant = key.variant;
  if (notes.length > 0) row.note = notes.join('; ');
  return row;
}

/** Versions of a server kind: the environment's infra notes, else the results' metadata. */
function serverVersions(report: RunReport, kind: 'postgres' | 'redis'): string {
  const versions = new Set((report.environment.infra[kind] ?? []).map((s) => s.version));
  const metaKey = kind === 'postgres' ? 'pg.version' : 'redis.version';
  for (const { result } of report.results) {
    const v = result.meta?.[metaKey];
    if (typeof v === 'string' && v) versions.add(v);
  }
  return [...versions].sort().join(', ');
}

/**
 * Settings that do not make numbers differ, or are reported otherwise: what was selected
 * (targets), how many runs (rounds: only precision), and LAB_QUICK / LAB_INFRA, which appear
 * as the mode and infra mode lines.
 */
const SELECTION_VARIABLES = new Set(['CI', 'LAB_TARGETS', 'LAB_BUDGET', 'LAB_QUICK', 'LAB_INFRA']);

/** Differences in machine, software and settings that make base vs head weaker. */
export function environmentDifferences(base: RunReport, head: RunReport): string[] {
  const b = base.environment;
  const h = head.environment;
  const out: string[] = [];
  const diff = (what: string, x: unknown, y: unknown) => {
    const fx = x === null || x === undefined || x === '' ? 'unknown' : String(x);
    const fy = y === null || y === undefined || y === '' ? 'unknown' : String(y);
    if (fx !== fy) out.push(`${what}: ${fx} (base) → ${fy} (head)`);
  };
  diff('CPU model', b.cpu.model, h.cpu.model);
  diff('logical cores', b.cpu.logicalCores, h.cpu.logicalCores);
  diff('available cores', b.cpu.availableParallelism, h.cpu.availableParallelism);
  diff('CPU governor', b.cpu.governor, h.cpu.governor);
  const memory = (e: Environment) => e.memory?.totalMiB;
  const mb = memory(b);
  const mh = memory(h);
  if (finite(mb) && finite(mh) && Math.abs(mb - mh) > 0.05 * Math.max(mb, mh)) {
    diff('memory', `${(mb / 1024).toFixed(1)} GiB`, `${(mh / 1024).toFixed(1)} GiB`);
  }
  diff('OS', b.os?.distro ?? b.os?.type, h.os?.distro ?? h.os?.type);
  diff('kernel', b.os?.release, h.os?.release);
  diff('Node.js', b.node.version, h.node.version);
  diff('PostgreSQL', serverVersions(base, 'postgres'), serverVersions(head, 'postgres'));
  diff('Redis', serverVersions(base, 'redis'), serverVersions(head, 'redis'));
  diff('k6', b.tools?.k6, h.tools?.k6);
  diff('wrk', b.tools?.wrk, h.tools?.wrk);
  diff('infra provider', b.infra.provider, h.infra.provider);
  const mode = (e: Environment) => (e.config?.quick ? 'quick (LAB_QUICK=1)' : 'full');
  diff('mode', mode(b), mode(h));
  diff('infra mode', b.config?.infraMode, h.config?.infraMode);
  diff('fixture scale', b.config?.scale, h.config?.scale);
  diff('fixture seed', b.config?.seed, h.config?.seed);
  const pinning = (e: Environment) =>
    e.pinning?.enabled
      ? `target CPUs ${e.pinning.targetCpus}, generator CPUs ${e.pinning.generatorCpus}`
      : `off (${e.pinning?.reason ?? 'disabled'})`;
  diff('CPU pinning', pinning(b), pinning(h));
  diff('CI', b.ci?.ci ? 'yes' : 'no', h.ci?.ci ? 'yes' : 'no');
  const envB = b.config?.env ?? {};
  const envH = h.config?.env ?? {};
  const names = [...new Set([...Object.keys(envB), ...Object.keys(envH)])].sort();
  for (const name of names) {
    if (SELECTION_VARIABLES.has(name)) continue;
    diff(name, envB[name] ?? 'unset', envH[name] ?? 'unset');
  }
  return out;
}

export function compareRuns(
  base: RunReport,
  head: RunReport,
  options: CompareRunsOptions = {},
): RunComparison {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const confidence = options.confidence ?? 0.95;
  if (!(threshold >= 0 && threshold < 1)) {
    throw new RangeError(`threshold must be in [0, 1) (a fraction, 0.05 = 5%), got ${threshold}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  }
  const keys = collectKeys(base, head);
  const rows: RunComparisonRow[] = [];
  const onlyInBase: string[] = [];
  const onlyInHead: string[] = [];
  const compared = keys.filter(
    (key) => key.base.ok.length + key.base.failed > 0 && key.head.ok.length + key.head.failed > 0,
  ).length;
  // Multiplicity across rows (Bonferroni): every row's interval at 1 − (1 − confidence)/rows, so
  // the chance of any false regression among all rows stays at 1 − confidence.
  const rowConfidence = 1 - (1 - confidence) / Math.max(1, compared);
  for (const key of keys) {
    const inBase = key.base.ok.length + key.base.failed > 0;
    const inHead = key.head.ok.length + key.head.failed > 0;
    if (!inBase) onlyInHead.push(keyLabel(key));
    else if (!inHead) onlyInBase.push(keyLabel(key));
    else rows.push(rowFor(key, { ...options, threshold, confidence: rowConfidence }));
  }
  const describe = (report: RunReport, file: string | undefined) => ({
    runId: report.runId,
    file: file ?? '',
    gitSha: report.environment.git.sha,
    startedAt: report.startedAt,
  });
  return {
    base: describe(base, options.files?.base),
    head: describe(head, options.files?.head),
    threshold,
    rows,
    onlyInBase,
    onlyInHead,
    environmentDifferences: environmentDifferences(base, head),
    regressions: rows.filter((row) => row.regression).length,
  };
}

// ---------------------------------------------------------------------------------------------
// Markdown

const cell = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

function value(x: number, metric: string): string {
  if (!finite(x)) return '—';
  if (metric === 'throughput') {
    return `${x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1)}/s`;
  }
  if (x < 1) return `${x.toFixed(3)} ms`;
  if (x < 10) return `${x.toFixed(2)} ms`;
  if (x < 100) return `${x.toFixed(1)} ms`;
  return `${Math.round(x).toLocaleString('en-US')} ms`;
}

/** Change of the metric itself, head vs base: `+4.2%`, `−8.0%`. */
function change(row: RunComparisonRow): string {
  if (!(finite(row.base) && finite(row.head) && row.base > 0)) return '—';
  const pct = ((row.head - row.base) / row.base) * 100;
  const text = Math.abs(pct) < 0.05 ? '0.0%' : `${pct > 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}%`;
  return text;
}

const times = (x: number | null): string => (finite(x) ? `${x.toFixed(3)}×` : '—');

function speed(row: RunComparisonRow): string {
  if (!finite(row.ratio)) return '—';
  const ci =
    finite(row.lower) && finite(row.upper)
      ? ` [${row.lower.toFixed(3)}, ${row.upper.toFixed(3)}]`
      : ' (no interval)';
  return `${times(row.ratio)}${ci}`;
}

/** A slowdown beyond the threshold that the data cannot (yet) confirm. */
function possibleRegression(row: RunComparisonRow, threshold: number): boolean {
  return !row.regression && finite(row.ratio) && row.ratio < 1 / (1 + threshold);
}

function verdictCell(row: RunComparisonRow, threshold: number): string {
  if (row.regression) return '❌ regression';
  const labels: Record<Verdict, string> = {
    faster: '🚀 faster',
    slower: '❌ slower',
    'no-difference': '✅ no difference',
    inconclusive: '❔ inconclusive',
  };
  const text = labels[row.verdict];
  return possibleRegression(row, threshold) ? `${text} (possible slowdown)` : text;
}

const pct = (x: number): string => `${Number((x * 100).toFixed(2))}%`;

function sideLine(name: string, side: RunComparison['base']): string {
  const sha = side.gitSha ? `git ${side.gitSha.slice(0, 12)}` : 'git sha unknown';
  const file = side.file ? ` — \`${side.file}\`` : '';
  return `- **${name}:** run ${side.runId} (${sha}, started ${side.startedAt})${file}`;
}

/** The comparison as Markdown: summary, environment differences, the table, notes, one-sided keys. */
export function renderComparisonMarkdown(c: RunComparison): string {
  const rows = c.rows;
  const count = (verdict: Verdict) => rows.filter((r) => r.verdict === verdict).length;
  const confidences = [...new Set(rows.map((r) => r.confidence))];
  const confidence = confidences.length === 1 ? (confidences[0] as number) : 0.95;
  const out: string[] = ['# Benchmark comparison: base vs head', ''];
  out.push(sideLine('Base', c.base), sideLine('Head', c.head), '');
  const verdictText =
    c.regressions > 0
      ? `❌ **${c.regressions} regression${c.regressions === 1 ? '' : 's'}**`
      : '✅ **no regression**';
  out.push(
    `${verdictText} · ${rows.length} compared row${rows.length === 1 ? '' : 's'}: ${count('faster')} faster, ${count('slower')} slower, ${count('no-difference')} no difference, ${count('inconclusive')} inconclusive`,
    '',
    `A regression is a slowdown of more than ${pct(c.threshold)} that is significant at ${pct(confidence)} per row ` +
      `(${rows.length} rows, Bonferroni: any false regression at most ${pct(rows.length * (1 - confidence))}): ` +
      `the whole interval of the speed ratio head/base is at or below ${(1 / (1 + c.threshold)).toFixed(3)}×. ` +
      'Speed > 1× means head is faster (higher throughput or lower latency). Intervals: unpaired bootstrap ' +
      'of the ratio of the medians of the runs, widened for few runs.',
    '',
  );
  if (c.environmentDifferences.length > 0) {
    out.push(
      '## Environment differences',
      '',
      'These weaken the comparison: differences may come from the machine or settings, not the code.',
      '',
      ...c.environmentDifferences.map((d) => `- ⚠️ ${cell(d)}`),
      '',
    );
  }
  if (rows.length > 0) {
    const header = [
      'Scenario',
      'Target',
      'Engine',
      'Metric',
      'Base',
      'Head',
      'Change',
      `Speed head/base [${pct(confidence)} CI]`,
      'Runs (base/head)',
      'Verdict',
    ];
    const body = rows.map((row) => [
      row.scenario,
      row.variant ? `${row.target} (${row.variant})` : row.target,
      row.engine,
      row.metric,
      value(row.base, row.metric),
      value(row.head, row.metric),
      change(row),
      speed(row),
      `${row.baseRuns}/${row.headRuns}`,
      verdictCell(row, c.threshold),
    ]);
    out.push(
      '## Results',
      '',
      markdownTable(
        [header, ...body].map((r) => r.map(cell)),
        { align: ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'] },
      ),
      '',
    );
    // Notes: one line per distinct note, naming its rows (many rows often share one).
    const notes: string[] = [];
    const shared = new Map<string, string[]>();
    for (const row of rows) {
      const name = `${row.scenario} × ${row.variant ? `${row.target} (${row.variant})` : row.target} (${row.engine})`;
      if (possibleRegression(row, c.threshold)) {
        notes.push(
          `- ❔ ${cell(name)}: ${times(row.ratio)} looks slower by more than ${pct(c.threshold)}, but it is not significant — measure more rounds`,
        );
      }
      if (row.note) shared.set(row.note, [...(shared.get(row.note) ?? []), name]);
    }
    for (const [note, names] of shared) {
      notes.push(
        names.length === 1
          ? `- ${cell(names[0] as string)}: ${cell(note)}`
          : `- ${cell(note)} — ${names.length} rows: ${cell(names.join(', '))}`,
      );
    }
    if (notes.length > 0) out.push('### Notes', '', ...notes, '');
  } else {
    out.push('No scenario × target was measured in both runs.', '');
  }
  if (c.onlyInBase.length > 0) {
    out.push('## Only in base', '', ...c.onlyInBase.map((k) => `- ${cell(k)}`), '');
  }
  if (c.onlyInHead.length > 0) {
    out.push('## Only in head', '', ...c.onlyInHead.map((k) => `- ${cell(k)}`), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
