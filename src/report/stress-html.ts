import type { SeriesPoint, SoakRun, StressRun, SweepRun } from '../load/stress/types.ts';
import { uslThroughput } from '../stats/usl.ts';
import { escapeHtml as h, slug } from './html/escape.ts';
import {
  COLD_HEADER,
  coldRows,
  coldSummary,
  SPIKE_HEADER,
  STRESS_ORDER,
  STRESS_TITLES,
  SWEEP_HEADER,
  soakSummary,
  spikeRecovery,
  spikeRows,
  stepText,
  stressHeading,
  sweepRows,
  TREND_HEADER,
  trendRows,
  uslText,
} from './stress-text.ts';
import type { RunReport } from './types.ts';

/**
 * The stress scenarios and sweeps in the HTML report: one card per kind, per run a table and its
 * charts — latency and users over time (spike), memory over time with the fitted slope (soak),
 * latency of the first requests per condition (cold vs warm), the throughput–latency curve and
 * throughput over the swept knob with the USL model (sweeps).
 */
export interface ChartSink {
  chart(
    kind: 'timeline' | 'memory' | 'trace' | 'curve',
    idBase: string,
    title: string,
    config: ChartConfig,
  ): string;
  color(label: string): string;
}

interface ChartConfig {
  type: string;
  data: Record<string, unknown>;
  options?: Record<string, unknown> & { plugins?: Record<string, unknown> };
}

const r = (x: number): number | null => (Number.isFinite(x) ? Number(x.toPrecision(6)) : null);

