/**
 * Fills the "Latest results" of the scenario pages from a run report: for every scenario the run
 * holds, the text between `<!-- figures:<scenario>:start -->` and `<!-- figures:<scenario>:end -->`
 * in docs/scenarios/*.md becomes the run (id, date, mode, the command that repeats it), the
 * machine, the rankings with their verdicts and the claims. `--readme` also fills README.md's
 * `figures:readme` section with one line per ranking (`--readme-section <name>`: the README's
 * `figures:<name>` section instead, for a second run beside the first). Text outside the markers is never touched,
 * and the same run written twice changes nothing. Sections are written as Biome formats them, so
 * `pnpm check` stays clean.
 *
 * Several runs may be given: a scenario that more than one of them measured gets each run's
 * figures in turn (the README's summary comes from the first run). `--only <id,…>` fills only
 * those scenarios' sections.
 *
 *   node scripts/docs-figures.ts <run.json>… [--readme] [--readme-section <name>] [--root <checkout>]
 *
 * Exit codes: 0 done, 1 a page's markers are malformed, 2 a wrong argument or a file that is not
 * a run report.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../src/launcher/registry.ts';
import { writeFileAtomic } from '../src/report/atomic-file.ts';
import { formatWithBiome, parseDocsArgs, runDocsCommand } from '../src/report/docs-cli.ts';
import { type DocFile, fillPages, fillReadme } from '../src/report/docs-figures.ts';

const USAGE =
  'Usage: node scripts/docs-figures.ts <run.json>… [--readme] [--readme-section <name>] [--only <scenario,…>] [--root <checkout>]';
const PAGES = 'docs/scenarios';

runDocsCommand('docs-figures', () => {
  const args = parseDocsArgs(
    process.argv.slice(2),
    { flags: ['--readme'], values: ['--root', '--readme-section', '--only'], several: true },
    USAGE,
  );
  const root = resolve(args.values.get('--root') ?? REPO_ROOT);
  const read = (path: string): DocFile => ({ path, text: readFileSync(join(root, path), 'utf8') });
  const pages = readdirSync(join(root, PAGES))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => read(`${PAGES}/${name}`));
  const only = args.values
    .get('--only')
    ?.split(',')
    .map((id) => id.trim());
  const filled = fillPages(args.reports, pages, formatWithBiome, only);
  const changed = [...filled.changed];
  const section = args.values.get('--readme-section');
  if (args.flags.has('--readme') || section !== undefined) {
    const readme = read('README.md');
    const text = fillReadme(args.report, readme, filled.pages, formatWithBiome, section);
    if (text !== readme.text) changed.push({ path: readme.path, text });
  }
  for (const file of changed) {
    writeFileAtomic(join(root, file.path), file.text);
    console.log(`updated ${file.path}`);
  }
  if (changed.length === 0)
    console.log(
      `nothing to update: the pages already show run ${args.reports.map((r) => r.runId).join(', ')}`,
    );
  if (filled.withoutPage.length > 0) {
    console.log(`scenarios of the run without a page: ${filled.withoutPage.join(', ')}`);
  }
});
