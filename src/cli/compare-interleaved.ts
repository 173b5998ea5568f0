import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InfraUnavailableError } from '../infra/errors.ts';
import { startLab } from '../infra/lab.ts';
import { disposeSpec, type ProviderSpec, selectProvider } from '../infra/select-provider.ts';
import { discoverTargets, getTarget, type TargetDefinition } from '../launcher/registry.ts';
import { runAlpha } from '../load/alpha.ts';
import { budgetSeconds, type FamilyRun, runRanking } from '../load/ranking-run.ts';
import { createCollector } from '../report/collector.ts';
import { beginRun, finalizeMessage, finalizeRun } from '../report/run-report.ts';
import type { ScenarioDefinition } from '../scenarios/index.ts';
import type { PairVerdict } from '../stats/family.ts';
import { parseFraction } from './compare.ts';
import { EXIT, setupError, usageError } from './errors.ts';
import { textTable } from './format.ts';
import { requireBuilt, selectScenarios, selectTargets, splitList } from './select.ts';

/**
 * `lab compare --base <checkout>`: base and head measured in ONE run, interleaved — for every
 * scenario × target, the base checkout's build of the target and this checkout's are ranked
 * against each other block by block (100-ms turns, fresh processes every block), so drift of the
 * machine and of the runner VM reaches both alike. A row is a regression when head is slower
 * than base by more than the threshold with its whole interval (`slower` with minRatio
 * 1 + threshold), an improvement when faster by more, the same when within ±threshold.
 * Multiplicity: the run's α is split over the rows (Bonferroni), so P(any false regression
 * among all rows) ≤ α. Exit 1 on a regression, 0 otherwise, 2 on usage errors.
 *
 * The PR recipe (.github/workflows/bench-pr.yml) checks out main into base/ and runs this from
 * the pull request's checkout. An A/A run (base = a copy of head) must flag nothing.
 */
export interface InterleavedCompareOptions {
  base: string;
  scenario?: string[];
  target?: string[];
  threshold?: string;
  budget?: string;
  quick?: boolean;
  out?: string;
  markdown?: string;
}

export interface CompareRow {
  scenario: string;
  target: string;
  verdict: 'regression' | 'improvement' | 'same' | 'inconclusive';
  /** head over base: > 1 = head faster. */
  ratio: number;
  lower: number;
  upper: number;
  blocks: number;
  alpha: number;
  note?: string;
}

/** The base checkout's definition of a target, renamed `<name>@base` (this one's `@head`). */
export function baseDefinition(baseRoot: string, name: string): TargetDefinition {
  const found = discoverTargets(join(baseRoot, 'src/targets'), baseRoot).find(
    (t) => t.name === name,
  );
  if (!found) throw usageError(`target ${name} does not exist in the base checkout ${baseRoot}.`);
  return { ...found, name: `${name}@base` };
}

/** head-over-base verdict of a row from the family's only pair. */
export function rowOf(scenario: string, target: string, family: FamilyRun): CompareRow {
  const pair = family.pairs[0] as PairVerdict;
  // Orient as head over base.
  const headFirst = pair.a.endsWith('@head');
  const ratio = headFirst ? pair.ratio : 1 / pair.ratio;
  const lower = headFirst ? pair.lower : 1 / pair.upper;
  const upper = headFirst ? pair.upper : 1 / pair.lower;
  const verdict = headFirst ? pair.verdict : flip(pair.verdict);
  return {
    scenario,
    target,
    verdict:
      verdict === 'slower'
        ? 'regression'
        : verdict === 'faster'
          ? 'improvement'
          : verdict === 'no-difference'
            ? 'same'
            : 'inconclusive',
    ratio,
    lower,
    upper,
    blocks: family.blocks,
    alpha: family.alpha,
    ...(pair.note ? { note: pair.note } : {}),
  };
}

function flip(v: PairVerdict['verdict']): PairVerdict['verdict'] {
  return v === 'faster' ? 'slower' : v === 'slower' ? 'faster' : v;
}

export function renderRows(rows: CompareRow[], threshold: number, alpha: number): string {
  const regressions = rows.filter((r) => r.verdict === 'regression').length;
  const icon = { regression: '❌', improvement: '✅', same: '=', inconclusive: '❔' } as const;
  return [
    `## Benchmark comparison (interleaved, one run): ${regressions === 0 ? 'no regression' : `${regressions} regression${regressions === 1 ? '' : 's'}`}`,
    '',
    `${rows.length} rows; a regression is head slower than base by more than ${Math.round(threshold * 100)}% with the whole interval; ` +
      `family-wise α = ${alpha} over all rows (α/${rows.length} each): P(any false regression) ≤ ${alpha}.`,
    '',
    '| Scenario | Target | Verdict | Throughput head ÷ base | Interval | Blocks |',
    '| --- | --- | --- | ---: | --- | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.target} | ${icon[r.verdict]} ${r.verdict}${r.note ? ` (${r.note})` : ''} | ${r.ratio.toFixed(3)}× | [${r.lower.toFixed(3)}, ${r.upper.toFixed(3)}] | ${r.blocks} |`,
    ),
    '',
  ].join('\n');
}

