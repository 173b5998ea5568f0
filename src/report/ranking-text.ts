import type { FamilyRun, RankingRun } from '../load/ranking-run.ts';
import { flip, type PairVerdict, type RankingResult } from '../stats/family.ts';
import type { RankingData } from './types.ts';

/**
 * The answer of a scenario in words and tables, the same in the console, Markdown and HTML:
 * the ranking, then a verdict with its interval for every adjacent pair and each target against
 * the best, then how the error rate was controlled.
 */
type AnyRanking = RankingRun | RankingData;

const pct = (x: number): string => `${Number((x * 100).toPrecision(2))}%`;
const ratio = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');

export function formatValue(value: number, phase: FamilyRun['phase']): string {
  if (!Number.isFinite(value)) return '—';
  return phase === 'throughput'
    ? `${Math.round(value).toLocaleString('en-US')} req/s`
    : `${value.toFixed(3)} ms`;
}

/** `fastify faster than express: 2.07× [1.93, 2.22]` — the words follow the verdict. */
export function describePair(p: PairVerdict): string {
  const interval = Number.isFinite(p.lower)
    ? ` [${p.lower.toFixed(2)}, ${p.upper.toFixed(2)}]`
    : '';
  const at = p.decidedAt ? `, decided at block ${p.decidedAt}` : '';
  switch (p.verdict) {
    case 'faster':
      return `${p.a} faster than ${p.b}: ${ratio(p.ratio)}${interval}${at}`;
    case 'slower':
      return `${p.a} slower than ${p.b}: ${ratio(p.ratio)}${interval}${at}`;
    case 'no-difference':
      return `${p.a} and ${p.b}: no difference (within the margin): ${ratio(p.ratio)}${interval}${at}`;
    default:
      return `${p.a} vs ${p.b}: inconclusive, ${ratio(p.ratio)}${interval}${p.note ? ` — ${p.note}` : ''}`;
  }
}

export function familyTitle(run: AnyRanking, family: FamilyRun): string {
  const what =
    family.phase === 'throughput'
      ? 'throughput (closed model)'
      : `median latency at ${family.ratePerSecond?.toLocaleString('en-US')} req/s each (open model)`;
  const stop =
    family.stoppedBy === 'decided'
      ? `all decided after ${family.blocks} blocks`
      : family.stoppedBy === 'time'
        ? `time budget spent after ${family.blocks} blocks`
        : `${family.blocks} blocks (the plan's maximum)`;
  return `${run.scenario}${run.variant ? ` ${run.variant}` : ''} — ${what}, ${run.engine} engine, ${family.sliceSeconds}-s slices, ${stop} in ${Math.round(family.seconds)} s`;
}

export function errorLine(family: FamilyRun): string {
  return (
    `${family.comparisons} comparisons, Holm at family-wise ${pct(family.alpha)}; ` +
    `expected false calls ≤ ${family.expectedFalseCalls.toPrecision(2)}; ` +
    `margins: faster ≥ ${family.minRatio}×, no difference within ±${pct(family.equivalenceMargin - 1)}`
  );
}

/** Console text of a whole ranking run. */
export function formatRanking(run: AnyRanking): string {
  const lines: string[] = [];
  for (const family of run.families) {
    lines.push('', familyTitle(run, family));
    const width = Math.max(...family.ranking.map((r) => r.target.length));
    for (const row of family.ranking) {
      const note = row.undecidable ? `  (${row.undecidable})` : '';
      lines.push(
        `  ${row.rank}. ${row.target.padEnd(width)}  ${formatValue(row.estimate, family.phase)}${note}`,
      );
    }
    for (const pair of family.reported) lines.push(`  ${describePair(pair)}`);
    lines.push(`  ${errorLine(family)}`);
  }
  if (run.problems.length > 0) {
    lines.push(
      `  ${run.problems.length} slice(s) left out of the verdicts: ${run.problems.slice(0, 3).join('; ')}`,
    );
  }
  return lines.join('\n');
}

/** `pessimistic: decrement_ok 12,345, decrement_conflict 0, decrement_retries 0` per target. */
export function outcomeLines(run: AnyRanking): string[] {
  return Object.entries(run.outcomes ?? {}).map(
    ([target, counters]) =>
      `${target} outcomes: ${Object.entries(counters)
        .map(([name, n]) => `${name} ${n.toLocaleString('en-US')}`)
        .join(', ')}`,
  );
}

/**
 * The verdict of `a` against `b` among every pair Holm decided, oriented as asked (the family
 * stores each pair with the better point estimate first); undefined when the family lacks one.
 */
export function pairOf(
  family: Pick<RankingResult, 'pairs'>,
  a: string,
  b: string,
): PairVerdict | undefined {
  for (const pair of family.pairs) {
    if (pair.a === a && pair.b === b) return pair;
    if (pair.a === b && pair.b === a) return flip(pair);
  }
  return undefined;
}
