import { markdownTable } from 'markdown-table';
import type { StressRun } from '../load/stress/types.ts';
import {
  COLD_HEADER,
  coldRows,
  coldSummary,
  SPIKE_HEADER,
  STRESS_ORDER,
  STRESS_TITLES,
  SWEEP_HEADER,
  soakSummary,
  spikeRecovery,
  spikeRows,
  stepText,
  stressHeading,
  sweepRows,
  TREND_HEADER,
  trendRows,
  uslText,
} from './stress-text.ts';
import type { RunReport } from './types.ts';

/** The stress scenarios and sweeps as Markdown sections (the HTML report charts them). */
const table = (header: string[], rows: string[][]): string =>
  markdownTable(
    [header, ...rows].map((row) => row.map((c) => c.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|'))),
  );

function runLines(run: StressRun): string[] {
  const out = [`### ${stressHeading(run)}`, ''];
  if (run.failure) out.push(`- ❌ failed: ${run.failure.split('\n')[0]}`, '');
  switch (run.kind) {
    case 'spike':
      out.push(table(SPIKE_HEADER, spikeRows(run)), '', `Recovery: ${spikeRecovery(run)}.`);
      break;
    case 'soak':
      out.push(
        `**Leak verdict: ${run.verdict}.** ${soakSummary(run)}.`,
        '',
        table(TREND_HEADER, trendRows(run)),
      );
      break;
    case 'cold-warm':
      out.push(`${coldSummary(run)}.`, '', table(COLD_HEADER, coldRows(run.conditions)));
      break;
    case 'sweep': {
      out.push(table(SWEEP_HEADER, sweepRows(run)), '');
      out.push(...run.steps.map((s) => `- ${stepText(s)}`));
      const usl = uslText(run);
      if (usl) out.push('', usl);
      out.push(
        '',
        `${run.blocks} blocks (stopped: ${run.stoppedBy}); α ${Number(run.alpha.toPrecision(3))} over ${run.comparisons} comparisons (Holm).`,
      );
      break;
    }
  }
  if (run.warnings.length > 0) out.push('', ...run.warnings.map((w) => `- ⚠️ ${w.split('\n')[0]}`));
  out.push('');
  return out;
}

export function stressMarkdown(report: RunReport): string[] {
  const stress = report.stress ?? [];
  const out: string[] = [];
  for (const kind of STRESS_ORDER) {
    const runs = stress.filter((s) => s.stress.kind === kind);
    if (runs.length === 0) continue;
    out.push(`## ${STRESS_TITLES[kind]}`, '');
    for (const { stress: run } of runs) out.push(...runLines(run));
  }
  return out;
}
