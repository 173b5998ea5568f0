import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportsDir } from '../src/report/collector.ts';
import { jsonForScript, scriptSource } from '../src/report/html/escape.ts';
import { type ChartSpec, REPORT_CSP, readHtmlData, renderHtml } from '../src/report/html.ts';
import { fixtureComparison, fixtureReport, NASTY } from './support/run-report-fixture.ts';

/**
 * The HTML report: structure and escaping from the string, then the real thing in headless
 * Chromium (Debian's `chromium`, driven by playwright-core; never a downloaded browser): every
 * chart drawn, no console error, no network request, a full-page screenshot in reports/.
 */
const report = fixtureReport();
const comparison = fixtureComparison();
const html = renderHtml(report, { comparison });
const data = readHtmlData(html);
const chartsOf = (prefix: string): ChartSpec[] =>
  data.charts.filter((c) => c.id.startsWith(`chart-${prefix}`));
type Dataset = { label: string; data: unknown[] };
function configData(chart: ChartSpec | undefined): { datasets: Dataset[]; labels: string[] } {
  if (!chart) throw new Error('no such chart');
  return chart.config.data as { datasets: Dataset[]; labels: string[] };
}
const datasets = (chart: ChartSpec | undefined): Dataset[] => configData(chart).datasets;
const labels = (chart: ChartSpec | undefined): string[] => configData(chart).labels;

