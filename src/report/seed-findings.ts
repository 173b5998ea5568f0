import { TARGETS } from '../launcher/registry.ts';
import type { FamilyRun } from '../load/ranking-run.ts';
import type { PairVerdict } from '../stats/family.ts';
import { familyLabel, repeatCommand, runSummary, suitesOf } from './docs-figures.ts';
import { environmentTable, errorControlLine, table, verdictCell } from './markdown.ts';
import { formatValue, pairOf } from './ranking-text.ts';
import type { RunReport } from './types.ts';

/**
 * docs/seed-findings.md: the original lab's headline claims beside this lab's verdicts from one
 * run. A claim's verdict is the run's own pair verdict (Holm across every pair of the ranking),
 * oriented as the claim states it; a pair the run did not measure says so.
 */

interface SeedClaim {
  scenario: string;
  /** Oriented as the claim: "a faster than b". */
  a: string;
  b: string;
  /** What the original published, in its words. */
  original: string;
  /** The original's ratio a/b (a range when it gave one), comparable with closed-model throughput. */
  ratio?: [number, number];
  /** A measurement of this lab's own (what a setting costs), not a claim of the original. */
  ownMeasurement?: true;
}

/** The three scenarios the original's framework claims are about. */
const SCENARIOS = ['01-lightweight', '03-db-read', '08-concurrent-mixed'] as const;

const HEADLINES: readonly SeedClaim[] = [
  {
    scenario: '01-lightweight',
    a: 'fastapi',
    b: 'django',
    original: 'FastAPI 7–9× faster',
    ratio: [7, 9],
  },
  {
    scenario: '03-db-read',
    a: 'django',
    b: 'fastapi',
    original: 'Django 1.6× faster',
    ratio: [1.6, 1.6],
  },
  {
    scenario: '08-concurrent-mixed',
    a: 'fastapi',
    b: 'django',
    original: 'FastAPI 1.4× faster',
    ratio: [1.4, 1.4],
  },
  {
    scenario: '01-lightweight',
    a: 'fastapi',
    b: 'fastapi-strict',
    original: 'the strict (clean) architecture costs 10–17% on lightweight endpoints',
  },
];

const FLASK: readonly SeedClaim[] = SCENARIOS.map((scenario) => ({
  scenario,
  a: 'flask',
  b: 'django',
  original: 'none (Flask was planned, never measured)',
}));

const PYTHON_REFERENCES = ['fastapi', 'django'] as const;

/** The external target of scripts/original_fastapi.py: the fastapi target as the original ran it. */
export const AS_ORIGINAL = 'fastapi-as-original';

/** What the original's FastAPI settings cost, and its claims re-tested with those settings. */
const SETTINGS_CLAIMS: readonly SeedClaim[] = [
  {
    scenario: '01-lightweight',
    a: 'fastapi',
    b: AS_ORIGINAL,
    original: 'production settings vs the original’s',
    ownMeasurement: true,
  },
  {
    scenario: '03-db-read',
    a: 'fastapi',
    b: AS_ORIGINAL,
    original: 'production settings vs the original’s',
    ownMeasurement: true,
  },
  { ...(HEADLINES[0] as SeedClaim), a: AS_ORIGINAL },
  { ...(HEADLINES[1] as SeedClaim), b: AS_ORIGINAL },
];

export const ORIGINAL_SKEWS: readonly string[] = [
  'every figure is one 30-s k6 run (10 VUs, closed model) with no interval and no repetition, so the machine’s drift and the process-to-process spread are inside every ratio;',
  'its FastAPI app logged every SQL statement (SQLAlchemy echo) and ran under auto-reload (`--reload`);',
  'its data were not seeded deterministically, so two runs did not read the same rows;',
  'its k6 checks never failed a run: a target answering errors still produced a figure.',
];

/** Families of the scenario's rankings (no variant) that measured both targets. */
function familiesWith(
  report: RunReport,
  scenario: string,
  targets: readonly string[],
): FamilyRun[] {
  return (report.rankings ?? [])
    .filter((r) => r.ranking.scenario === scenario && !r.ranking.variant)
    .flatMap((r) => r.ranking.families)
    .filter((f) => targets.every((t) => f.ranking.some((row) => row.target === t)));
}

const percent = (x: number): string =>
  Number.isFinite(x) ? `${Number((x * 100).toPrecision(2))}%` : '—';

/** Where the original's ratio falls against this run's interval (closed-model throughput only). */
function magnitude(claim: SeedClaim, family: FamilyRun, pair: PairVerdict): string {
  if (!claim.ratio) return '';
  if (family.phase !== 'throughput') return ' (its ratio compares with throughput only)';
  if (!Number.isFinite(pair.lower) || !Number.isFinite(pair.upper)) return '';
  const [low, high] = claim.ratio;
  const said = low === high ? `${low}×` : `${low}–${high}×`;
  if (low > pair.upper) return `; its ${said} lies above this interval`;
  if (high < pair.lower) return `; its ${said} lies below this interval`;
  return low >= pair.lower && high <= pair.upper
    ? `; its ${said} lies inside this interval`
    : `; its ${said} overlaps this interval`;
}

