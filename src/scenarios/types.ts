import type { FixtureName } from '../fixtures/index.ts';
import type { ContractGroup } from '../launcher/manifest.ts';
import type { RequestSpec } from '../load/inprocess/engine.ts';
import type { LoadSettings } from '../load/result.ts';

/** What a scenario needs from the run to build its load: tokens, table sizes, payloads. */
export interface ScenarioContext {
  /** Bearer token valid for the targets' LAB_AUTH_SECRET. */
  token: string;
  /** Rows seeded in `users` (fixture scale × 100,000). */
  usersRows: number;
  /**
   * Cursors of `GET /db/users/cursor` for the first rows by (created_at, id), so in-process load
   * can ask for cursor pages without walking to them (empty unless the `users` set is seeded).
   */
  cursors: string[];
  /** Rows seeded in `authors` (the accounts of 16 and 19), 0 without the blog fixture. */
  authorsRows?: number;
  /** What the variant's `prepare` answered (a login's token), for its requests. */
  prepared?: Record<string, string>;
}

/**
 * A variant of a scenario over HTTP (a strategy, a route, a shape): the `-e` variables of the
 * scenario's k6 script and, for the in-process engine, the same requests.
 */
export interface ScenarioVariant {
  name: string;
  /** `-e` variables of the k6 script. */
  env: Record<string, string>;
  /** Request `i` for the in-process engine; without it the variant runs through k6 only. */
  request?: (i: number, context: ScenarioContext) => RequestSpec;
  /** Statuses that count as success in-process; default any 2xx. */
  expectStatus?: (status: number) => boolean;
  /** SQL run after every restore, before a measurement (the rows an update variant updates). */
  afterReset?: string;
  /** Length of a target's turn in interleaved blocks (default 0.1 s): long for slow requests. */
  turnSeconds?: number;
  /**
   * In-process runs: what the k6 script's setup() does — warm the cache, log in — run against one
   * of the targets (they share the database and Redis) before the warm-up, after every restore and
   * every 2 minutes (src/load/ranking-run.ts). Its answer becomes `context.prepared`.
   */
  prepare?: (baseUrl: string, context: ScenarioContext) => Promise<Record<string, string>>;
}

export type ScenarioCategory = 'basic' | 'db-advanced' | 'caching' | 'auth' | 'real-world';

/** Durations and load for quick runs (`LAB_QUICK=1`, CI) and full runs. */
export interface ScenarioLoad {
  quick: LoadSettings;
  full: LoadSettings;
}

/**
 * One scenario of the catalogue (../shared/seed/roadmap.md). HTTP scenarios name their k6 script
 * and how to build the same requests for the in-process engine, so both engines do the same work.
 */
export interface ScenarioDefinition {
  /** e.g. `01-lightweight`: the k6 script and bench file carry the same id. */
  id: string;
  number: number;
  title: string;
  category: ScenarioCategory;
  /** One sentence: what it measures. */
  measures: string;
  /** Fixture sets the suite seeds. */
  fixtures: FixtureName[];
  /** Whether requests write to the database (the suite restores it between runs). */
  mutates: boolean;
  /**
   * SQL run after every restore, before a measurement (e.g. scenario 13 raises the hot row's
   * stock so that a run measures decrements rather than 409s once the fixture's stock is gone).
   */
  afterReset?: string;
  /**
   * The contract group a target must declare (`supports`) to be measured on it; scenarios
   * 14–19 have one, 01–13 are `basic` or `db` by category.
   */
  group?: ContractGroup;
  /** Per-set multipliers of the fixture scale for this scenario's suites (e.g. documents). */
  setScales?: Partial<Record<FixtureName, number>>;
  /** HTTP scenarios: the k6 script (relative to the repository root) and its `-e` variables. */
  k6?: { script: string; env?: (context: ScenarioContext) => Record<string, string> };
  /** HTTP scenarios: request `i` for the in-process engine, the same mix as the k6 script. */
  request?: (i: number, context: ScenarioContext) => RequestSpec;
  /** Statuses that count as success for the in-process engine; default any 2xx. */
  expectStatus?: (status: number) => boolean;
  load: ScenarioLoad;
}
