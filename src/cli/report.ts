import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../report/atomic-file.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { EXIT } from './errors.ts';
import { writeHtml } from './html.ts';
import { loadResults } from './load.ts';

/**
 * `lab report <results.json> [--out DIR]`: rebuilds the Markdown and HTML reports from a run's
 * JSON — next to it (`run-….json` → `run-….md`, `run-….html`) or into DIR.
 */
export interface ReportCommandOptions {
  out?: string;
}

export async function reportCommand(
  file: string,
  options: ReportCommandOptions,
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const report = loadResults(file);
  const dir = options.out ? resolve(options.out) : dirname(resolve(file));
  mkdirSync(dir, { recursive: true });
  const base = join(dir, basename(file).replace(/\.json$/i, ''));
  const markdown = `${base}.md`;
  writeFileAtomic(markdown, renderMarkdown(report));
  io.out(`Markdown: ${markdown}`);
  const html = `${base}.html`;
  try {
    const written = await writeHtml(html, report);
    if (written.written) io.out(`HTML: ${html}`);
    else io.err(`HTML: not written — ${written.reason}`);
  } catch (error) {
    io.err(`HTML: not written — ${(error as Error).message.split('\n')[0]}`);
  }
  return EXIT.ok;
}
