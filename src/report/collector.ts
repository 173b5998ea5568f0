import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ServerInstance } from '../infra/types.ts';
import type { RankingRun } from '../load/ranking-run.ts';
import type { Result } from '../load/result.ts';
import type { StressRun } from '../load/stress/types.ts';
import type { Comparison, Verdict } from '../stats/index.ts';
import { infraNote, REPO_ROOT } from './environment.ts';
import type { Claim, ClaimInput, ComparisonData, InfraNote, RankingData } from './types.ts';

/**
 * Collects what bench files measured, across vitest's worker processes. Each process appends
 * JSON lines to its own file, `<reports>/.run-<LAB_RUN_ID>/<pid>.jsonl` (no locking, no
 * interleaving; a crash loses at most the line being written); `finalizeRun()` merges them.
 *
 * `LAB_RUN_ID` is set by the vitest globalSetup in bench mode before workers start (vitest
 * builds the workers' environment from `process.env` when it runs the files). Without it — plain
 * `vitest run`, scripts — the record functions do nothing and return false.
 *
 *   recordResult(result, { suite: 'frameworks' });
 *   recordComparison(await expectFaster(a, b, { metric: 'throughput' }),
 *     { suite: 'frameworks', scenario: '01-hello', claim: 'faster' });
 *   noteInfra(lab, { suite: 'frameworks' });
 */
export const RECORD_VERSION = 1;

export type RunRecord = { v: typeof RECORD_VERSION; at: string; pid: number } & (
  | { kind: 'result'; suite: string; result: Result }
  | {
      kind: 'comparison';
      suite: string;
      scenario: string;
      claim: Claim | null;
      comparison: ComparisonData;
    }
  | { kind: 'infra'; suite: string | null; infra: InfraNote }
  | { kind: 'ranking'; suite: string; ranking: RankingData }
  | { kind: 'stress'; suite: string; stress: StressRun }
);

/** Omit<> of a union distributes; this keeps each member's fields. */
type RecordBody = RunRecord extends infer R
  ? R extends RunRecord
    ? Omit<R, 'v' | 'at' | 'pid'>
    : never
  : never;

/** `LAB_REPORTS_DIR`, else `<repo>/reports`. */
export function reportsDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.LAB_REPORTS_DIR?.trim();
  return dir ? resolve(dir) : join(REPO_ROOT, 'reports');
}

export function runDirFor(runId: string, dir: string = reportsDir()): string {
  return join(dir, `.run-${runId}`);
}

/** The current run's collection directory, undefined outside a bench run. */
export function activeRunDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const runId = env.LAB_RUN_ID?.trim();
  return runId ? runDirFor(runId, reportsDir(env)) : undefined;
}

export interface RecordOptions {
  suite: string;
}

export interface ComparisonRecordOptions extends RecordOptions {
  scenario: string;
  /** The claim the bench file tested; omit when the comparison is only reported. */
  claim?: ClaimInput;
}

export interface Collector {
  /** The JSON-lines file this process writes. */
  readonly file: string;
  recordResult(result: Result, options: RecordOptions): void;
  recordComparison(comparison: Comparison, options: ComparisonRecordOptions): void;
  noteInfra(lab: LabServers, options?: Partial<RecordOptions>): void;
  recordRanking(run: RankingRun, options: RecordOptions): void;
  recordStress(run: StressRun, options: RecordOptions): void;
}

/** The part of a `Lab` that `noteInfra` reads. */
export interface LabServers {
  pg: ServerInstance;
  redis: ServerInstance;
}

/** A collector writing into `runDir` as process `pid` (tests simulate several processes). */
export function createCollector(runDir: string, pid: number = process.pid): Collector {
  const file = join(runDir, `${pid}.jsonl`);
  let dirMade = false;
  const write = (body: RecordBody): void => {
    if (!dirMade) {
      mkdirSync(runDir, { recursive: true });
      dirMade = true;
    }
    const record = { v: RECORD_VERSION, at: new Date().toISOString(), pid, ...body };
    // One write call per line: appends of a line are not split by other writers of this file.
    appendFileSync(file, `${JSON.stringify(record)}\n`);
  };
  return {
    file,
    recordResult(result, options) {
      write({ kind: 'result', suite: requireName(options?.suite, 'suite'), result });
    },
    recordComparison(comparison, options) {
      write({
        kind: 'comparison',
        suite: requireName(options?.suite, 'suite'),
        scenario: requireName(options?.scenario, 'scenario'),
        claim: options.claim === undefined ? null : normalizeClaim(options.claim, comparison),
        comparison: comparisonData(comparison),
      });
    },
    noteInfra(lab, options) {
      write({ kind: 'infra', suite: options?.suite ?? null, infra: infraNote(lab) });
    },
    recordRanking(run, options) {
      write({
        kind: 'ranking',
        suite: requireName(options?.suite, 'suite'),
        ranking: rankingData(run),
      });
    },
    recordStress(run, options) {
      write({ kind: 'stress', suite: requireName(options?.suite, 'suite'), stress: run });
    },
  };
}

