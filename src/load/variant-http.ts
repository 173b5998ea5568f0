import { isQuick } from '../scenarios/index.ts';

/**
 * Whether the per-variant HTTP rankings of scenarios 09–19 (bench/db-advanced/http-*,
 * bench/caching/http-*, bench/auth/http-16, bench/real-world/http-19) run: always in full runs; in
 * quick runs only with `LAB_VARIANT_HTTP=1`. Why: in the quick run 2026-12-04T16-09-54Z their 38
 * rankings took 23 of its 50 minutes and decided none of their comparisons (quick budgets of
 * 6–15 s held three blocks of eight targets; those of 14–19 then went through k6, ~18 s a block).
 * The in-process suites of 09–19 assert every claim of those scenarios in quick runs too.
 */
export function variantHttpSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env.LAB_VARIANT_HTTP;
  if (raw !== undefined && raw !== '' && !['0', '1'].includes(raw)) {
    throw new Error(`LAB_VARIANT_HTTP must be 1 or 0, got ${JSON.stringify(raw)}`);
  }
  if (raw === '0') return 'LAB_VARIANT_HTTP=0';
  if (raw === '1' || !isQuick(env)) return undefined;
  return 'quick mode asserts 09–19 in-process only (LAB_VARIANT_HTTP=1 ranks the variants over HTTP too)';
}

/** Source markers of the bench files that `variantHttpSkipReason` governs. */
const VARIANT_HTTP_MARKERS = ['defineDbHttpSuite(', 'defineGroupHttpSuite('] as const;

/**
 * Whether a bench file (its source) will skip all its tests as a per-variant HTTP suite left out
 * of this run: such a file makes no verdicts, so it takes no share of the run's α.
 */
export function skipsAsVariantHttp(source: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (
    VARIANT_HTTP_MARKERS.some((marker) => source.includes(marker)) &&
    variantHttpSkipReason(env) !== undefined
  );
}