function table(header: string[], rows: string[][]): string {
  return `<div class="scroll"><table class="results"><thead><tr>${header
    .map((c) => `<th>${h(c)}</th>`)
    .join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((c) => `<td>${h(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

const line = (
  label: string,
  color: string,
  data: unknown[],
  extra: Record<string, unknown> = {},
) => ({
  label,
  data,
  borderColor: color,
  backgroundColor: color,
  borderWidth: 1.5,
  pointRadius: 0,
  tension: 0,
  ...extra,
});

/** p50 and p99 per window, the same two lines in every time series. */
const latencyLines = (points: readonly SeriesPoint[]) => [
  line(
    'p50 ms',
    '#4e79a7',
    points.map((p) => ({ x: r(p.t), y: r(p.p50) })),
  ),
  line(
    'p99 ms',
    '#e15759',
    points.map((p) => ({ x: r(p.t), y: r(p.p99) })),
  ),
];

const timeAxis = (title = 'seconds since the load started') => ({
  type: 'linear',
  bounds: 'data',
  title: { display: true, text: title },
});

function spikeCharts(
  run: Extract<StressRun, { kind: 'spike' }>,
  sink: ChartSink,
  id: string,
): string {
  const points = run.series.filter((p) => p.requests > 0);
  return [
    sink.chart('timeline', id, `${run.target}: latency and users over time`, {
      type: 'line',
      data: {
        datasets: [
          ...latencyLines(points),
          line(
            'users',
            '#9c755f',
            run.series.map((p) => ({ x: r(p.t), y: p.vus })),
            {
              yAxisID: 'users',
              borderDash: [4, 3],
            },
          ),
        ],
      },
      options: {
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: { labReferenceLine: { value: run.recoveryThresholdMs, label: 'pre-spike p99' } },
        scales: {
          x: timeAxis(),
          y: { type: 'logarithmic', title: { display: true, text: 'ms (log scale)' } },
          users: {
            position: 'right',
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            title: { display: true, text: 'users' },
          },
        },
      },
    }),
    sink.chart('timeline', `${id}-throughput`, `${run.target}: throughput over time`, {
      type: 'line',
      data: {
        datasets: [
          line(
            'req/s',
            sink.color(run.target),
            points.map((p) => ({ x: r(p.t), y: r(p.throughput) })),
          ),
        ],
      },
      options: {
        scales: {
          x: timeAxis(),
          y: { beginAtZero: true, title: { display: true, text: 'req/s' } },
        },
      },
    }),
  ].join('');
}

function soakCharts(run: SoakRun, sink: ChartSink, id: string): string {
  const rss = run.trends.find((t) => t.series === 'rss');
  const heap = run.trends.find((t) => t.series === 'heap');
  const fitted = (trend: typeof rss) => {
    if (!trend) return [];
    const at = (t: number) => r(trend.perMinute.intercept + trend.perMinute.slope * (t / 60));
    return [
      { x: 0, y: at(0) },
      { x: run.durationSeconds, y: at(run.durationSeconds) },
    ];
  };
  const datasets: unknown[] = [
    line(
      'RSS MiB',
      '#4e79a7',
      run.memory.map((m) => ({ x: r(m.t), y: r(m.rssMiB) })),
    ),
  ];
  if (rss)
    datasets.push(
      line('RSS trend', '#1d2125', fitted(rss), { borderDash: [6, 4], borderWidth: 2 }),
    );
  if (run.memory.some((m) => m.heapMiB !== undefined)) {
    datasets.push(
      line(
        'heap used MiB',
        '#f28e2b',
        run.memory.flatMap((m) =>
          m.heapMiB === undefined ? [] : [{ x: r(m.t), y: r(m.heapMiB) }],
        ),
        { yAxisID: 'heap' },
      ),
    );
    if (heap)
      datasets.push(
        line('heap trend', '#b07aa1', fitted(heap), {
          borderDash: [6, 4],
          borderWidth: 2,
          yAxisID: 'heap',
        }),
      );
  }
  const points = run.series.filter((p) => p.requests > 0);
  return [
    sink.chart(
      'memory',
      id,
      `${run.target}: memory over the measured window (after ${run.warmupSeconds} s of warm-up)`,
      {
        type: 'line',
        data: { datasets },
        options: {
          interaction: { mode: 'nearest', axis: 'x', intersect: false },
          scales: {
            x: timeAxis(),
            y: { title: { display: true, text: 'RSS MiB' } },
            heap: {
              position: 'right',
              grid: { drawOnChartArea: false },
              title: { display: true, text: 'heap MiB' },
            },
          },
        },
      },
    ),
    sink.chart('timeline', `${id}-latency`, `${run.target}: latency over time`, {
      type: 'line',
      data: {
        datasets: [...latencyLines(points)],
      },
      options: {
        scales: { x: timeAxis(), y: { beginAtZero: true, title: { display: true, text: 'ms' } } },
      },
    }),
  ].join('');
}

function coldCharts(
  run: Extract<StressRun, { kind: 'cold-warm' }>,
  sink: ChartSink,
  id: string,
): string {
  return sink.chart(
    'trace',
    id,
    `${run.target}: latency of request #1…${run.firstN} (median over repetitions)`,
    {
      type: 'line',
      data: {
        datasets: run.conditions.map((c) =>
          line(
            c.condition,
            sink.color(`cold ${c.condition}`),
            c.firstRequests.map((v, i) => ({ x: i + 1, y: r(v) })),
          ),
        ),
      },
      options: {
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'request #' } },
          y: { type: 'logarithmic', title: { display: true, text: 'ms (log scale)' } },
        },
      },
    },
  );
}