describe('renderHtml', () => {
  it('is one self-contained file: inline scripts and styles, no URL to load, a strict CSP', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    expect(html).toContain(`content="${REPORT_CSP.replace(/'/g, '&#39;')}"`);
    // Chart.js is inlined (its UMD bundle defines the global Chart).
    expect(html).toMatch(/Chart\.js \d+\.\d+\.\d+ \(MIT License\)/);
    expect(html.length).toBeGreaterThan(100_000);
  });

  it('has a canvas for every chart spec, with unique ids, and tables readable without JS', () => {
    const canvases = [...html.matchAll(/<canvas id="([^"]+)"/g)].map((m) => m[1]);
    expect(canvases).toEqual(data.charts.map((c) => c.id));
    expect(new Set(canvases).size).toBe(canvases.length);
    expect(data.runId).toBe(report.runId);
    // Per scenario group: throughput, latency; CPU and RSS when sampled; verdict intervals.
    expect(chartsOf('01-lightweight-1').map((c) => c.kind)).toEqual([
      'throughput',
      'latency',
      'cpu',
      'rss',
    ]);
    expect(chartsOf('09-pagination-1').map((c) => c.kind)).toEqual(['throughput', 'latency']);
    expect(data.charts.filter((c) => c.kind === 'verdicts').length).toBe(3);
    expect(data.charts.filter((c) => c.kind === 'deltas').length).toBe(1);
    // Environment and result tables are plain HTML.
    expect(html).toContain('<th scope="row">CPU</th><td>AMD EPYC (2 logical cores)</td>');
    expect(html).toContain('53aceb789cd9b80ac897c3747170a8a258b1d038 on main');
    expect(html.match(/<table class="results">/g)?.length).toBe(4);
    expect(html).toContain('<noscript>');
  });

  it('shows the header: run id, date, git sha, mode, claims', () => {
    expect(html).toContain(`<h1>Benchmark run <code>${report.runId}</code></h1>`);
    expect(html).toContain('Started: <b>2026-11-25 11:13:03 UTC</b>');
    expect(html).toContain(
      '<code title="53aceb789cd9b80ac897c3747170a8a258b1d038">53aceb789cd9</code>',
    );
    expect(html).toContain('<span class="badge full">full</span>');
    expect(html).toContain('<span class="badge passed">2 passed</span>');
    expect(html).toContain('<span class="badge failed">1 failed</span>');
    expect(renderHtml(fixtureReport({ quick: true }))).toContain(
      '<span class="badge quick">quick (LAB_QUICK=1)</span>',
    );
  });

  it('charts medians per target, fastest first, and never charts a failed run', () => {
    const [throughput, latency, cpu] = chartsOf('01-lightweight-1');
    expect(labels(throughput)).toEqual(['fastify', 'nestjs-fastify', 'express', 'nestjs-express']);
    // Median of three rounds (±2%) is the middle round; nestjs-express's failed round is left out.
    expect(datasets(throughput)[0]?.data).toEqual([21_400, 17_900, 9_800, 8_100]);
    expect(labels(latency)).toEqual(['p50', 'p90', 'p95', 'p99', 'p99.9']);
    expect(datasets(latency).map((d) => d.label)).toEqual(labels(throughput));
    expect(datasets(cpu).map((d) => d.label)).toEqual(labels(throughput));
    expect(datasets(cpu)[0]?.data).toHaveLength(60);
    expect(datasets(cpu)[0]?.data[0]).toEqual({ x: 0.25, y: expect.any(Number) });

    // 05: nestjs-fastify failed outright: a failed row in the table, absent from every chart.
    const upstream = chartsOf('05-upstream-1');
    for (const chart of upstream.filter((c) => c.kind !== 'throughput')) {
      expect(datasets(chart).map((d) => d.label)).not.toContain('nestjs-fastify');
    }
    expect(labels(upstream[0])).toEqual(['fastify', 'express']);
    expect(html).toMatch(
      /<tr class="failed"><td>nestjs-fastify<\/td><td colspan="10"><span class="badge failed">failed<\/span> k6 exited 99/,
    );
    expect(html).toContain('Not charted (run failed): nestjs-fastify.');
    expect(html).toContain('Failed runs are left out of the charts and medians: nestjs-express.');
    expect(html).not.toContain('Not charted (run failed): nestjs-express');
    // No throughput bar anywhere is zero or missing; a NaN percentile is a gap (null), not 0.
    for (const chart of data.charts.filter((c) => c.kind === 'throughput')) {
      for (const value of datasets(chart)[0]?.data ?? []) expect(value).toBeGreaterThan(0);
    }
    expect(datasets(upstream[1])[0]?.data[4]).toBeNull();

    // Open model: ranked by median latency.
    expect(datasets(chartsOf('06-middleware-1')[1]).map((d) => d.label)).toEqual([
      'fastify',
      'express',
    ]);
    expect(html).toContain('vs fastest (p50)');
  });

  it('gives every target one color across the report', () => {
    const colorOf = new Map<string, string>();
    for (const chart of data.charts.filter((c) => c.kind === 'latency')) {
      for (const d of datasets(chart) as Array<Dataset & { borderColor: string }>) {
        const seen = colorOf.get(d.label);
        if (seen) expect(d.borderColor).toBe(seen);
        colorOf.set(d.label, d.borderColor);
      }
    }
    expect(new Set(colorOf.values()).size).toBe(colorOf.size);
  });

  it('shows verdict badges with their intervals, claims and capped warnings', () => {
    expect(html).toContain(
      '<span class="badge passed">passed</span><span class="text"><b>cursor vs offset</b> on median — claim “cursor ≥ 2× faster than offset” <b>passed</b>: verdict faster, ratio 39.99 [25.50, 58.25] at 95% over 5 rounds, stopped early',
    );
    expect(html).toContain(
      '<span class="badge failed">failed</span><span class="text"><b>nestjs-fastify vs fastify</b>',
    );
    expect(html).toContain(
      '<span class="badge unconfirmed">unconfirmed</span><span class="text"><b>fastify vs express</b> on p95',
    );
    expect(html).toContain('— no claim: verdict inconclusive, ratio NaN [0.90, NaN]');
    expect(html).toContain('… 2 more warnings in the JSON report');
    const verdicts = data.charts.find((c) => c.id.startsWith('chart-01-lightweight-verdicts'));
    expect(datasets(verdicts)[0]?.data).toEqual([
      [2.09, 2.27],
      [0.8, 0.88],
    ]);
  });

  it('opens with the answers: rankings with verdicts and intervals, claims not confirmed', () => {
    const answers = html.indexOf('id="answers"');
    expect(answers).toBeGreaterThan(0);
    expect(answers).toBeLessThan(html.indexOf('id="environment"'));
    expect(answers).toBeLessThan(html.indexOf('id="scenario-01-lightweight"'));
    const card = html.slice(answers, html.indexOf('</section>', answers));
    expect(card).toContain('01-lightweight — throughput (closed model), inprocess engine');
    expect(card).toMatch(
      /<span class="badge faster">faster<\/span><span class="text">fastify faster than nestjs-fastify: 1\.\d\d× \[1\.\d\d, 1\.\d\d\]/,
    );
    expect(card).toContain('6 comparisons, Holm at family-wise 2.5%');
    expect(card).toContain('left out of the verdicts: express throughput block 3');
    expect(card).toContain('<h3>Claims not confirmed</h3>');
    expect(card).toContain('Family-wise α = 0.05 for the whole run, shared by 3 verdict suites');
    // One interval chart per family; markup in a target name stays text.
    expect(data.charts.filter((c) => c.kind === 'answers')).toHaveLength(2);
    expect(card).not.toContain(NASTY);
  });

  it('renders the comparison with a base run: deltas, intervals, regressions highlighted', () => {
    expect(html).toContain('<h2>Compared with base run 2026-11-24T09-00-00Z-aaaaaa</h2>');
    expect(html).toContain('<span class="badge regression">1 regression</span>');
    expect(html).toMatch(
      /<tr class="regression"><td>01-lightweight<\/td><td>nestjs-express<\/td>.*?<td class="num">−18\.0%<\/td><td class="num">0\.82<\/td><td class="num">\[0\.78, 0\.86\] at 95%<\/td><td><span class="badge slower">slower<\/span> <span class="badge regression">regression<\/span>/,
    );
    expect(html).toMatch(
      /<td>nestjs-fastify<\/td>.*?<td class="num">—<\/td><td><span class="badge inconclusive">/,
    );
    expect(html).toContain('<td class="num">0.580 ms <span class="muted">(3)</span></td>');
    expect(html).toContain('Node.js v24.20.0 → v24.21.0');
    expect(html).toContain('<h3>Only in base</h3><ul class="notes"><li>03-db-read / express</li>');
    const deltas = data.charts.find((c) => c.kind === 'deltas');
    expect(labels(deltas)).toHaveLength(4); // the row without an interval is table-only
    // Without a comparison there is no such section.
    expect(renderHtml(report)).not.toContain('id="comparison"');
  });

  it('keeps markup in names and warnings as text, in the page and in the embedded JSON', () => {
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    const json = jsonForScript({ label: NASTY, sep: '\u2028' });
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual({ label: NASTY, sep: '\u2028' });
    expect(scriptSource('x = "</script>"; y = /<\\/SCRIPT/;')).toBe(
      'x = "<\\/script>"; y = /<\\/SCRIPT/;',
    );
    // The only </script> closings are the three script elements'.
    expect(html.match(/<\/script>/gi)?.length).toBe(3);
  });
});

