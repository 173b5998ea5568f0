import { appendFileSync } from 'node:fs';
import { writeFileAtomic } from '../report/atomic-file.ts';
import { compareRuns, renderComparisonMarkdown } from '../report/compare.ts';
import type { MetricName } from '../stats/metric.ts';
import { EXIT, usageError } from './errors.ts';
import { writeHtml } from './html.ts';
import { loadResults } from './load.ts';

/**
 * `lab compare <base.json> <head.json>`: the Markdown comparison on stdout (and appended to
 * $GITHUB_STEP_SUMMARY when set), optionally written to a file and into the HTML report of the
 * head run; exit 1 when a row is a significant regression beyond the threshold, else 0 — a CI
 * job gates a pull request with it:
 *
 *   pnpm lab compare main/latest.json reports/latest.json --threshold 0.05 --html compare.html
 */
export interface CompareCommandOptions {
  threshold?: string;
  confidence?: string;
  metric?: string;
  html?: string;
  out?: string;
}

export const METRICS: readonly MetricName[] = ['throughput', 'median', 'mean', 'p90', 'p95', 'p99'];

/** `0.05`, `5%`. */
export function parseFraction(name: string, text: string, range: '[0,1)' | '(0,1)'): number {
  const trimmed = text.trim();
  const value = trimmed.endsWith('%') ? Number(trimmed.slice(0, -1)) / 100 : Number(trimmed);
  const ok =
    trimmed !== '' &&
    Number.isFinite(value) &&
    (range === '[0,1)' ? value >= 0 && value < 1 : value > 0 && value < 1);
  if (!ok) {
    throw usageError(
      `--${name} must be a fraction in ${range} such as 0.05 or 5%, got ${JSON.stringify(text)}.`,
    );
  }
  return value;
}

export async function compareCommand(
  baseFile: string,
  headFile: string,
  options: CompareCommandOptions,
  io: { out: (text: string) => void; err: (line: string) => void; env?: NodeJS.ProcessEnv },
): Promise<number> {
  const env = io.env ?? process.env;
  const threshold = parseFraction('threshold', options.threshold ?? '0.05', '[0,1)');
  const confidence = parseFraction('confidence', options.confidence ?? '0.95', '(0,1)');
  if (options.metric !== undefined && !METRICS.includes(options.metric as MetricName)) {
    throw usageError(
      `Unknown metric ${JSON.stringify(options.metric)}. Valid metrics: ${METRICS.join(', ')}.`,
    );
  }
  const base = loadResults(baseFile);
  const head = loadResults(headFile);
  const comparison = compareRuns(base, head, {
    threshold,
    confidence,
    files: { base: baseFile, head: headFile },
    ...(options.metric ? { metric: options.metric as MetricName } : {}),
  });
  const markdown = renderComparisonMarkdown(comparison);
  io.out(markdown);
  if (options.out) {
    writeFileAtomic(options.out, markdown);
    io.err(`Markdown: ${options.out}`);
  }
  const summary = env.GITHUB_STEP_SUMMARY?.trim();
  if (summary) appendFileSync(summary, `\n${markdown}`);
  if (options.html) {
    try {
      const written = await writeHtml(options.html, head, comparison);
      io.err(written.written ? `HTML: ${options.html}` : `HTML: not written — ${written.reason}`);
    } catch (error) {
      io.err(`HTML: not written — ${(error as Error).message}`);
    }
  }
  if (comparison.regressions > 0) {
    io.err(
      `lab compare: ${comparison.regressions} significant regression${comparison.regressions === 1 ? '' : 's'} beyond ${Number((threshold * 100).toFixed(2))}% (exit 1)`,
    );
    return EXIT.failed;
  }
  return EXIT.ok;
}
