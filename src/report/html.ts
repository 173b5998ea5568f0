import type { Result } from '../load/result.ts';
import { describeComparison } from '../stats/index.ts';
import type { RunComparison, RunComparisonRow } from './compare-types.ts';
import {
  groupByLoad,
  loadLabel,
  median,
  type ResultGroup,
  resultLabel,
  serverLine,
} from './groups.ts';
import { loadChartLibrary } from './html/chart-lib.ts';
import { CLIENT_SCRIPT, STYLES } from './html/client.ts';
import { escapeHtml as h, jsonForScript, scriptSource, slug } from './html/escape.ts';
import {
  dateTime,
  duration,
  finite,
  fixed,
  ms,
  percent,
  plural,
  rate,
  summarizeRun,
} from './html/format.ts';
import { calibrationText } from './markdown.ts';
import { describePair, errorLine, familyTitle, formatValue } from './ranking-text.ts';
import { stressCards } from './stress-html.ts';
import type { Environment, RunReport, StoredComparison } from './types.ts';

/**
 * The run report as one self-contained HTML file (`reports/run-<timestamp>.html`): Chart.js is
 * inlined from node_modules, the charts' data is embedded as JSON, and a Content-Security-Policy
 * forbids every network request, so the file works offline and shows the same thing anywhere.
 *
 * Per scenario and load profile: a table (readable without JavaScript), throughput per target,
 * latency percentile curves (p50 … p99.9), target CPU and RSS over time, and the scenario's
 * verdicts with their intervals. With `comparison` (`lab compare`), a delta table against a base
 * run comes first. Failed runs are listed as failed and never charted (a failed run has no
 * measurement, and a zero bar would read as one).
 */
export interface HtmlOptions {
  /** A comparison of this run (head) against a base run. */
  comparison?: RunComparison;
}

/** One chart: the canvas id and the Chart.js configuration (pure JSON). */
export interface ChartSpec {
  id: string;
  kind:
    | 'throughput'
    | 'latency'
    | 'cpu'
    | 'rss'
    | 'verdicts'
    | 'deltas'
    | 'answers'
    // stress scenarios and sweeps (stress-html.ts)
    | 'timeline'
    | 'memory'
    | 'trace'
    | 'curve';
  title: string;
  config: Record<string, unknown>;
}

/** What the page embeds in `<script type="application/json" id="lab-report-data">`. */
export interface HtmlData {
  runId: string;
  charts: ChartSpec[];
}

/** Tableau 10: distinct, readable on white, one color per target across the whole report. */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
const STATUS_COLORS: Record<string, string> = {
  passed: '#1a7f37',
  faster: '#1a7f37',
  failed: '#c62828',
  slower: '#c62828',
  inconclusive: '#b7791f',
  unconfirmed: '#b7791f',
  'no-difference': '#4a5a78',
};
const PERCENTILES = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p95', 'p95'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
] as const;
/** Time-series points per line; longer series are thinned evenly (the table keeps the summary). */
const MAX_POINTS = 1000;
/** Warnings shown per comparison; the JSON keeps all. */
const MAX_COMPARISON_WARNINGS = 5;

/**
 * The Content-Security-Policy of every report: inline scripts and styles only, images from data
 * URLs; no request of any kind (scripts, styles, fonts, fetch, frames) can leave the page.
 */
export const REPORT_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

class Page {
  readonly charts: ChartSpec[] = [];
  private readonly colors = new Map<string, string>();
  private readonly ids = new Set<string>();

  color(label: string): string {
    let color = this.colors.get(label);
    if (!color) {
      color = PALETTE[this.colors.size % PALETTE.length] as string;
      this.colors.set(label, color);
    }
    return color;
  }

  id(base: string): string {
    let id = slug(base);
    for (let n = 2; this.ids.has(id); n++) id = `${slug(base)}-${n}`;
    this.ids.add(id);
    return id;
  }

  /** A chart box: the canvas, with fallback text shown when scripts do not run. */
  chart(kind: ChartSpec['kind'], idBase: string, title: string, config: ChartConfig): string {
    const id = this.id(`chart-${idBase}-${kind}`);
    const options = config.options ?? {};
    const full = {
      ...config,
      options: {
        ...options,
        plugins: {
          ...(options.plugins ?? {}),
          title: { display: true, text: title, font: { size: 13, weight: 'bold' } },
        },
      },
    };
    this.charts.push({ id, kind, title, config: full });
    return `<div class="chart" data-kind="${h(kind)}"><canvas id="${h(id)}" role="img" aria-label="${h(title)}"><p class="fallback">Chart “${h(title)}”: needs JavaScript; the table has the numbers.</p></canvas></div>`;
  }
}

interface ChartConfig {
  type: string;
  data: Record<string, unknown>;
  options?: Record<string, unknown> & { plugins?: Record<string, unknown> };
}

