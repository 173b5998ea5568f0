import type { FamilyRun } from '../load/ranking-run.ts';
import type { PairVerdict } from '../stats/family.ts';
import { markerNames, replaceSection } from './doc-markers.ts';
import {
  comparisonLines,
  duration,
  environmentTable,
  errorControlLine,
  inline,
  rankingLines,
  scenarioTables,
} from './markdown.ts';
import { pairOf } from './ranking-text.ts';
import { shellWord } from './shell.ts';
import type { RankingData, RunReport } from './types.ts';

/**
 * The figures of the scenario pages (docs/scenarios/*.md) and of the README's summary, from one
 * run report: every figure on those pages comes from a run, named with its machine and the
 * command that repeats it. Rankings and claims are printed by the report's own Markdown helpers,
 * so a page reads like the run's report.
 */

/** A Markdown file: its path (relative to the repository, for links) and its text. */
export interface DocFile {
  path: string;
  text: string;
}

/** Scenarios a run holds figures for (rankings, comparisons, results), in order of appearance. */
export function runScenarios(report: RunReport): string[] {
  return [
    ...new Set([
      ...(report.rankings ?? []).map((r) => r.ranking.scenario),
      ...report.comparisons.map((c) => c.scenario),
      ...report.results.map((r) => r.result.scenario),
    ]),
  ];
}

/** Set by the lab for its own bookkeeping (the suites sharing α): no setting of the user's. */
const LAB_MECHANICS = new Set(['LAB_VERDICT_SUITES']);

/** `2026-11-25 11:13 UTC` */
function when(iso: string): string {
  return Number.isNaN(Date.parse(iso)) ? iso : `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** `run 2026-… (started 2026-11-25 11:13 UTC, took 12 min 34 s), full mode, git 53aceb789cd9 on main` */
export function runSummary(report: RunReport): string {
  const { config, git } = report.environment;
  const mode = config.quick ? 'quick mode (LAB_QUICK=1)' : 'full mode';
  const sha = git.sha
    ? `, git ${git.sha.slice(0, 12)}${git.branch ? ` on ${git.branch}` : ''}${git.dirty ? ' with uncommitted changes' : ''}`
    : '';
  return `run \`${report.runId}\` (started ${when(report.startedAt)}, ${duration(report.startedAt, report.finishedAt)}), ${mode}${sha}`;
}

/**
 * The command that measures `scenario` again as `suite` did, from the settings the run recorded
 * (LAB_* and the few others the environment keeps), for this one scenario and suite. The whole
 * run's command line, with `lab run` options that set no variable (--rounds, --model, --rate,
 * --warmup), is in the machine table (`environment.command`, since 2026-12-05).
 */
export function repeatCommand(report: RunReport, suite: string, scenario: string): string {
  const settings = Object.entries(report.environment.config.env).filter(
    ([name]) => !LAB_MECHANICS.has(name),
  );
  const prefix = (list: Array<[string, string]>) =>
    list.map(([name, value]) => `${name}=${shellWord(value)}`);
  if (suite.startsWith('lab run')) {
    const options = [`--scenario ${scenario}`];
    const rest = settings.filter(([name, value]) => {
      if (name === 'LAB_TARGETS') options.push(`--target ${shellWord(value)}`);
      else if (name === 'LAB_ENGINE') {
        if (value !== 'inprocess') options.push(`--engine ${shellWord(value)}`);
      } else return true;
      return false;
    });
    return [...prefix(rest), 'pnpm lab run', ...options].join(' ');
  }
  return [...prefix(settings), `pnpm vitest bench --run ${suite}.bench.ts`].join(' ');
}

/** Suites that recorded something for the scenario, in order of appearance. */
export function suitesOf(report: RunReport, scenario: string): string[] {
  return [
    ...new Set([
      ...rankingsOf(report, scenario).map((r) => r.suite),
      ...report.comparisons.filter((c) => c.scenario === scenario).map((c) => c.suite),
      ...report.results.filter((r) => r.result.scenario === scenario).map((r) => r.suite),
    ]),
  ];
}

function rankingsOf(report: RunReport, scenario: string) {
  return (report.rankings ?? []).filter((r) => r.ranking.scenario === scenario);
}

/**
 * A scenario's "latest results": the run and how to repeat it, the machine, every ranking of the
 * scenario (table, verdicts, error control), its claims, and its measurements folded away.
 */
export function scenarioFigures(report: RunReport, scenario: string): string {
  const out = [`From ${runSummary(report)}. Measured by:`, ''];
  for (const suite of suitesOf(report, scenario)) {
    out.push(`- \`${suite}\` — again: \`${repeatCommand(report, suite, scenario)}\``);
  }
  out.push('', '**Machine**', '', environmentTable(report.environment), '');
  const control = errorControlLine(report);
  if (control) out.push(control, '');
  // Run-wide warnings, less those about the run's other scenarios only.
  const others = runScenarios(report).filter((s) => s !== scenario);
  const warnings = report.warnings.filter(
    (w) => w.includes(scenario) || !others.some((other) => w.includes(other)),
  );
  if (warnings.length > 0) {
    out.push('Run warnings:', '', ...warnings.map((w) => `- ⚠️ ${inline(w)}`), '');
  }
  for (const stored of rankingsOf(report, scenario)) out.push(...rankingLines(stored.ranking));
  const comparisons = report.comparisons.filter((c) => c.scenario === scenario);
  if (comparisons.length > 0) {
    out.push('**Claims and comparisons**', '');
    for (const c of comparisons) out.push(...comparisonLines(c));
    out.push('');
  }
  const tables = scenarioTables(report, scenario);
  if (tables.length > 0) {
    out.push(
      '<details><summary>Every measurement of this scenario in the run</summary>',
      '',
      ...tables,
      '</details>',
    );
  }
  return out.join('\n');
}