function requireName(value: string | undefined, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`report collector: '${what}' must be a non-empty string`);
  }
  return value;
}

const collectors = new Map<string, Collector>();

/** The collector of the current run in this process, undefined outside a bench run. */
export function currentCollector(env: NodeJS.ProcessEnv = process.env): Collector | undefined {
  const runDir = activeRunDir(env);
  if (!runDir) return undefined;
  let collector = collectors.get(runDir);
  if (!collector) {
    collector = createCollector(runDir);
    collectors.set(runDir, collector);
  }
  return collector;
}

/** Records a Result for the run report. Returns false outside a bench run (nothing written). */
export function recordResult(result: Result, options: RecordOptions): boolean {
  const collector = currentCollector();
  collector?.recordResult(result, options);
  return collector !== undefined;
}

/**
 * Records a comparison (per-round values, interval, verdict, warnings; not the full Results)
 * and, when given, the claim it tested. Returns false outside a bench run.
 */
export function recordComparison(
  comparison: Comparison,
  options: ComparisonRecordOptions,
): boolean {
  const collector = currentCollector();
  collector?.recordComparison(comparison, options);
  return collector !== undefined;
}

/** Records a scenario's ranking with its verdicts (its Results are recorded one by one). */
export function recordRanking(run: RankingRun, options: RecordOptions): boolean {
  const collector = currentCollector();
  collector?.recordRanking(run, options);
  return collector !== undefined;
}

export function rankingData(run: RankingRun): RankingData {
  const { results, ...rest } = run;
  return { ...rest, resultCount: results.length };
}

/** Records a spike, soak, cold-vs-warm or sweep run with its time series. */
export function recordStress(run: StressRun, options: RecordOptions): boolean {
  const collector = currentCollector();
  collector?.recordStress(run, options);
  return collector !== undefined;
}

/** Records the servers a suite's lab runs on (versions, provider, durability flags). */
export function noteInfra(lab: LabServers, options: Partial<RecordOptions> = {}): boolean {
  const collector = currentCollector();
  collector?.noteInfra(lab, options);
  return collector !== undefined;
}

/** Drops the full per-round Results (their resource time series make them bulky). */
export function comparisonData(comparison: Comparison): ComparisonData {
  const { results, ...rest } = comparison;
  return {
    ...rest,
    a: [...rest.a],
    b: [...rest.b],
    orders: [...rest.orders],
    warnings: [...rest.warnings],
    resultCounts: { a: results?.a.length ?? 0, b: results?.b.length ?? 0 },
  };
}

const VERDICTS: readonly Verdict[] = ['faster', 'slower', 'no-difference', 'inconclusive'];

export function normalizeClaim(input: ClaimInput, comparison: { verdict: Verdict }): Claim {
  const spec = typeof input === 'object' && !Array.isArray(input) ? input : { expected: input };
  const { expected: raw, description } = spec as {
    expected: Verdict | readonly Verdict[];
    description?: string;
  };
  const expected = [...new Set(typeof raw === 'string' ? [raw] : raw)];
  const unknown = expected.filter((verdict) => !VERDICTS.includes(verdict));
  if (expected.length === 0 || unknown.length > 0) {
    throw new Error(
      `report collector: a claim expects one or more of ${VERDICTS.join(', ')}; got ${JSON.stringify(raw)}`,
    );
  }
  const status = expected.includes(comparison.verdict)
    ? 'passed'
    : comparison.verdict === 'inconclusive'
      ? 'unconfirmed'
      : 'failed';
  return { expected, description: description ?? expected.join(' or '), status };
}
