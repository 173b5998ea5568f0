import type { Verdict } from '../stats/index.ts';

/**
 * A comparison of two run reports (`pnpm lab compare base.json head.json`): one row per
 * scenario × target (× variant) measured in both, with the change and its significance. The
 * Markdown and the HTML report render this same structure.
 */
export interface RunComparisonRow {
  scenario: string;
  target: string;
  variant?: string;
  engine: string;
  /** The metric compared, e.g. `throughput` or `median`. */
  metric: string;
  /** Runs (rounds) on each side. */
  baseRuns: number;
  headRuns: number;
  /** Medians of the metric over the runs of each side. */
  base: number;
  head: number;
  /** Speed ratio head vs base, >1 = head is faster; with its interval. */
  ratio: number;
  lower: number | null;
  upper: number | null;
  confidence: number;
  /** `faster` = head faster than base. `inconclusive` also when too few runs to tell. */
  verdict: Verdict;
  /** Head slower than base beyond the threshold with significance: fails the comparison. */
  regression: boolean;
  note?: string;
}

export interface RunComparison {
  base: { runId: string; file: string; gitSha: string | null; startedAt: string };
  head: { runId: string; file: string; gitSha: string | null; startedAt: string };
  /** A regression is a significant slowdown of more than this fraction (0.05 = 5%). */
  threshold: number;
  rows: RunComparisonRow[];
  /** Scenario × target present on one side only. */
  onlyInBase: string[];
  onlyInHead: string[];
  /** Differences in environment that make the comparison weaker (CPU model, versions…). */
  environmentDifferences: string[];
  regressions: number;
}
