import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../report/atomic-file.ts';
import type { RunComparison } from '../report/compare-types.ts';
import type { RunReport } from '../report/types.ts';

/**
 * The HTML report renderer (src/report/html.ts), loaded on demand: the CLI works — Markdown,
 * exit codes — in a checkout that does not have it, and says so instead of failing.
 */
export type RenderHtml = (
  report: RunReport,
  options?: { comparison?: RunComparison },
) => string | Promise<string>;

const HTML_MODULE = new URL('../report/html.ts', import.meta.url);

export async function loadRenderHtml(): Promise<RenderHtml | { unavailable: string }> {
  if (!existsSync(fileURLToPath(HTML_MODULE))) {
    return { unavailable: 'the HTML renderer (src/report/html.ts) is not part of this version' };
  }
  // A variable specifier: the type checker must not require the module to exist.
  const specifier = HTML_MODULE.href;
  const module = (await import(specifier)) as { renderHtml?: unknown };
  if (typeof module.renderHtml !== 'function') {
    return { unavailable: 'src/report/html.ts does not export renderHtml()' };
  }
  return module.renderHtml as RenderHtml;
}

/** Writes the HTML for a report (and comparison) to `file`; the reason when it cannot. */
export async function writeHtml(
  file: string,
  report: RunReport,
  comparison?: RunComparison,
): Promise<{ written: true } | { written: false; reason: string }> {
  const render = await loadRenderHtml();
  if (typeof render !== 'function') return { written: false, reason: render.unavailable };
  const html = await render(report, comparison ? { comparison } : {});
  writeFileAtomic(file, html);
  return { written: true };
}