export function renderHtml(report: RunReport, options: HtmlOptions = {}): string {
  const library = loadChartLibrary();
  const page = new Page();
  const summary = summarizeRun(report);
  const body: string[] = [];

  body.push(header(report));
  const answers = answersCard(page, report);
  if (answers) body.push(answers);
  if (report.warnings.length > 0) {
    body.push(
      card(
        'run-warnings',
        'Run warnings',
        `<ul class="notes">${report.warnings.map((w) => `<li class="warning">${h(w)}</li>`).join('')}</ul>`,
      ),
    );
  }
  if (options.comparison) body.push(comparisonSection(page, options.comparison));
  body.push(
    ...stressCards(report, {
      chart: (kind, id, title, config) => page.chart(kind, id, title, config),
      color: (label) => page.color(label),
    }),
  );
  if (summary.scenarios.length > 0) {
    body.push(
      `<nav class="card toc"><b>Scenarios</b><ul>${summary.scenarios
        .map(
          (s) => `<li><a href="#${h(scenarioId(s))}">${h(s)}</a>${scenarioBadges(report, s)}</li>`,
        )
        .join('')}</ul></nav>`,
    );
  }
  body.push(card('environment', 'Environment', environmentTable(report.environment)));
  for (const scenario of summary.scenarios) body.push(scenarioSection(page, report, scenario));
  body.push(
    `<footer>Generated by Backend Benchmark Lab from run report schema v${h(report.schemaVersion)}, ${h(dateTime(new Date().toISOString()))}. Charts: ${h(library.name)} ${h(library.version)}, inlined; this file makes no network request.</footer>`,
  );

  const data: HtmlData = { runId: report.runId, charts: page.charts };
  const title = `Benchmark run ${report.runId}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(REPORT_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="backend-benchmark-lab">
<title>${h(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<main>
<noscript><p class="noscript">JavaScript is off: charts are not drawn. Every number is in the tables.</p></noscript>
${body.join('\n')}
</main>
<script type="application/json" id="lab-report-data">${jsonForScript(data)}</script>
<script>/* ${h(library.name)} ${h(library.version)} (MIT License) */
${scriptSource(library.source)}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

/** The chart specs `renderHtml` embeds, read back from its output (tests, tools). */
export function readHtmlData(html: string): HtmlData {
  const match = /<script type="application\/json" id="lab-report-data">([\s\S]*?)<\/script>/.exec(
    html,
  );
  if (!match?.[1]) throw new Error('no lab-report-data element in this HTML');
  return JSON.parse(match[1]) as HtmlData;
}

function card(id: string, title: string, content: string): string {
  return `<section class="card" id="${h(id)}"><h2>${h(title)}</h2>${content}</section>`;
}

function badge(kind: string, text: string = kind, title?: string): string {
  return `<span class="badge ${h(kind)}"${title ? ` title="${h(title)}"` : ''}>${h(text)}</span>`;
}

const scenarioId = (scenario: string): string => `scenario-${slug(scenario)}`;

function scenarioBadges(report: RunReport, scenario: string): string {
  const parts: string[] = [];
  const failed = report.results.filter(
    (r) => r.result.scenario === scenario && r.result.failure,
  ).length;
  if (failed > 0) parts.push(badge('failed', `${failed} failed run${failed === 1 ? '' : 's'}`));
  for (const c of report.comparisons.filter((x) => x.scenario === scenario)) {
    const kind = c.claim ? c.claim.status : c.comparison.verdict;
    parts.push(badge(kind, kind, `${c.comparison.labels.a} vs ${c.comparison.labels.b}`));
  }
  return parts.length ? ` ${parts.join(' ')}` : '';
}

function header(report: RunReport): string {
  const s = summarizeRun(report);
  const sha = s.gitSha
    ? `<code title="${h(s.gitSha)}">${h(s.gitSha.slice(0, 12))}</code>${s.gitBranch ? ` on ${h(s.gitBranch)}` : ''}${s.gitDirty ? ' <span class="muted">(uncommitted changes)</span>' : ''}`
    : 'unknown';
  const claimTotal = s.claims.passed + s.claims.failed + s.claims.unconfirmed;
  const claims = claimTotal
    ? `${badge('passed', `${s.claims.passed} passed`)} ${badge('failed', `${s.claims.failed} failed`)} ${badge('inconclusive', `${s.claims.unconfirmed} unconfirmed`)}`
    : '<span class="muted">none</span>';
  const items = [
    ['Started', h(dateTime(s.startedAt))],
    ['Took', h(duration(s.startedAt, s.finishedAt))],
    ['Git', sha],
    ['Mode', s.quick ? badge('quick', 'quick (LAB_QUICK=1)') : badge('full')],
    [
      'Results',
      `${s.results}${s.failedResults ? ` ${badge('failed', `${s.failedResults} failed`)}` : ''}`,
    ],
    ['Comparisons', String(s.comparisons)],
    ['Claims', claims],
  ];
  return `<header class="run"><h1>Benchmark run <code>${h(report.runId)}</code></h1><div class="meta">${items
    .map(([k, v]) => `<span>${h(k)}: <b>${v}</b></span>`)
    .join('')}</div></header>`;
}

// --- environment ---------------------------------------------------------------------------------

function environmentTable(env: Environment): string {
  const { cpu, os, git, config, pinning, infra } = env;
  const governor = cpu.governor ? `, governor ${cpu.governor}` : '';
  const cores =
    cpu.availableParallelism === cpu.logicalCores
      ? `${cpu.logicalCores} logical cores`
      : `${cpu.logicalCores} logical cores, ${cpu.availableParallelism} available`;
  const configPairs = Object.entries(config.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const rows: Array<[string, string]> = [
    ['CPU', `${cpu.model} (${cores}${governor})`],
    ['Memory', env.memory ? `${(env.memory.totalMiB / 1024).toFixed(1)} GiB` : 'unknown'],
    ['OS', `${os.distro ?? os.type}, ${os.type} ${os.release} ${os.arch}`],
    ['Host', env.hostname ?? 'unknown'],
    ['Node.js', `${env.node.version}${env.node.v8 ? ` (V8 ${env.node.v8})` : ''}`],
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
        ? `${git.sha}${git.branch ? ` on ${git.branch}` : ''}${git.dirty ? ' (uncommitted changes)' : git.dirty === null ? ' (state unknown)' : ''}`
        : 'unknown',
    ],
    ...(env.command ? [['Command', env.command] as [string, string]] : []),
    [
      'Config',
      `${config.quick ? 'quick (LAB_QUICK=1)' : 'full'}, infra ${config.infraMode}, seed ${config.seed ?? '?'}, scale ${config.scale ?? '?'}`,
    ],
    ['LAB_* settings', configPairs.length ? configPairs.join(' ') : 'none'],
  ];
  if (env.ci?.ci) rows.push(['CI', env.ci.runUrl ?? env.ci.provider ?? 'yes']);
  if (env.capturedAt) rows.push(['Captured', dateTime(env.capturedAt)]);
  rows.push(['Calibration', calibrationText(env)]);
  const table = `<div class="scroll"><table class="kv"><tbody>${rows
    .map(([k, v]) => `<tr><th scope="row">${h(k)}</th><td>${h(v)}</td></tr>`)
    .join('')}</tbody></table></div>`;
  const details: string[] = [];
  if (infra.providerTried.length > 0) {
    details.push(
      `<details><summary>Provider selection</summary><ul class="notes">${infra.providerTried
        .map((t) => `<li>${h(t)}</li>`)
        .join('')}</ul></details>`,
    );
  }
  for (const [name, servers] of [
    ['PostgreSQL', infra.postgres],
    ['Redis', infra.redis],
  ] as const) {
    servers.forEach((server, index) => {
      const settings = Object.entries(server.settings);
      if (settings.length === 0) return;
      details.push(
        `<details><summary>${h(name)} ${h(server.version)} settings${servers.length > 1 ? ` (setup ${index + 1})` : ''}</summary><table class="kv"><tbody>${settings
          .map(([k, v]) => `<tr><th scope="row"><code>${h(k)}</code></th><td>${h(v)}</td></tr>`)
          .join('')}</tbody></table></details>`,
      );
    });
  }
  return table + details.join('');
}

// --- scenarios -----------------------------------------------------------------------------------

/** One table row: the median of a target's successful runs, or one failed run. */
interface Row {
  label: string;
  runs: Result[];
  failure?: string;
  throughput: number;
  latency: Record<(typeof PERCENTILES)[number][0], number>;
  requests: number;
  errors: number;
  failedChecks: number;
  cpuMean?: number;
  rssMax?: number;
  /** The run whose throughput is the median: its resource samples are charted. */
  representative: Result;
}

function rowsOf(results: Result[], byLatency: boolean): Row[] {
  const rows: Row[] = [];
  const ok = new Map<string, Result[]>();
  for (const r of results) {
    if (r.failure) {
      rows.push({
        label: resultLabel(r),
        runs: [r],
        failure: r.failure,
        throughput: Number.NaN,
        latency: {
          p50: Number.NaN,
          p90: Number.NaN,
          p95: Number.NaN,
          p99: Number.NaN,
          p999: Number.NaN,
        },
        requests: r.requests,
        errors: r.errors,
        failedChecks: r.failedChecks,
        representative: r,
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
    const throughput = median(list.map((r) => r.throughput));
    const distance = (r: Result): number =>
      finite(r.throughput) && finite(throughput)
        ? Math.abs(r.throughput - throughput)
        : Number.POSITIVE_INFINITY;
    const representative = list.reduce((best, r) => (distance(r) < distance(best) ? r : best));
    const latency = Object.fromEntries(
      PERCENTILES.map(([key]) => [key, median(list.map((r) => r.latency[key]))]),
    ) as Row['latency'];
    rows.push({
      label: name,
      runs: list,
      throughput,
      latency,
      requests: list.reduce((sum, r) => sum + (r.requests ?? 0), 0),
      errors: list.reduce((sum, r) => sum + (r.errors ?? 0), 0),
      failedChecks: list.reduce((sum, r) => sum + (r.failedChecks ?? 0), 0),
      cpuMean: cpu.length ? median(cpu) : undefined,
      rssMax: rss.filter(finite).length ? Math.max(...rss.filter(finite)) : undefined,
      representative,
    });
  }
  // Fastest first (highest throughput; lowest median latency in the open model); failed last.
  const key = (row: Row): number => {
    if (row.failure) return Number.NEGATIVE_INFINITY;
    const value = byLatency ? -row.latency.p50 : row.throughput;
    return finite(value) ? value : Number.NEGATIVE_INFINITY;
  };
  return rows.sort((x, y) => {
    const a = key(x);
    const b = key(y);
    return a === b ? 0 : b > a ? 1 : -1;
  });
}

function scenarioSection(page: Page, report: RunReport, scenario: string): string {
  const id = scenarioId(scenario);
  const results = report.results.filter((r) => r.result.scenario === scenario);
  const comparisons = report.comparisons.filter((c) => c.scenario === scenario);
  const suites = [...new Set([...results, ...comparisons].map((x) => x.suite))];
  const out: string[] = [
    `<section class="card scenario" id="${h(id)}"><h2>${h(scenario)}</h2>`,
    suites.length
      ? `<p class="muted">suite ${suites.map((s) => `<code>${h(s)}</code>`).join(', ')}</p>`
      : '',
  ];
  if (comparisons.length > 0) out.push(verdictList(page, scenario, comparisons));
  const groups = groupByLoad(results);
  groups.forEach((group, index) => {
    out.push(groupSection(page, `${scenario}-${index + 1}`, group));
  });
  out.push('</section>');
  return out.join('');
}

function groupSection(page: Page, idBase: string, group: ResultGroup): string {
  const byLatency = group.settings.model === 'open';
  const rows = rowsOf(group.results, byLatency);
  const unit = group.engine === 'micro' ? 'ops/s' : 'req/s';
  const out = [`<h3>${h(loadLabel(group.engine, group.settings))}</h3>`];
  out.push(groupTable(rows, unit, byLatency));

  const notes: string[] = [];
  for (const r of group.results) {
    if (r.failure) {
      notes.push(
        `<li class="failure"><b>${h(resultLabel(r))}</b>: run failed: ${h(r.failure)}</li>`,
      );
    }
  }
  const warned = new Set<string>();
  for (const r of group.results) {
    for (const w of r.warnings ?? []) {
      const line = `${resultLabel(r)}: ${w}`;
      if (warned.has(line)) continue;
      warned.add(line);
      notes.push(`<li class="warning"><b>${h(resultLabel(r))}</b>: ${h(w)}</li>`);
    }
  }
  if (notes.length > 0) out.push(`<ul class="notes">${notes.join('')}</ul>`);

  const charted = rows.filter((row) => !row.failure);
  if (charted.length === 0) {
    out.push('<p class="chart-note">No successful run to chart.</p>');
    return out.join('');
  }
  const charts: string[] = [];
  const chartedLabels = new Set(charted.map((row) => row.label));
  const failedLabels = [...new Set(rows.filter((row) => row.failure).map((row) => row.label))];
  const skipped = failedLabels.filter((name) => !chartedLabels.has(name));
  const partly = failedLabels.filter((name) => chartedLabels.has(name));
  const withThroughput = charted.filter((row) => finite(row.throughput));
  if (withThroughput.length > 0) {
    charts.push(
      page.chart('throughput', idBase, `Throughput (${unit})`, {
        type: 'bar',
        data: {
          labels: withThroughput.map((row) => row.label),
          datasets: [
            {
              label: 'throughput',
              unit,
              data: withThroughput.map((row) => round(row.throughput)),
              backgroundColor: withThroughput.map((row) => page.color(row.label)),
            },
          ],
        },
        options: {
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, title: { display: true, text: unit } } },
        },
      }),
    );
  }
  const latencyValues = charted.flatMap((row) =>
    PERCENTILES.map(([key]) => row.latency[key]).filter(finite),
  );
  if (latencyValues.length > 0) {
    const positive = latencyValues.filter((v) => v > 0);
    const log =
      positive.length === latencyValues.length &&
      Math.max(...positive) / Math.min(...positive) > 20;
    charts.push(
      page.chart('latency', idBase, 'Latency percentiles (ms)', {
        type: 'line',
        data: {
          labels: PERCENTILES.map(([, name]) => name),
          datasets: charted.map((row) => ({
            label: row.label,
            unit: 'ms',
            data: PERCENTILES.map(([key]) => nullable(row.latency[key])),
            borderColor: page.color(row.label),
            backgroundColor: page.color(row.label),
            pointRadius: 3,
            tension: 0,
          })),
        },
        options: {
          interaction: { mode: 'index', intersect: false },
          scales: {
            x: { title: { display: true, text: 'percentile' } },
            y: {
              type: log ? 'logarithmic' : 'linear',
              beginAtZero: !log,
              title: { display: true, text: log ? 'ms (log scale)' : 'ms' },
            },
          },
        },
      }),
    );
  }
  const sampled = charted.filter((row) => (row.representative.resources?.samples.length ?? 0) > 0);
  if (sampled.length > 0) {
    const series = (metric: 'cpuPercent' | 'rssMiB') =>
      sampled.map((row) => ({
        label: row.label,
        unit: metric === 'cpuPercent' ? '%' : 'MiB',
        data: thin(row.representative.resources?.samples ?? []).map((s) => ({
          x: round(s.tMs / 1000),
          y: nullable(s[metric]),
        })),
        borderColor: page.color(row.label),
        backgroundColor: page.color(row.label),
        borderWidth: 1.5,
        pointRadius: 0,
        tension: 0,
      }));
    const timeOptions = (yTitle: string) => ({
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear',
          bounds: 'data',
          title: { display: true, text: 'seconds since sampling started' },
        },
        y: { beginAtZero: true, title: { display: true, text: yTitle } },
      },
    });
    charts.push(
      page.chart('cpu', idBase, 'Target CPU over time (% of one core)', {
        type: 'line',
        data: { datasets: series('cpuPercent') },
        options: timeOptions('% of one core'),
      }),
      page.chart('rss', idBase, 'Target RSS over time (MiB)', {
        type: 'line',
        data: { datasets: series('rssMiB') },
        options: timeOptions('MiB'),
      }),
    );
  }
  out.push(`<div class="charts">${charts.join('')}</div>`);
  const chartNotes: string[] = [];
  if (skipped.length > 0) {
    chartNotes.push(`Not charted (run failed): ${skipped.map((s) => h(s)).join(', ')}.`);
  }
  if (partly.length > 0) {
    chartNotes.push(
      `Failed runs are left out of the charts and medians: ${partly.map((s) => h(s)).join(', ')}.`,
    );
  }
  if (sampled.length > 0 && sampled.some((row) => row.runs.length > 1)) {
    chartNotes.push('CPU and RSS: the run with the median throughput of each target.');
  }
  if (sampled.length === 0) {
    chartNotes.push(`No CPU/RSS samples (engine ${h(group.engine)} did not sample the target).`);
  }
  if (charted.some((row) => row.runs.length > 1)) {
    chartNotes.push('Targets with several runs show medians.');
  }
  if (chartNotes.length > 0) out.push(`<p class="chart-note">${chartNotes.join(' ')}</p>`);
  return out.join('');
}

function groupTable(rows: Row[], unit: string, byLatency: boolean): string {
  const repeated = rows.some((r) => r.runs.length > 1);
  const speed = (row: Row): number => (byLatency ? 1 / row.latency.p50 : row.throughput);
  const speeds = rows
    .filter((r) => !r.failure)
    .map(speed)
    .filter(finite);
  const fastest = speeds.length ? Math.max(...speeds) : Number.NaN;
  const header = [
    ['Target', ''],
    ...(repeated ? [['Runs', 'num']] : []),
    [`Throughput (${unit})`, 'num'],
    ['p50 (ms)', 'num'],
    ['p95 (ms)', 'num'],
    ['p99 (ms)', 'num'],
    ['p99.9 (ms)', 'num'],
    ['Errors', 'num'],
    ['Failed checks', 'num'],
    ['CPU mean (%)', 'num'],
    ['RSS max (MiB)', 'num'],
    [byLatency ? 'vs fastest (p50)' : 'vs fastest', 'num'],
  ];
  const body = rows.map((row) => {
    const name = `<td>${h(row.label)}</td>`;
    const runs = repeated ? `<td class="num">${row.runs.length}</td>` : '';
    if (row.failure) {
      return `<tr class="failed">${name}${runs}<td colspan="${header.length - (repeated ? 2 : 1)}">${badge('failed')} ${h(row.failure)}</td></tr>`;
    }
    const cells = [
      rate(row.throughput),
      ms(row.latency.p50),
      ms(row.latency.p95),
      ms(row.latency.p99),
      ms(row.latency.p999),
      errorsText(row),
      String(row.failedChecks),
      finite(row.cpuMean) ? row.cpuMean.toFixed(0) : '—',
      finite(row.rssMax) ? row.rssMax.toFixed(0) : '—',
      ratioToFastest(speed(row), fastest),
    ];
    return `<tr>${name}${runs}${cells.map((c) => `<td class="num">${h(c)}</td>`).join('')}</tr>`;
  });
  return `<div class="scroll"><table class="results"><thead><tr>${header
    .map(([text, cls]) => `<th${cls ? ` class="${cls}"` : ''}>${h(text)}</th>`)
    .join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
}

function errorsText(row: Row): string {
  if (row.errors === 0) return '0';
  const share = row.requests > 0 ? ` (${((row.errors / row.requests) * 100).toPrecision(2)}%)` : '';
  return `${row.errors}${share}`;
}

function ratioToFastest(value: number, fastest: number): string {
  if (!(fastest > 0) || !finite(value)) return '—';
  const ratio = value / fastest;
  return ratio === 1 ? '1.00× (fastest)' : `${ratio.toFixed(2)}×`;
}

// --- verdicts ------------------------------------------------------------------------------------

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

function verdictList(
  page: Page,
  scenario: string,
  comparisons: StoredComparison[],
  withChart = true,
): string {
  const items = comparisons.map((stored) => {
    const c = stored.comparison;
    const status = stored.claim ? stored.claim.status : c.verdict;
    const claim = stored.claim
      ? ` — claim “${h(stored.claim.description)}” <b>${h(stored.claim.status)}</b>`
      : ' — no claim';
    const text = `<b>${h(c.labels.a)} vs ${h(c.labels.b)}</b> on ${h(c.metric)}${claim}: ${h(describeComparison(revive(c)))}`;
    const details: string[] = [];
    const rounds = Math.max(c.a?.length ?? 0, c.b?.length ?? 0);
    if (rounds > 0) {
      const rowsHtml = Array.from({ length: rounds }, (_, i) => {
        const a = c.a[i];
        const b = c.b[i];
        return `<tr><td class="num">${i + 1}</td><td>${h(c.orders?.[i] ?? '')}</td><td class="num">${h(fixed(a, 3))}</td><td class="num">${h(fixed(b, 3))}</td><td class="num">${h(finite(a) && finite(b) && b !== 0 ? fixed(a / b, 3) : '—')}</td></tr>`;
      }).join('');
      details.push(
        `<table><thead><tr><th class="num">Round</th><th>Order</th><th class="num">${h(c.labels.a)}</th><th class="num">${h(c.labels.b)}</th><th class="num">ratio</th></tr></thead><tbody>${rowsHtml}</tbody></table>`,
      );
    }
    const warnings = c.warnings ?? [];
    if (warnings.length > 0) {
      const shown = warnings.slice(0, MAX_COMPARISON_WARNINGS);
      const more =
        warnings.length > shown.length
          ? `<li>… ${warnings.length - shown.length} more warnings in the JSON report</li>`
          : '';
      details.push(
        `<ul class="notes">${shown.map((w) => `<li class="warning">${h(w)}</li>`).join('')}${more}</ul>`,
      );
    }
    const more = details.length
      ? `<details><summary>${h(plural(rounds, 'round'))}${warnings.length ? `, ${h(plural(warnings.length, 'warning'))}` : ''}</summary>${details.join('')}</details>`
      : '';
    return `<li>${badge(status)}<span class="text">${text}</span>${more}</li>`;
  });
  const out = [`<h3>Verdicts</h3><ul class="verdicts">${items.join('')}</ul>`];
  const charted = comparisons.filter(
    (s) => finite(s.comparison.lower) && finite(s.comparison.upper),
  );
  if (withChart && charted.length > 0) {
    const labels = charted.map(
      (s) => `${s.comparison.labels.a} vs ${s.comparison.labels.b} (${s.comparison.metric})`,
    );
    const colors = charted.map(
      (s) => STATUS_COLORS[s.claim ? s.claim.status : s.comparison.verdict] ?? '#4a5a78',
    );
    const values = charted.flatMap((s) => [s.comparison.lower, s.comparison.upper]) as number[];
    out.push(
      `<div class="charts">${page.chart(
        'verdicts',
        scenario,
        'Speed ratio A ÷ B with its interval (> 1: A faster)',
        intervalChart(
          labels,
          charted.map((s) => [s.comparison.lower as number, s.comparison.upper as number]),
          charted.map((s) => nullable(s.comparison.ratio)),
          colors,
          values,
        ),
      )}</div>`,
    );
  }
  return out.join('');
}

/**
 * The answer first: per scenario and metric, the ranking with a verdict badge and interval for
 * every adjacent pair and every target against the best, an interval chart of those verdicts,
 * the claims not confirmed, and how the run's error rate was controlled.
 */
function answersCard(page: Page, report: RunReport): string | undefined {
  const rankings = report.rankings ?? [];
  const notPassed = report.comparisons.filter((c) => c.claim && c.claim.status !== 'passed');
  if (rankings.length === 0 && notPassed.length === 0) return undefined;
  const parts: string[] = [];
  const ec = report.errorControl;
  if (ec && ec.comparisons > 0) {
    parts.push(
      `<p class="muted">Family-wise α = ${h(ec.alpha)} for the whole run, shared by ${h(plural(ec.suites, 'verdict suite'))} (Holm within each ranking); ${h(plural(ec.comparisons, 'comparison'))}; expected false calls ≤ ${h(ec.expectedFalseCalls.toPrecision(2))}.</p>`,
    );
  }
  rankings.forEach((stored, index) => {
    const run = stored.ranking;
    for (const family of run.families) {
      const rows = family.ranking
        .map((row) => {
          const warn = row.undecidable
            ? ` <span class="warning" title="${h(row.undecidable)}">⚠ ${h(row.undecidable)}</span>`
            : '';
          return `<tr><td class="num">${row.rank}</td><td>${h(row.target)}${warn}</td><td class="num">${h(formatValue(row.estimate, family.phase))}</td><td class="num">${row.blocks}</td></tr>`;
        })
        .join('');
      const verdicts = family.reported
        .map((p) => `<li>${badge(p.verdict)}<span class="text">${h(describePair(p))}</span></li>`)
        .join('');
      const charted = family.reported.filter((p) => finite(p.lower) && finite(p.upper));
      const chart =
        charted.length > 0
          ? `<div class="charts">${page.chart(
              'answers',
              `${run.scenario}${run.variant ? ` ${run.variant}` : ''} ${family.phase} ${index}`,
              `${family.phase === 'throughput' ? 'Throughput' : 'Median latency'} ratio with its interval (> 1: the first named is faster)`,
              intervalChart(
                charted.map((p) => `${p.a} vs ${p.b}`),
                charted.map((p) => [p.lower, p.upper]),
                charted.map((p) => nullable(p.ratio)),
                charted.map((p) => STATUS_COLORS[p.verdict] ?? '#4a5a78'),
                charted.flatMap((p) => [p.lower, p.upper]),
              ),
            )}</div>`
          : '';
      parts.push(
        `<h3>${h(familyTitle(run, family))}</h3><table><thead><tr><th class="num">Rank</th><th>Target</th><th class="num">${family.phase === 'throughput' ? 'Throughput' : 'Median latency'}</th><th class="num">Blocks</th></tr></thead><tbody>${rows}</tbody></table><ul class="verdicts">${verdicts}</ul><p class="muted">${h(errorLine(family))}</p>${chart}`,
      );
    }
    if (run.problems.length > 0) {
      parts.push(
        `<ul class="notes">${run.problems
          .slice(0, 10)
          .map((p) => `<li class="warning">left out of the verdicts: ${h(p)}</li>`)
          .join('')}</ul>`,
      );
    }
  });
  if (notPassed.length > 0) {
    parts.push(
      `<h3>Claims not confirmed</h3>${verdictList(page, 'claims-not-confirmed', notPassed, false)}`,
    );
  }
  return card('answers', 'Answers: rankings and verdicts', parts.join(''));
}

/** Floating bars from lower to upper, the point estimate as a marker, and a line at 1. */
function intervalChart(
  labels: string[],
  intervals: Array<[number, number]>,
  ratios: Array<number | null>,
  colors: string[],
  values: number[],
): ChartConfig {
  const all = [...values, ...ratios.filter(finite), 1].filter((v) => v > 0);
  const log = all.length > 0 && Math.max(...all) / Math.min(...all) > 10;
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          type: 'bar',
          label: 'interval',
          data: intervals.map(([lo, hi]) => [round(lo), round(hi)]),
          backgroundColor: colors.map((c) => `${c}55`),
          borderColor: colors,
          borderWidth: 1,
          barPercentage: 0.5,
          maxBarThickness: 90,
          order: 2,
        },
        {
          type: 'line',
          label: 'ratio',
          data: ratios.map((r) => (r === null ? null : round(r))),
          showLine: false,
          pointRadius: 6,
          pointStyle: 'rectRot',
          borderColor: '#1d2125',
          backgroundColor: '#1d2125',
          order: 1,
        },
      ],
    },
    options: {
      plugins: { labReferenceLine: { value: 1, label: 'same speed (1.0)' } },
      scales: {
        y: {
          type: log ? 'logarithmic' : 'linear',
          beginAtZero: false,
          // The reference line at 1 stays in view.
          suggestedMin: Math.min(1, ...all),
          suggestedMax: Math.max(1, ...all),
          ...(log ? {} : { grace: '8%' }),
          title: { display: true, text: log ? 'speed ratio (log scale)' : 'speed ratio' },
        },
      },
    },
  };
}

