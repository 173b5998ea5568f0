import type { ProviderKind } from '../infra/types.ts';
import type { PinningPlan } from '../load/pinning.ts';
import type { RankingRun } from '../load/ranking-run.ts';
import type { Result } from '../load/result.ts';
import type { StressRun } from '../load/stress/types.ts';
import type { Comparison, Verdict } from '../stats/index.ts';

/**
 * The run report's data model: `reports/run-<timestamp>.json`. Later tools (HTML report,
 * `lab compare base.json head.json`, history) read only this file, so it is self-describing:
 * a `kind` tag, a `schemaVersion`, full Results, and comparisons with their per-round values.
 *
 * Compatibility rule: adding optional fields keeps `schemaVersion` 1; renaming, removing or
 * changing the meaning of a field bumps it (and `loadRunReport` then refuses old files clearly).
 */
export const RUN_REPORT_KIND = 'backend-benchmark-lab/run';
export const RUN_REPORT_SCHEMA_VERSION = 1;

/** One PostgreSQL or Redis setup, as suites saw it (deduplicated across suites). */
export interface ServerInfo {
  provider: ProviderKind;
  version: string;
  /** `strong` = own server process per suite; `weaker` = a database / db index on a shared one. */
  isolation: 'strong' | 'weaker';
  /**
   * Settings that trade durability for speed (PostgreSQL fsync, synchronous_commit,
   * full_page_writes; Redis persistence). Empty when the provider cannot tell (external).
   */
  durability: Record<string, string>;
  settings: Record<string, string>;
  /** Suites that used this setup (empty when they did not say). */
  suites: string[];
}

export interface InfraInfo {
  /** Provider the run chose (vitest globalSetup); null when not known. */
  provider: ProviderKind | null;
  /** What the provider selection tried, in order. */
  providerTried: string[];
  /** Distinct setups seen; normally one each. Empty when no suite called `noteInfra()`. */
  postgres: ServerInfo[];
  redis: ServerInfo[];
}

export interface Environment {
  capturedAt: string;
  hostname: string;
  cpu: {
    model: string;
    /** Logical CPUs of the machine. */
    logicalCores: number;
    /** CPUs this process may use (cgroup / affinity aware). */
    availableParallelism: number;
    /** cpufreq scaling governor of CPU 0, when exposed. */
    governor: string | null;
  };
  memory: { totalMiB: number };
  os: {
    platform: string;
    /** `uname -s`, e.g. Linux. */
    type: string;
    /** Kernel release. */
    release: string;
    arch: string;
    /** PRETTY_NAME from /etc/os-release, when present. */
    distro: string | null;
  };
  node: { version: string; v8: string };
  /** Load generators: versions, null when not installed. */
  tools: { k6: string | null; wrk: string | null };
  git: { sha: string | null; dirty: boolean | null; branch: string | null };
  /** The command line that started the run, e.g. `pnpm lab run --scenario 01` (absent in older reports). */
  command?: string;
  /** Settings that change results: LAB_* variables (secrets redacted) and their effective values. */
  config: {
    env: Record<string, string>;
    quick: boolean;
    infraMode: string;
    seed: number | null;
    scale: number | null;
  };
  pinning: PinningPlan;
  /** The machine's latest `lab calibrate`, when there is one (absent in older reports). */
  calibration?: CalibrationNote | null;
  infra: InfraInfo;
  ci: { ci: boolean; provider: string | null; runUrl: string | null };
}

export interface CalibrationNote {
  at: string;
  file: string | null;
  budgetSeconds: number;
  repeats: number;
  cases: Array<{
    id: string;
    phase: string;
    repeats: number;
    faster: number;
    slower: number;
    same: number;
    inconclusive: number;
    minimumDetectableRatio: number;
  }>;
}

/** What one suite's `noteInfra(lab)` recorded. */
export interface InfraNote {
  postgres?: Omit<ServerInfo, 'suites'>;
  redis?: Omit<ServerInfo, 'suites'>;
}

/** `unconfirmed`: the verdict was inconclusive — a claim that fails without contrary evidence. */
export type ClaimStatus = 'passed' | 'failed' | 'unconfirmed';

export interface ErrorControl {
  /** Family-wise error rate of the whole run (LAB_ALPHA). */
  alpha: number;
  /** Suites sharing it. */
  suites: number;
  /** Comparisons decided or reported in the run (ranking pairs counted by Holm, and claims). */
  comparisons: number;
  /** Sum of the levels at which verdicts were called: the expected number of false calls. */
  expectedFalseCalls: number;
}

/**
 * What a bench file claimed about a comparison: a verdict, several acceptable ones
 * (`expectNotSlower` = faster or no-difference), or that plus wording for the report.
 */
export type ClaimInput =
  | Verdict
  | readonly Verdict[]
  | { expected: Verdict | readonly Verdict[]; description?: string };

export interface Claim {
  expected: Verdict[];
  description: string;
  /** passed: verdict expected; unconfirmed: verdict inconclusive (and not expected); else failed. */
  status: ClaimStatus;
}

/** A Comparison without the full per-round Results; per-round metric values stay. */
export type ComparisonData = Omit<Comparison, 'results'> & {
  /** How many full Results each side produced (0 when the runners returned numbers). */
  resultCounts: { a: number; b: number };
};

interface Provenance {
  /** When the worker recorded it (ISO 8601). */
  recordedAt: string;
  /** The recording process (vitest worker). */
  pid: number;
}

export interface StoredResult extends Provenance {
  suite: string;
  result: Result;
}

export interface StoredComparison extends Provenance {
  suite: string;
  scenario: string;
  /** Null when the bench file only reported the comparison, claiming nothing. */
  claim: Claim | null;
  comparison: ComparisonData;
}

/** A scenario's ranking with verdicts (src/load/ranking-run.ts), without its Results. */
export type RankingData = Omit<RankingRun, 'results'> & { resultCount: number };

export interface StoredRanking extends Provenance {
  suite: string;
  ranking: RankingData;
}

/** A stress scenario's (20–22) or a variant sweep's record (src/load/stress/types.ts). */
export interface StoredStress extends Provenance {
  suite: string;
  stress: StressRun;
}

export interface RunReport {
  kind: typeof RUN_REPORT_KIND;
  schemaVersion: typeof RUN_REPORT_SCHEMA_VERSION;
  runId: string;
  startedAt: string;
  finishedAt: string;
  environment: Environment;
  results: StoredResult[];
  comparisons: StoredComparison[];
  /** Rankings with verdicts, one per scenario (and variant); absent in older reports. */
  rankings?: StoredRanking[];
  /** Spike, soak, cold vs warm and sweeps, with their time series; absent in older reports. */
  stress?: StoredStress[];
  /** How the run's error budget was shared (src/load/alpha.ts); absent in older reports. */
  errorControl?: ErrorControl;
  /** Run-wide warnings: dirty tree, no pinning, quick mode, unreadable records, failed runs. */
  warnings: string[];
}