/** `>1.25×` faster by that ratio, `≈` no difference, `<` slower, `?` not decided. */
function step(pair: PairVerdict | undefined): string {
  if (!pair) return '?';
  const ratio = Number.isFinite(pair.ratio) ? `${pair.ratio.toFixed(2)}×` : '';
  switch (pair.verdict) {
    case 'faster':
      return `>${ratio}`;
    case 'slower':
      return `<${ratio}`;
    case 'no-difference':
      return '≈';
    default:
      return '?';
  }
}

/** The targets in ranked order with the verdict of each adjacent pair between them. */
export function orderLine(family: FamilyRun): string {
  return family.ranking
    .map((row, k) => {
      const name = `${row.target}${row.undecidable ? ' ⚠️' : ''}`;
      const above = family.ranking[k - 1];
      return above ? `${step(pairOf(family, above.target, row.target))} ${name}` : name;
    })
    .join(' ');
}

export function familyLabel(family: FamilyRun): string {
  return family.phase === 'throughput'
    ? 'throughput'
    : `median latency at ${family.ratePerSecond?.toLocaleString('en-US') ?? '?'} req/s`;
}

function rankingSummary(run: RankingData): string {
  return run.families.map((f) => `${familyLabel(f)}: ${orderLine(f)}`).join('; ');
}

/**
 * The README's cross-scenario summary: one line per ranking (scenario, and variant when it has
 * one) with the order of the targets and the adjacent verdicts, one per scenario for its claims.
 * `pageOf` links a scenario to its page.
 */
export function readmeSummary(
  report: RunReport,
  pageOf: (scenario: string) => string | undefined,
): string {
  const env = report.environment;
  const out = [
    `From ${runSummary(report)},`,
    `on ${env.cpu.model} (${env.cpu.logicalCores} logical cores), Node.js ${env.node.version}.`,
    '`>1.25×`: faster than the next by that ratio (of throughputs, or of median latencies',
    'inverted); `≈`: no difference within the margin; `?`: not decided; ⚠️: a target the',
    'verdicts could not rank (see its page).',
    '',
  ];
  for (const scenario of runScenarios(report)) {
    const page = pageOf(scenario);
    const name = page ? `[${scenario}](${page})` : scenario;
    for (const { ranking } of rankingsOf(report, scenario)) {
      out.push(
        `- ${name}${ranking.variant ? ` ${ranking.variant}` : ''} — ${rankingSummary(ranking)}`,
      );
    }
    const claims = report.comparisons.filter((c) => c.scenario === scenario && c.claim);
    if (claims.length > 0) {
      const count = (status: string) => claims.filter((c) => c.claim?.status === status).length;
      out.push(
        `- ${name} — claims: ${count('passed')} passed, ${count('failed')} failed, ${count('unconfirmed')} unconfirmed`,
      );
    }
  }
  return out.join('\n');
}

export interface FilledPages {
  /** The pages whose text changed, with their new text. */
  changed: DocFile[];
  /** Scenario → the page that shows it (every marked page, filled or not). */
  pages: Map<string, string>;
  /** Scenarios of the run that no page marks. */
  withoutPage: string[];
}

/** Puts a generated section in the repository's canonical form (the formatter `pnpm check` runs). */
export type FormatSection = (markdown: string, path: string) => string;

/**
 * Fills every marked section of `files` whose scenario the runs hold; leaves the others. A
 * scenario measured by several of the runs (e.g. its in-process suite in one, its HTTP suite with
 * more targets in another) gets each run's figures, in the order the runs are given. `only`
 * limits the filling to those scenarios.
 */
export function fillPages(
  reports: RunReport | readonly RunReport[],
  files: readonly DocFile[],
  format: FormatSection = (markdown) => markdown,
  only?: readonly string[],
): FilledPages {
  const runs = Array.isArray(reports) ? reports : [reports as RunReport];
  const holding = (name: string) => runs.filter((run) => runScenarios(run).includes(name));
  const inRun = new Set(runs.flatMap(runScenarios).filter((name) => !only || only.includes(name)));
  const pages = new Map<string, string>();
  const changed: DocFile[] = [];
  for (const file of files) {
    let text = file.text;
    for (const name of markerNames(file.text)) {
      if (!pages.has(name)) pages.set(name, file.path);
      if (inRun.has(name)) {
        const sections = holding(name).map((run) => scenarioFigures(run, name));
        const figures = format(sections.join('\n\n'), file.path);
        text = replaceSection(text, name, figures, file.path);
      }
    }
    if (text !== file.text) changed.push({ path: file.path, text });
  }
  return { changed, pages, withoutPage: [...inRun].filter((s) => !pages.has(s)) };
}

/**
 * The README with its `figures:readme` section (or `figures:<section>`, for a second run shown
 * beside the first) filled; links are relative to the README.
 */
export function fillReadme(
  report: RunReport,
  readme: DocFile,
  pages: Map<string, string>,
  format: FormatSection = (markdown) => markdown,
  section = 'readme',
): string {
  const summary = readmeSummary(report, (scenario) => pages.get(scenario));
  return replaceSection(readme.text, section, format(summary, readme.path), readme.path);
}
