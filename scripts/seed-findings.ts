/**
 * The original lab's headline claims beside this lab's verdicts from one run: FastAPI vs Django
 * on 01, 03 and 08, FastAPI vs its strict clean-architecture twin on 01, Flask vs Django, and
 * where the Node and Go targets stand on those scenarios (src/report/seed-findings.ts).
 *
 *   node scripts/seed-findings.ts reports/latest.json > docs/seed-findings.md
 *   node scripts/seed-findings.ts reports/latest.json --out docs/seed-findings.md
 *   node scripts/seed-findings.ts reports/latest.json --settings reports/run-….json --out …
 *
 * `--settings`: a run that ranked fastapi as the original ran it (scripts/original_fastapi.py, an
 * external target named fastapi-as-original) beside fastapi and django, for the section on what
 * the original's settings explain.
 *
 * Exit code 2 on a wrong argument or a file that is not a run report.
 */
import { writeFileAtomic } from '../src/report/atomic-file.ts';
import { formatWithBiome, parseDocsArgs, runDocsCommand } from '../src/report/docs-cli.ts';
import { loadRunReport } from '../src/report/load.ts';
import { renderSeedFindings } from '../src/report/seed-findings.ts';

const USAGE =
  'Usage: node scripts/seed-findings.ts <run.json> [--settings <run.json>] [--out <file>]';

runDocsCommand('seed-findings', () => {
  const args = parseDocsArgs(process.argv.slice(2), { values: ['--out', '--settings'] }, USAGE);
  // Formatted as `pnpm check` wants it, wherever the page is written.
  const settingsFile = args.values.get('--settings');
  const settings = settingsFile ? loadRunReport(settingsFile) : undefined;
  const page = formatWithBiome(renderSeedFindings(args.report, settings), 'docs/seed-findings.md');
  const out = args.values.get('--out');
  if (out) {
    writeFileAtomic(out, page);
    console.log(`wrote ${out} from run ${args.report.runId}`);
  } else process.stdout.write(page);
});