const DIRECTION: Record<PairVerdict['verdict'], string> = {
  faster: 'agrees',
  slower: 'contradicts: the other way round',
  'no-difference': 'contradicts: no difference',
  inconclusive: 'not decided',
};

function claimRows(report: RunReport, claims: readonly SeedClaim[]): string[][] {
  const rows = [
    [
      'Scenario',
      'Comparison',
      'Original',
      'This run',
      'Verdict (ratio, interval)',
      'Holm level',
      'Against the original',
    ],
  ];
  for (const claim of claims) {
    const head = [claim.scenario, `${claim.a} vs ${claim.b}`, claim.original];
    const families = familiesWith(report, claim.scenario, [claim.a, claim.b]);
    if (families.length === 0) rows.push([...head, 'not measured in this run', '', '', '']);
    for (const family of families) {
      const pair = pairOf(family, claim.a, claim.b);
      if (!pair) {
        rows.push([...head, familyLabel(family), 'no verdict recorded for this pair', '', '']);
        continue;
      }
      const decided = pair.decidedAt
        ? `, decided at block ${pair.decidedAt}`
        : `, ${pair.blocks} blocks`;
      rows.push([
        ...head,
        familyLabel(family),
        `${verdictCell(pair)}${decided}`,
        percent(pair.level),
        claim.ownMeasurement
          ? '— (no claim: what the settings cost)'
          : `${DIRECTION[pair.verdict]}${magnitude(claim, family, pair)}`,
      ]);
    }
  }
  return rows;
}

/** Language, framework and server of a target as the run recorded them (else its manifest). */
function describeTarget(
  report: RunReport,
  target: string,
): { language: string; framework: string } {
  const meta = report.results.find(
    (r) => r.result.target === target && r.result.meta['target.language'],
  )?.result.meta;
  const manifest = TARGETS.find((t) => t.name === target);
  const language = String(meta?.['target.language'] ?? manifest?.language ?? 'unknown');
  const framework = meta
    ? `${meta['target.framework']} ${meta['target.frameworkVersion'] ?? ''}, ${meta['target.server']}, ${meta['target.workers']} worker(s)`
    : (manifest?.description ?? 'not recorded');
  return { language, framework };
}

/** Every target of the scenario's rankings with its verdicts against FastAPI and Django. */
function standings(report: RunReport, scenario: string): string[] {
  const families = familiesWith(report, scenario, []);
  if (families.length === 0) return [`**${scenario}**: not measured in this run.`, ''];
  const out: string[] = [];
  for (const family of families) {
    const value = family.phase === 'throughput' ? 'Throughput' : 'Median latency';
    const rows = [['Rank', 'Target', 'Language', value, 'vs fastapi', 'vs django']];
    for (const row of family.ranking) {
      const against = PYTHON_REFERENCES.map((ref) => {
        const pair = ref === row.target ? undefined : pairOf(family, row.target, ref);
        return pair ? verdictCell(pair) : '—';
      });
      rows.push([
        String(row.rank),
        `${row.target}${row.undecidable ? ' ⚠️' : ''}`,
        describeTarget(report, row.target).language,
        formatValue(row.estimate, family.phase),
        ...against,
      ]);
    }
    out.push(
      `**${scenario}**, ${familyLabel(family)}:`,
      '',
      table(rows, ['r', 'l', 'l', 'r', 'l', 'l']),
      '',
    );
  }
  return out;
}

function targetsTable(report: RunReport): string {
  const names = [
    ...new Set(
      SCENARIOS.flatMap((s) =>
        familiesWith(report, s, []).flatMap((f) => f.ranking.map((r) => r.target)),
      ),
    ),
  ];
  const rows = [['Target', 'Language', 'As run']];
  for (const name of names) {
    const { language, framework } = describeTarget(report, name);
    rows.push([name, language, framework]);
  }
  return names.length > 0 ? table(rows) : 'No ranking of 01, 03 or 08 in this run.';
}

/**
 * The section on the original's settings, from a run that ranked the external target
 * `fastapi-as-original` (scripts/original_fastapi.py) beside fastapi and django.
 */
function settingsSection(settings: RunReport): string[] {
  const commands = ['01-lightweight', '03-db-read'].flatMap((scenario) =>
    suitesOf(settings, scenario).map(
      (suite) => `- ${scenario}: \`${repeatCommand(settings, suite, scenario)}\``,
    ),
  );
  return [
    '## The original’s FastAPI settings, measured',
    '',
    'Where this lab and the original disagree, the first suspect is how the original ran FastAPI:',
    'SQLAlchemy echo on (every statement logged), uvicorn’s defaults (access log on, info level)',
    'and auto-reload. `scripts/original_fastapi.py` runs this lab’s `fastapi` target with exactly',
    `those settings; ${runSummary(settings)} ranked it as an external target (\`${AS_ORIGINAL}\`,`,
    'pinned by hand to the targets’ CPU, its process not sampled) beside `fastapi` and `django`.',
    'The first rows are what those settings cost; the last re-test the original’s claims with them.',
    '',
    ...(commands.length > 0
      ? [
          'To measure it again, with `scripts/original_fastapi.py` serving on port 8099 (its header says how):',
          '',
          ...commands,
          '',
        ]
      : []),
    table(claimRows(settings, SETTINGS_CLAIMS)),
    '',
    ...settingsConclusion(settings),
  ];
}

