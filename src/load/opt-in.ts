import { isQuick } from '../scenarios/index.ts';

/** An opt-in's variable: '1', '0' or unset; anything else is refused, naming the valid values. */
function flag(env: NodeJS.ProcessEnv, name: string): '0' | '1' | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw !== '0' && raw !== '1')
    throw new Error(`${name} must be 1 or 0, got ${JSON.stringify(raw)}`);
  return raw;
}

/**
 * Whether the per-variant HTTP rankings of scenarios 09–19 (bench/db-advanced/http-*,
 * bench/caching/http-*, bench/auth/http-16, bench/real-world/http-19) run: only with
 * `LAB_VARIANT_HTTP=1`, in any mode. Why: they rank every data-layer target on each of 38
 * variants, which does not fit a run's time goal with budgets that decide anything — in the
 * quick run 2026-12-04T16-09-54Z their 38 rankings took 23 of its 50 minutes and decided none
 * of their comparisons; in full mode, 14–18 alone took 31 min 42 s (run 2026-12-04T19-33-47Z, 69 of 426
 * comparisons decided). The in-process suites of 09–19 assert every claim of those scenarios in
 * every run.
 */
export function variantHttpSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (flag(env, 'LAB_VARIANT_HTTP') === '1') return undefined;
  return 'the claims of 09–19 are asserted in-process; LAB_VARIANT_HTTP=1 ranks every variant over HTTP too (long: docs/measurement.md)';
}

/**
 * Whether the variant sweeps (bench/stress/sweep-*) run: in full runs, and in quick runs only with
 * `LAB_SWEEPS=1` (`0`: in no run). They assert no claim — curves and adjacent-level verdicts of
 * one target — and took 63 s of the 12-min quick run 2026-12-04T22-00-15Z; `pnpm lab sweep` runs
 * any of them on demand.
 */
export function sweepSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = flag(env, 'LAB_SWEEPS');
  if (raw === '0') return 'LAB_SWEEPS=0';
  if (raw === '1' || !isQuick(env)) return undefined;
  return 'quick runs leave the sweeps out (LAB_SWEEPS=1 runs them; pnpm lab sweep any time)';
}

/** Source markers of the bench files each opt-in governs. */
const OPT_IN_FILES: ReadonlyArray<{
  variable: string;
  markers: readonly string[];
  skip: (env: NodeJS.ProcessEnv) => string | undefined;
}> = [
  {
    variable: 'LAB_VARIANT_HTTP',
    markers: ['defineDbHttpSuite(', 'defineGroupHttpSuite('],
    skip: variantHttpSkipReason,
  },
  { variable: 'LAB_SWEEPS', markers: ['defineSweepSuite('], skip: sweepSkipReason },
];

const optInOf = (source: string) =>
  OPT_IN_FILES.find(({ markers }) => markers.some((marker) => source.includes(marker)));

/**
 * The opt-ins a run turns on by itself: when every selected bench file is an opt-in suite
 * (`pnpm vitest bench --run bench/caching/http-14`), the user asked for exactly those, so they run
 * unless their variable says 0. A run that selects other files too leaves them to the variable.
 */
export function implicitOptIns(
  sources: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const optIns = sources.map(optInOf);
  if (optIns.length === 0 || optIns.some((optIn) => optIn === undefined)) return [];
  return [...new Set(optIns.map((optIn) => optIn?.variable as string))].filter(
    (variable) => env[variable] === undefined || env[variable] === '',
  );
}

/**
 * Whether a bench file (its source) will skip all its tests as an opt-in suite left out of this
 * run: such a file makes no verdicts, so it takes no share of the run's α.
 */
export function skipsAsOptIn(source: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const optIn = optInOf(source);
  return optIn !== undefined && optIn.skip(env) !== undefined;
}