function sweepCharts(run: SweepRun, sink: ChartSink, id: string): string {
  const points = run.points.filter((p) => Number.isFinite(p.throughput));
  const color = sink.color(run.target);
  const charts: string[] = [];
  charts.push(
    sink.chart(
      'curve',
      `${id}-curve`,
      `${run.target}: throughput–latency curve (labels: ${run.axis})`,
      {
        type: 'scatter',
        data: {
          datasets: [
            line(
              'p50 ms',
              '#4e79a7',
              points.map((p) => ({ x: r(p.throughput), y: r(p.p50), label: p.label })),
              { showLine: true, pointRadius: 4 },
            ),
            line(
              'p99 ms',
              '#e15759',
              points.map((p) => ({ x: r(p.throughput), y: r(p.p99), label: p.label })),
              { showLine: true, pointRadius: 4 },
            ),
          ],
        },
        options: {
          scales: {
            x: { type: 'linear', title: { display: true, text: 'throughput, req/s' } },
            y: { type: 'logarithmic', title: { display: true, text: 'latency ms (log scale)' } },
          },
        },
      },
    ),
  );
  const datasets: unknown[] = [
    line(
      'measured req/s',
      color,
      points.map((p) => ({ x: p.level, y: r(p.throughput) })),
      { showLine: true, pointRadius: 4 },
    ),
  ];
  const usl = run.usl;
  if (usl) {
    const max = Math.max(...points.map((p) => p.level));
    const model = Array.from({ length: 60 }, (_, i) => {
      const n = 1 + ((Math.max(max, 2) - 1) * i) / 59;
      return { x: r(n), y: r(uslThroughput(usl, n)) };
    });
    datasets.push(line('USL model', '#1d2125', model, { borderDash: [6, 4], showLine: true }));
  }
  charts.push(
    sink.chart('curve', `${id}-throughput`, `${run.target}: throughput over ${run.axis}`, {
      type: 'scatter',
      data: { datasets },
      options: {
        scales: {
          x: {
            type: run.axis === 'vus' ? 'logarithmic' : 'linear',
            title: { display: true, text: run.axis },
          },
          y: { beginAtZero: true, title: { display: true, text: 'req/s' } },
        },
      },
    }),
  );
  return charts.join('');
}

function runHtml(run: StressRun, sink: ChartSink, index: number): string {
  const id = `stress-${run.kind}-${slug(run.target)}-${index}`;
  const out = [`<h3>${h(stressHeading(run))}</h3>`];
  if (run.failure)
    out.push(`<p class="failure">run failed: ${h(run.failure.split('\n')[0] ?? '')}</p>`);
  let charts = '';
  switch (run.kind) {
    case 'spike':
      out.push(table(SPIKE_HEADER, spikeRows(run)), `<p>Recovery: ${h(spikeRecovery(run))}.</p>`);
      charts = spikeCharts(run, sink, id);
      break;
    case 'soak':
      out.push(
        `<p><span class="badge ${run.verdict === 'leak' ? 'failed' : run.verdict === 'no-leak' ? 'passed' : 'inconclusive'}">${h(run.verdict)}</span> ${h(soakSummary(run))}.</p>`,
        table(TREND_HEADER, trendRows(run)),
      );
      charts = soakCharts(run, sink, id);
      break;
    case 'cold-warm':
      out.push(`<p>${h(coldSummary(run))}.</p>`, table(COLD_HEADER, coldRows(run.conditions)));
      charts = coldCharts(run, sink, id);
      break;
    case 'sweep': {
      out.push(table(SWEEP_HEADER, sweepRows(run)));
      out.push(
        `<ul class="verdicts">${run.steps.map((s) => `<li><span class="badge ${s.verdict === 'inconclusive' ? 'inconclusive' : 'no-difference'}">${h(s.verdict)}</span><span class="text">${h(stepText(s))}</span></li>`).join('')}</ul>`,
      );
      const usl = uslText(run);
      if (usl) out.push(`<p>${h(usl)}</p>`);
      out.push(
        `<p class="muted">${h(`${run.blocks} blocks (stopped: ${run.stoppedBy}); α ${Number(run.alpha.toPrecision(3))} over ${run.comparisons} comparisons (Holm).`)}</p>`,
      );
      charts = sweepCharts(run, sink, id);
      break;
    }
  }
  if (run.warnings.length > 0) {
    out.push(
      `<ul class="notes">${run.warnings.map((w) => `<li class="warning">${h(w.split('\n')[0] ?? '')}</li>`).join('')}</ul>`,
    );
  }
  out.push(`<div class="charts">${charts}</div>`);
  return out.join('');
}

/** One `<section class="card">` per kind present, in scenario order. */
export function stressCards(report: RunReport, sink: ChartSink): string[] {
  const stress = report.stress ?? [];
  const cards: string[] = [];
  for (const kind of STRESS_ORDER) {
    const runs = stress.filter((s) => s.stress.kind === kind);
    if (runs.length === 0) continue;
    cards.push(
      `<section class="card" id="stress-${h(kind)}"><h2>${h(STRESS_TITLES[kind])}</h2>${runs
        .map((s, i) => runHtml(s.stress, sink, i))
        .join('')}</section>`,
    );
  }
  return cards;
}