const CHROMIUM = process.env.LAB_CHROMIUM?.trim() || '/usr/bin/chromium';
const ci = process.env.CI === 'true' || process.env.CI === '1';
const missing = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} not found; install it with \`apt-get install chromium\` (or \`bash scripts/setup.sh\`)`;

// Under CI=true a missing Chromium fails these tests (with the install command) instead of
// skipping them.
const noBrowser = (): Error =>
  new Error(
    missing ? `headless Chromium is required under CI=true: ${missing}` : 'Chromium did not start',
  );

describe.skipIf(missing !== undefined && !ci)(
  `HTML report in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    let browser: Browser | undefined;

    beforeAll(async () => {
      if (missing) return;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('draws every chart with no console error and no network request; saves a screenshot', async () => {
      if (!browser) throw noBrowser();
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        deviceScaleFactor: 1,
      });
      const problems: string[] = [];
      const requests: string[] = [];
      const blocked: string[] = [];
      await context.route('**/*', async (route) => {
        const target = route.request().url();
        if (target === url) return route.continue();
        blocked.push(target);
        return route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('dialog', async (dialog) => {
        problems.push(`dialog: ${dialog.message()}`);
        await dialog.dismiss();
      });
      try {
        await page.goto(url, { waitUntil: 'load' });
        await page.waitForFunction('window.__labReport && window.__labReport.done === true', null, {
          timeout: 20_000,
        });
        const status = await page.evaluate<{
          expected: number;
          rendered: number;
          failed: string[];
        }>('window.__labReport');
        expect(status).toMatchObject({ expected: data.charts.length, failed: [] });
        expect(status.rendered).toBe(data.charts.length);
        expect(await page.evaluate<number>('Object.keys(Chart.instances).length')).toBe(
          data.charts.length,
        );

        const canvases = await page.evaluate<
          Array<{ id: string; width: number; height: number; painted: number; chart: boolean }>
        >(`Array.from(document.querySelectorAll('canvas')).map((canvas) => {
          const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
          return {
            id: canvas.id,
            width: canvas.getBoundingClientRect().width,
            height: canvas.getBoundingClientRect().height,
            painted,
            chart: Chart.getChart(canvas) !== undefined,
          };
        })`);
        expect(canvases.map((c) => c.id)).toEqual(data.charts.map((c) => c.id));
        for (const canvas of canvases) {
          expect(canvas, canvas.id).toMatchObject({ chart: true });
          expect(canvas.width, canvas.id).toBeGreaterThan(200);
          expect(canvas.height, canvas.id).toBeGreaterThan(150);
          // Axes, labels, bars or lines: far more than a blank canvas.
          expect(canvas.painted, canvas.id).toBeGreaterThan(2000);
        }
        expect(await page.evaluate<unknown>('window.__pwned')).toBeUndefined();
        expect(await page.title()).toBe(`Benchmark run ${report.runId}`);

        const out = reportsDir();
        mkdirSync(out, { recursive: true });
        const screenshot = join(out, 'report-screenshot.png');
        await page.screenshot({ path: screenshot, fullPage: true });
        expect(statSync(screenshot).size).toBeGreaterThan(50_000);

        expect(problems).toEqual([]);
        expect(blocked).toEqual([]);
        // Only the document itself (when the browser reports file loads at all).
        expect(requests.filter((request) => request !== url)).toEqual([]);
      } finally {
        await context.close();
      }
    });

    it('is readable with JavaScript off: tables, and a note where each chart would be', async () => {
      if (!browser) throw noBrowser();
      const context = await browser.newContext({ javaScriptEnabled: false });
      try {
        const page = await context.newPage();
        await page.goto(url);
        // 01: 4 targets + 1 failed run; 06: 2; 09: 2 variants; 05: 3.
        expect(await page.locator('table.results tbody tr').count()).toBe(12);
        await expect(page.locator('table.results').first().isVisible()).resolves.toBe(true);
        await expect(page.locator('p.noscript').isVisible()).resolves.toBe(true);
        await expect(page.locator('.chart .fallback').first().isVisible()).resolves.toBe(true);
        const cells = await page
          .locator('table.results tbody tr')
          .first()
          .locator('td')
          .allTextContents();
        expect(cells.slice(0, 3)).toEqual(['fastify', '3', '21,400']);
      } finally {
        await context.close();
      }
    });
  },
);