/** One generated sentence per re-tested claim: do the original's settings explain its figure? */
function settingsConclusion(settings: RunReport): string[] {
  const lines: string[] = [];
  for (const claim of SETTINGS_CLAIMS.filter((c) => !c.ownMeasurement)) {
    const family = familiesWith(settings, claim.scenario, [claim.a, claim.b]).find(
      (f) => f.phase === 'throughput',
    );
    const pair = family && pairOf(family, claim.a, claim.b);
    if (!pair || !claim.ratio) continue;
    const [low, high] = claim.ratio;
    const said = low === high ? `${low}×` : `${low}–${high}×`;
    const explained = pair.verdict === 'faster' && pair.lower <= high && pair.upper >= low;
    lines.push(
      `- ${claim.scenario}, “${claim.original}”: with the original’s FastAPI settings the throughput ratio is ${pair.ratio.toFixed(2)}× [${pair.lower.toFixed(2)}, ${pair.upper.toFixed(2)}] (${pair.verdict}); ${
        explained
          ? `its ${said} lies inside that interval, so these settings can explain it.`
          : `its ${said} lies outside that interval, so these settings do not explain it.`
      }`,
    );
  }
  return lines.length > 0
    ? [
        ...lines,
        '',
        'The original did not record how it ran Django (server, `DEBUG`, worker class), so that side',
        'is not reproduced here.',
        '',
      ]
    : [];
}

/** The whole page; `settings`, a run with the original's FastAPI settings measured, adds a section. */
export function renderSeedFindings(report: RunReport, settings?: RunReport): string {
  const commands = SCENARIOS.flatMap((scenario) =>
    suitesOf(report, scenario).map(
      (suite) => `- ${scenario}: \`${repeatCommand(report, suite, scenario)}\``,
    ),
  );
  const out = [
    '# The original lab’s findings, measured again',
    '',
    '<!-- Generated by `node scripts/seed-findings.ts <run.json>`: edit the generator, not this page. -->',
    '',
    'Backend Benchmark Lab began as another lab’s roadmap: a Python stack (FastAPI, FastAPI in a strict',
    'clean architecture, Django REST framework) in Docker, loaded by k6 with 10 virtual users for 30 s.',
    'It published a few headline comparisons. This page puts each beside what this lab decides from',
    'one run: the pair’s verdict from the scenario’s ranking (sampled in interleaved blocks until',
    'decided or out of budget, Holm across every pair of the ranking), oriented as the claim states',
    'it: _faster_ means the whole interval of the ratio lies at or above the ranking’s margin. The',
    'Holm level is the family-wise level at which that interval was computed. Throughput is the',
    'closed model at 10 connections, like the original’s 10 VUs; the median latency ranking is the',
    'open model at one rate for every target (half the slowest target’s throughput).',
    '',
    '## The run',
    '',
    `From ${runSummary(report)}.`,
    '',
    ...(commands.length > 0 ? ['To measure it again:', '', ...commands, ''] : []),
    environmentTable(report.environment),
    '',
    ...(errorControlLine(report) ? [errorControlLine(report) as string, ''] : []),
    '## Headline claims of the original',
    '',
    table(claimRows(report, HEADLINES)),
    '',
    '## Flask vs Django',
    '',
    'The original planned Flask and never published a figure for it; here it stands beside Django on',
    'the same three scenarios.',
    '',
    table(claimRows(report, FLASK)),
    '',
    '## Where the Node and Go targets stand',
    '',
    'Every target of the rankings of 01, 03 and 08, with its verdict against FastAPI and Django',
    '(— where that target is itself, or not in the ranking).',
    '',
    ...standings(report, '01-lightweight'),
    ...standings(report, '03-db-read'),
    ...standings(report, '08-concurrent-mixed'),
    '### The targets as run',
    '',
    targetsTable(report),
    '',
    ...(settings ? settingsSection(settings) : []),
    '## Known skews of the original',
    '',
    'Its figures are context, not evidence:',
    '',
    ...ORIGINAL_SKEWS.map((s) => `- ${s}`),
    '',
    'Here the Python targets run without access logs, reload or SQL echo, every target has the same',
    'pool of `LAB_DB_POOL` connections, the data are seeded deterministically (`LAB_SEED`), and a',
    'slice with an error or a failed check never enters a verdict.',
  ];
  return `${out.join('\n')}\n`;
}
