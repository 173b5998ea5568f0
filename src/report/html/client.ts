/**
 * The report's browser side, kept as plain ES2017 text (not compiled TypeScript) so it is
 * inlined exactly as written: it reads the chart specs from the JSON data element, draws each
 * with Chart.js, and publishes its progress on `window.__labReport` (the headless test reads it):
 * `{ expected, rendered, failed: string[], done }`. A chart that cannot be drawn is logged with
 * `console.error`; the tables next to every chart hold the same numbers without JavaScript.
 */
export const CLIENT_SCRIPT = `(function () {
  'use strict';
  var status = { expected: 0, rendered: 0, failed: [], done: false };
  window.__labReport = status;
  function finish() {
    status.done = true;
    document.documentElement.setAttribute('data-charts', status.failed.length ? 'failed' : 'rendered');
  }
  function fail(message) {
    status.failed.push(message);
    console.error('lab report: ' + message);
  }
  function num(v) {
    if (typeof v !== 'number' || !isFinite(v)) return '—';
    var a = Math.abs(v);
    if (a >= 100) return Math.round(v).toLocaleString('en-US');
    if (a >= 10) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    return v.toFixed(3);
  }
  function value(raw, horizontal) {
    if (Array.isArray(raw)) return '[' + num(raw[0]) + ', ' + num(raw[1]) + ']';
    if (raw && typeof raw === 'object') return num(horizontal ? raw.x : raw.y);
    return num(raw);
  }
  var data;
  try {
    data = JSON.parse(document.getElementById('lab-report-data').textContent);
  } catch (e) {
    fail('report data unreadable: ' + e.message);
    finish();
    return;
  }
  var charts = data.charts || [];
  status.expected = charts.length;
  if (typeof Chart === 'undefined') {
    fail('Chart.js did not load; the tables hold the numbers');
    finish();
    return;
  }
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.color = '#333';
  // A dashed horizontal line across the plot at options.plugins.labReferenceLine.value (the
  // "same speed" ratio 1 of interval charts).
  Chart.register({
    id: 'labReferenceLine',
    afterDatasetsDraw: function (chart, args, opts) {
      if (!opts || typeof opts.value !== 'number' || !chart.scales.y) return;
      var y = chart.scales.y.getPixelForValue(opts.value);
      var area = chart.chartArea;
      if (!isFinite(y) || y < area.top || y > area.bottom) return;
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = '#6b7680';
      ctx.lineWidth = 1;
      ctx.setLineDash([5, 4]);
      ctx.beginPath();
      ctx.moveTo(area.left, y);
      ctx.lineTo(area.right, y);
      ctx.stroke();
      if (opts.label) {
        ctx.fillStyle = '#6b7680';
        ctx.font = '11px ' + Chart.defaults.font.family;
        ctx.textAlign = 'right';
        ctx.fillText(opts.label, area.right - 4, y - 4);
      }
      ctx.restore();
    }
  });
  charts.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) {
      fail(spec.id + ': no canvas element');
      return;
    }
    var config = spec.config;
    config.options = config.options || {};
    config.options.plugins = config.options.plugins || {};
    config.options.plugins.tooltip = config.options.plugins.tooltip || {};
    config.options.plugins.tooltip.callbacks = {
      label: function (ctx) {
        var unit = ctx.dataset.unit ? ' ' + ctx.dataset.unit : '';
        return (ctx.dataset.label || '') + ': ' + value(ctx.raw, false) + unit;
      }
    };
    try {
      new Chart(canvas, config);
      canvas.setAttribute('data-rendered', 'true');
      status.rendered += 1;
    } catch (e) {
      fail(spec.id + ': ' + (e && e.message ? e.message : String(e)));
    }
  });
  finish();
})();
`;

export const STYLES = `
:root {
  --fg: #1d2125; --muted: #5f6b76; --line: #d9dee3; --bg: #f6f7f9; --card: #fff;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #c62828; --fail-bg: #ffebe9;
  --unsure: #8a5a00; --unsure-bg: #fff4d6; --info: #344563; --info-bg: #e9eef5;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg); line-height: 1.45;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
main { max-width: 1280px; margin: 0 auto; padding: 24px 20px 60px; }
header.run { margin-bottom: 16px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0 0 8px; }
h3 { font-size: 15px; margin: 18px 0 8px; color: var(--info); }
a { color: #0b5cad; }
.muted { color: var(--muted); }
.meta { display: flex; flex-wrap: wrap; gap: 6px 18px; color: var(--muted); }
.meta b { color: var(--fg); font-weight: 600; }
section.card, nav.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 16px 18px; margin: 16px 0;
}
table { border-collapse: collapse; margin: 6px 0 10px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
table.results, table.deltas { font-size: 13px; }
table.results td:first-child, table.deltas td { white-space: nowrap; }
table.deltas td:last-child, tr.failed td[colspan] { white-space: normal; }
th { background: #f0f2f5; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.kv th { width: 160px; background: transparent; }
.scroll { overflow-x: auto; }
tr.failed td { background: var(--fail-bg); }
tr.regression td { background: var(--fail-bg); }
.badge {
  display: inline-block; border-radius: 10px; padding: 1px 9px; font-size: 12px;
  font-weight: 600; white-space: nowrap; border: 1px solid transparent;
}
.badge.passed, .badge.faster { color: var(--pass); background: var(--pass-bg); border-color: #aceebb; }
.badge.failed, .badge.slower, .badge.regression { color: var(--fail); background: var(--fail-bg); border-color: #ffcecb; }
.badge.inconclusive, .badge.unconfirmed { color: var(--unsure); background: var(--unsure-bg); border-color: #f5dfa0; }
.badge.no-difference, .badge.info, .badge.quick, .badge.full {
  color: var(--info); background: var(--info-bg); border-color: #d3dcea;
}
ul.verdicts { list-style: none; padding: 0; margin: 6px 0 12px; }
ul.verdicts > li { padding: 6px 0; border-bottom: 1px dashed var(--line); }
ul.verdicts .text { margin-left: 6px; }
ul.notes { margin: 6px 0 10px; padding-left: 20px; }
ul.notes li.failure { color: var(--fail); }
ul.notes li.warning::marker { content: "⚠ "; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 14px; margin: 10px 0; }
.chart { position: relative; height: 290px; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fff; }
.chart canvas { display: block; }
.chart .fallback { color: var(--muted); font-style: italic; }
.chart-note { color: var(--muted); font-size: 12px; margin: -6px 0 8px; }
nav.toc ul { columns: 3 220px; margin: 4px 0; padding-left: 20px; }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--muted); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
.noscript { background: var(--unsure-bg); border: 1px solid #f5dfa0; padding: 8px 12px; border-radius: 6px; }
footer { color: var(--muted); font-size: 12px; margin-top: 30px; }
@media print { .chart { break-inside: avoid; } body { background: #fff; } }
`;