export async function interleavedCompareCommand(
  options: InterleavedCompareOptions,
  io: { out: (text: string) => void; err: (line: string) => void; env?: NodeJS.ProcessEnv },
): Promise<number> {
  const env = io.env ?? process.env;
  const baseRoot = resolve(options.base);
  if (!existsSync(join(baseRoot, 'src/targets'))) {
    throw usageError(`--base ${options.base}: not a checkout of the lab (no src/targets there).`);
  }
  const threshold = parseFraction('threshold', options.threshold ?? '0.05', '(0,1)');
  if (options.quick) env.LAB_QUICK = '1';
  if (options.budget !== undefined) env.LAB_BUDGET = options.budget;
  let budget: number;
  let alpha: number;
  try {
    budget = budgetSeconds(env);
    alpha = runAlpha(env);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const scenarios: ScenarioDefinition[] = selectScenarios(splitList(options.scenario), 'inprocess');
  const targets = selectTargets(splitList(options.target));
  requireBuilt(targets);
  const pairs = scenarios.flatMap((scenario) =>
    targets.map((target) => ({ scenario, target: target.name })),
  );
  const rowAlpha = alpha / pairs.length;
  // Fail fast on a target the base checkout lacks or has not built.
  const bases = new Map(targets.map((t) => [t.name, baseDefinition(baseRoot, t.name)]));
  requireBuilt([...bases.values()]);
  env.LAB_VERDICT_SUITES = String(pairs.length);
  io.err(
    `lab compare: ${pairs.length} rows (${scenarios.map((s) => s.id).join(', ')} × ${targets.map((t) => t.name).join(', ')}), base ${baseRoot}, head this checkout; ` +
      `threshold ${Math.round(threshold * 100)}%, budget ${budget} s per row, α ${alpha} over all rows`,
  );

  let spec: ProviderSpec | undefined;
  const rows: CompareRow[] = [];
  const run = beginRun({ env, ...(options.out ? { reportsDir: resolve(options.out) } : {}) });
  const collector = createCollector(run.runDir);
  try {
    try {
      spec = await selectProvider({ env });
    } catch (error) {
      if (error instanceof InfraUnavailableError) throw setupError(error.message);
      throw error;
    }
    for (const scenario of scenarios) {
      const lab = await startLab({ fixtures: [...new Set(['users', ...scenario.fixtures])], spec });
      try {
        for (const target of targets) {
          const head = { ...getTarget(target.name), name: `${target.name}@head` };
          const base = bases.get(target.name) as TargetDefinition;
          io.err(`[compare] ${scenario.id} ${target.name}: base vs head…`);
          const ranking = await runRanking({
            scenario,
            targets: [base, head],
            lab,
            engine: 'inprocess',
            alpha: rowAlpha,
            budgetSeconds: budget,
            phases: ['throughput'],
            minRatio: 1 + threshold,
            equivalenceMargin: 1 + threshold,
            log: (line) => io.err(line),
            onResult: (result) => collector.recordResult(result, { suite: 'lab compare' }),
          });
          collector.recordRanking(ranking, { suite: 'lab compare' });
          const family = ranking.families[0];
          if (!family) throw new Error(`${scenario.id} ${target.name}: nothing was measured`);
          const row = rowOf(scenario.id, target.name, family);
          rows.push(row);
          io.err(
            `[compare] ${scenario.id} ${target.name}: ${row.verdict}, head ÷ base ${row.ratio.toFixed(3)} [${row.lower.toFixed(3)}, ${row.upper.toFixed(3)}] after ${row.blocks} blocks`,
          );
        }
      } finally {
        await lab.stop();
      }
    }
  } finally {
    if (spec) disposeSpec(spec);
    const outcome = finalizeRun(
      run.runDir,
      options.out ? { reportsDir: resolve(options.out) } : {},
    );
    if (outcome) io.err(finalizeMessage(outcome));
  }
  const markdown = renderRows(rows, threshold, alpha);
  io.out(markdown);
  if (options.markdown) writeFileSync(options.markdown, markdown);
  if (env.GITHUB_STEP_SUMMARY) {
    writeFileSync(env.GITHUB_STEP_SUMMARY, markdown, { flag: 'a' });
  }
  io.err(
    textTable([
      ['rows', 'regressions'],
      [String(rows.length), String(rows.filter((r) => r.verdict === 'regression').length)],
    ]),
  );
  return rows.some((r) => r.verdict === 'regression') ? EXIT.failed : EXIT.ok;
}
