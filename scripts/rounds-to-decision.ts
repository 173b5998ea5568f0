/**
 * Rounds to decision, before and after, on the same data: replays the per-round values of every
 * comparison in a run report through the previous procedure (BCa bootstrap with the small-sample
 * t expansion at a Bonferroni level per look, looks from round 5) and the current one (Pocock
 * repeated t-intervals, looks from round 3), both at the comparison's own confidence and margins,
 * and prints at which round each would have decided.
 *
 *   node scripts/rounds-to-decision.ts reports/latest.json [--confidence 0.95]
 *
 * `--confidence` replays every comparison at one level instead of its own (a run splits its α
 * over its claims, so its own levels are tiny). At tiny levels the previous procedure is not
 * valid: a bootstrap percentile cannot reach beyond the most extreme resample — the data's own
 * extremes — so its intervals stop widening and it "decides" on too little evidence.
 *
 * A round the report does not hold cannot be replayed: a procedure that had not decided by the
 * last recorded round shows "—".
 */
import { loadRunReport } from '../src/report/load.ts';
import { type Comparison, type Correction, compareInterleaved } from '../src/stats/index.ts';

const args = process.argv.slice(2);
const at = args.indexOf('--confidence');
const fixedConfidence = at >= 0 ? Number(args[at + 1]) : undefined;
if (fixedConfidence !== undefined && !(fixedConfidence > 0 && fixedConfidence < 1)) {
  throw new Error(`--confidence must be in (0, 1), got ${args[at + 1]}`);
}
const file =
  args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--confidence') ??
  'reports/latest.json';
const report = loadRunReport(file);

async function replay(
  c: Pick<
    Comparison,
    'a' | 'b' | 'metric' | 'confidence' | 'minRatio' | 'equivalenceMargin' | 'maxRounds'
  >,
  correction: Correction,
): Promise<Comparison | undefined> {
  const rounds = c.a.length;
  const minRounds = correction === 'pocock' ? 3 : 5;
  if (rounds < minRounds) return undefined;
  const higher = c.metric === 'throughput';
  return compareInterleaved({
    runA: async (r) => c.a[r] as number,
    runB: async (r) => c.b[r] as number,
    metric: { name: c.metric, higherIsBetter: higher },
    confidence: c.confidence,
    minRatio: c.minRatio,
    equivalenceMargin: c.equivalenceMargin,
    correction,
    minRounds,
    // The plan the run had (its round budget); the recorded data may end sooner.
    maxRounds: Math.max(rounds, c.maxRounds),
  }).catch(() => undefined);
}

const rows: string[][] = [['Comparison', 'Rounds held', 'Pocock (now)', 'Bonferroni (before)']];
let sumNow = 0;
let sumBefore = 0;
let both = 0;
for (const stored of report.comparisons) {
  const c = stored.comparison;
  const data = {
    a: c.a.slice(),
    b: c.b.slice(),
    metric: c.metric,
    confidence: fixedConfidence ?? c.confidence,
    minRatio: c.minRatio,
    equivalenceMargin: c.equivalenceMargin,
    maxRounds: c.maxRounds ?? 20,
  };
  // Replays must not run past the data: each procedure sees rounds 1..k for k = 1..held.
  const decidedAt = async (correction: Correction): Promise<string> => {
    for (let k = correction === 'pocock' ? 3 : 5; k <= data.a.length; k++) {
      const out = await replay(
        { ...data, a: data.a.slice(0, k), b: data.b.slice(0, k) },
        correction,
      );
      if (out && out.verdict !== 'inconclusive' && out.rounds === k) return `${k} (${out.verdict})`;
    }
    return '—';
  };
  const now = await decidedAt('pocock');
  const before = await decidedAt('bonferroni');
  rows.push([`${c.labels.a} vs ${c.labels.b}`, String(data.a.length), now, before]);
  const n = Number.parseInt(now, 10);
  const b = Number.parseInt(before, 10);
  if (Number.isFinite(n) && Number.isFinite(b)) {
    sumNow += n;
    sumBefore += b;
    both++;
  }
}
const width = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(width[i] ?? 0)).join('  '));
console.log(
  `\n${file}${fixedConfidence ? ` at ${fixedConfidence}` : ' at each claim’s own level'}: ${report.comparisons.length} comparisons; decided by both within the rounds held: ${both}, ` +
    `mean rounds to decision ${both ? (sumNow / both).toFixed(1) : '—'} now vs ${both ? (sumBefore / both).toFixed(1) : '—'} before.`,
);