// --- comparison with a base run -----------------------------------------------------------------

function metricValueText(metric: string, value: number): string {
  return metric === 'throughput' ? rate(value) : `${ms(value)} ms`;
}

function change(base: number, head: number): string {
  if (!finite(base) || !finite(head) || base === 0) return '—';
  const delta = (head - base) / base;
  return `${delta >= 0 ? '+' : '−'}${Math.abs(delta * 100).toFixed(1)}%`;
}

function rowLabel(row: RunComparisonRow): string {
  return row.variant ? `${row.target} (${row.variant})` : row.target;
}

function comparisonSection(page: Page, cmp: RunComparison): string {
  const side = (name: string, s: RunComparison['base']) =>
    `<tr><th scope="row">${h(name)}</th><td><code>${h(s.runId)}</code></td><td>${s.gitSha ? `<code>${h(s.gitSha.slice(0, 12))}</code>` : 'unknown'}</td><td>${h(dateTime(s.startedAt))}</td><td><code>${h(s.file)}</code></td></tr>`;
  const out: string[] = [
    `<p>${cmp.regressions > 0 ? badge('regression', plural(cmp.regressions, 'regression')) : badge('passed', 'no regression')} <span class="muted">A regression is a significant slowdown of more than ${h(percent(cmp.threshold))}. Speed ratio &gt; 1: head faster than base.</span></p>`,
    `<div class="scroll"><table><thead><tr><th></th><th>Run</th><th>Git</th><th>Started</th><th>File</th></tr></thead><tbody>${side('base', cmp.base)}${side('head', cmp.head)}</tbody></table></div>`,
  ];
  if (cmp.environmentDifferences.length > 0) {
    out.push(
      `<h3>Environment differences</h3><ul class="notes">${cmp.environmentDifferences
        .map((d) => `<li class="warning">${h(d)}</li>`)
        .join('')}</ul>`,
    );
  }
  const rows = cmp.rows.map((row) => {
    const interval =
      finite(row.lower) && finite(row.upper)
        ? `[${fixed(row.lower)}, ${fixed(row.upper)}] at ${percent(row.confidence)}`
        : '—';
    const verdict = `${badge(row.verdict)}${row.regression ? ` ${badge('regression')}` : ''}`;
    return `<tr${row.regression ? ' class="regression"' : ''}><td>${h(row.scenario)}</td><td>${h(rowLabel(row))}</td><td>${h(row.engine)}</td><td>${h(row.metric)}</td><td class="num">${h(metricValueText(row.metric, row.base))} <span class="muted">(${row.baseRuns})</span></td><td class="num">${h(metricValueText(row.metric, row.head))} <span class="muted">(${row.headRuns})</span></td><td class="num">${h(change(row.base, row.head))}</td><td class="num">${h(fixed(row.ratio))}</td><td class="num">${h(interval)}</td><td>${verdict}</td><td>${h(row.note ?? '')}</td></tr>`;
  });
  out.push(
    `<h3>Changes</h3><div class="scroll"><table class="deltas"><thead><tr><th>Scenario</th><th>Target</th><th>Engine</th><th>Metric</th><th class="num">Base (runs)</th><th class="num">Head (runs)</th><th class="num">Change</th><th class="num">Speed ratio</th><th class="num">Interval</th><th>Verdict</th><th>Note</th></tr></thead><tbody>${rows.join('') || '<tr><td colspan="11" class="muted">No scenario × target measured in both runs.</td></tr>'}</tbody></table></div>`,
  );
  const charted = cmp.rows.filter((row) => finite(row.lower) && finite(row.upper));
  if (charted.length > 0) {
    out.push(
      `<div class="charts">${page.chart(
        'deltas',
        'comparison',
        'Head ÷ base speed ratio with its interval (> 1: head faster)',
        intervalChart(
          charted.map((row) => `${row.scenario} ${rowLabel(row)} (${row.metric})`),
          charted.map((row) => [row.lower as number, row.upper as number]),
          charted.map((row) => nullable(row.ratio)),
          charted.map((row) =>
            row.regression ? '#c62828' : (STATUS_COLORS[row.verdict] ?? '#4a5a78'),
          ),
          charted.flatMap((row) => [row.lower as number, row.upper as number]),
        ),
      )}</div>`,
    );
  }
  for (const [title, list] of [
    ['Only in base', cmp.onlyInBase],
    ['Only in head', cmp.onlyInHead],
  ] as const) {
    if (list.length > 0) {
      out.push(
        `<h3>${h(title)}</h3><ul class="notes">${list.map((x) => `<li>${h(x)}</li>`).join('')}</ul>`,
      );
    }
  }
  return card('comparison', `Compared with base run ${cmp.base.runId}`, out.join(''));
}

// --- helpers -------------------------------------------------------------------------------------

function nullable(x: number | null | undefined): number | null {
  return finite(x) ? x : null;
}

/** Chart data needs no more than 6 significant digits; keeps the file small. */
function round(x: number): number {
  return finite(x) ? Number(x.toPrecision(6)) : x;
}

function thin<T>(samples: T[]): T[] {
  if (samples.length <= MAX_POINTS) return samples;
  const step = samples.length / MAX_POINTS;
  const out: T[] = [];
  for (let i = 0; i < MAX_POINTS; i++) out.push(samples[Math.floor(i * step)] as T);
  const last = samples[samples.length - 1] as T;
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}
