import { relative } from 'node:path';
import { REPO_ROOT } from '../launcher/registry.ts';

/**
 * How a run's error budget is shared, so that the family-wise error rate of ALL verdicts of a
 * run — every ranking and every claim — stays at α (`LAB_ALPHA`, default 5%):
 *
 *   α per suite   = α / number of verdict-making suites in the run (Bonferroni);
 *   α per test    = α per suite / tests in the suite file;
 *   α per family  = α per test / families in the test (e.g. throughput and latency rankings);
 *   within a family, Holm across all its comparisons (src/stats/family.ts).
 *
 * `pnpm bench` / `vitest bench`: the progress reporter lists the selected bench files that make
 * verdicts (LAB_VERDICT_SUITES); `lab run` counts its scenarios. Outside both (a script, `vitest
 * run`) a suite is the whole run.
 */
export const DEFAULT_ALPHA = 0.05;

/** Source markers of a bench file that makes verdicts (the reporter scans for them). */
export const VERDICT_MARKERS = [
  'defineHttpSuite(',
  'defineDbHttpSuite(',
  'defineGroupHttpSuite(',
  'compareVariants(',
  'expectFaster(',
  'expectSlower(',
  'expectNoDifference(',
  'expectNotSlower(',
  'runRanking(',
  'compareInterleaved(',
  // bench/stress: leak verdicts, cold-vs-warm verdicts, sweep steps
  'defineSoakSuite(',
  'defineColdWarmSuite(',
  'defineSweepSuite(',
] as const;

export function makesVerdicts(source: string): boolean {
  return VERDICT_MARKERS.some((marker) => source.includes(marker));
}

export function runAlpha(env: NodeJS.ProcessEnv = process.env): number {
  if (env.LAB_ALPHA === undefined) return DEFAULT_ALPHA;
  const alpha = Number(env.LAB_ALPHA);
  if (!(alpha > 0 && alpha <= 0.5)) {
    throw new Error(`LAB_ALPHA must be a number in (0, 0.5], got ${JSON.stringify(env.LAB_ALPHA)}`);
  }
  return alpha;
}

/** Suites sharing the run's α: `LAB_VERDICT_SUITES` (a count or a JSON list of files), else 1. */
export function verdictSuites(env: NodeJS.ProcessEnv = process.env): {
  count: number;
  files?: string[];
} {
  const raw = env.LAB_VERDICT_SUITES;
  if (raw === undefined || raw === '') return { count: 1 };
  if (raw.startsWith('[')) {
    const files = JSON.parse(raw) as string[];
    return { count: Math.max(1, files.length), files };
  }
  const count = Number(raw);
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new Error(`LAB_VERDICT_SUITES must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return { count };
}

/**
 * α of one suite. With a file list, the calling file must be on it: a suite that makes verdicts
 * without being counted would spend α nobody budgeted (add its marker to VERDICT_MARKERS).
 */
export function suiteAlpha(file?: string, env: NodeJS.ProcessEnv = process.env): number {
  const suites = verdictSuites(env);
  if (suites.files && file) {
    const rel = relative(REPO_ROOT, file);
    if (!suites.files.includes(rel)) {
      throw new Error(
        `${rel} makes verdicts but the run did not count it among ${suites.files.length} verdict suites: ` +
          `give it one of the markers of src/load/alpha.ts (${VERDICT_MARKERS.join(' ')})`,
      );
    }
  }
  return runAlpha(env) / suites.count;
}
