import { fixtureOptionsFromEnv } from '../fixtures/index.ts';
import { SELECTIVE_KEYWORD } from '../fixtures/sets/documents.ts';
import { CLOSED_10_VUS_DB } from './load-profiles.ts';
import type { ScenarioContext, ScenarioDefinition } from './types.ts';

/**
 * Scenarios 14–19 (../shared/seed/roadmap.md): each served by the targets that declare its
 * contract group, measured over HTTP through its k6 script (one ranking per variant), and
 * in-process with asserted claims per data layer (bench/caching, bench/auth, bench/db-advanced,
 * bench/real-world). The variants are the k6 script's `-e` variables.
 */
export interface ScenarioVariant {
  name: string;
  env: Record<string, string>;
}

const scenario = (
  definition: Omit<ScenarioDefinition, 'load' | 'k6'> & {
    script: string;
    env?: NonNullable<ScenarioDefinition['k6']>['env'];
  },
): ScenarioDefinition => {
  const { script, env, ...rest } = definition;
  return { ...rest, k6: { script, ...(env ? { env } : {}) }, load: CLOSED_10_VUS_DB };
};

/** Users read by the cache scenarios: the first 10,000 (or all there are). */
export const HOT_USERS = 10_000;
const hotSet = (c: ScenarioContext) => ({
  HOT: String(Math.max(1, Math.min(HOT_USERS, c.usersRows))),
});
const accounts = (c: ScenarioContext) => ({ AUTHORS: String(c.authorsRows ?? 1000) });

/**
 * The search suites' documents: `LAB_SCALE_DOCUMENTS` (default 3, 30,000 documents at LAB_SCALE
 * 1) — where a selective ILIKE scans ~6 MB of text and the trigram index answers in about a
 * millisecond (src/fixtures/README.md).
 */
export function searchDocumentsScale(env: NodeJS.ProcessEnv = process.env): number {
  // Read when this module loads, before the settings are checked: a wrong LAB_SCALE* or LAB_SEED
  // is reported by that check (one line, exit 2), not as a stack trace from here.
  try {
    return fixtureOptionsFromEnv(env).setScales?.documents ?? SEARCH_DOCUMENTS_SCALE;
  } catch {
    return SEARCH_DOCUMENTS_SCALE;
  }
}
export const SEARCH_DOCUMENTS_SCALE = 3;

export const GROUP_SCENARIOS: readonly ScenarioDefinition[] = [
  scenario({
    id: '14-cache-hit',
    number: 14,
    title: 'Cache hit',
    category: 'caching',
    group: 'cache',
    measures: 'GET /cache/users/{id}: cache-aside reads of warmed users, every one a Redis hit',
    fixtures: ['users'],
    mutates: false,
    script: 'k6/caching/14-cache-hit.js',
    env: hotSet,
  }),
  scenario({
    id: '15-cache-miss-db',
    number: 15,
    title: 'Cache miss → DB → cache',
    category: 'caching',
    group: 'cache',
    measures:
      'GET /cache/users/{id}: no cache, pure miss (DB read + SET), and a 90/10 hit/miss mix',
    fixtures: ['users'],
    mutates: false,
    script: 'k6/caching/15-cache-miss.js',
    env: hotSet,
  }),
  scenario({
    id: '16-auth',
    number: 16,
    title: 'Authentication',
    category: 'auth',
    group: 'auth',
    measures:
      'a public route vs JWT verification vs a Redis session read; JWT and session logins (cheap and hardened scrypt)',
    fixtures: ['blog'],
    mutates: false,
    script: 'k6/auth/16-auth.js',
    env: accounts,
  }),
  scenario({
    id: '17-aggregation',
    number: 17,
    title: 'Aggregation',
    category: 'db-advanced',
    group: 'aggregate',
    measures:
      'GROUP BY with SUM / AVG and per-author revenue over 100,000 orders: raw SQL, query builder, rows reduced in code',
    fixtures: ['aggregation', 'blog'],
    mutates: false,
    script: 'k6/db-advanced/17-aggregation.js',
  }),
  scenario({
    id: '18-search',
    number: 18,
    title: 'Text search',
    category: 'db-advanced',
    group: 'search',
    measures:
      'ILIKE without an index vs a pg_trgm GIN index vs full text, selective and common terms',
    fixtures: ['documents'],
    setScales: { documents: searchDocumentsScale() },
    mutates: false,
    script: 'k6/db-advanced/18-search.js',
  }),
  scenario({
    id: '19-real-world-flow',
    number: 19,
    title: 'Real-world flow',
    category: 'real-world',
    group: 'flow',
    measures:
      'one iteration = session login → list posts → read one → retitle it → read it back → logout',
    fixtures: ['blog'],
    mutates: true,
    script: 'k6/real-world/19-flow.js',
    env: accounts,
  }),
];

/** The rankings of each HTTP suite: one per variant. */
export const GROUP_VARIANTS: Record<string, ScenarioVariant[]> = {
  '14-cache-hit': [{ name: 'pure-hit', env: { MODE: 'hit' } }],
  '15-cache-miss-db': [
    { name: 'no-cache', env: { MODE: 'none' } },
    { name: 'pure-miss', env: { MODE: 'miss' } },
    { name: 'mixed-90-10', env: { MODE: 'mixed', HIT_RATIO: '0.9' } },
  ],
  '16-auth': [
    { name: 'public', env: { ROUTE: 'public' } },
    { name: 'jwt', env: { ROUTE: 'jwt' } },
    { name: 'session', env: { ROUTE: 'session' } },
    { name: 'jwt-login', env: { ROUTE: 'jwt-login' } },
    { name: 'session-login', env: { ROUTE: 'session-login' } },
  ],
  // No reduce over HTTP: with 10 requests in flight one takes 1.3 s (raw pg) to 20 s (MikroORM),
  // so 1-s slices hold no measurement; bench/db-advanced/17-aggregation asserts SQL vs reduce.
  '17-aggregation': [
    { name: 'by-country-raw', env: { REPORT: 'by-country', STRATEGY: 'raw' } },
    { name: 'by-country-builder', env: { REPORT: 'by-country', STRATEGY: 'builder' } },
    { name: 'top-authors-raw', env: { REPORT: 'top-authors', STRATEGY: 'raw' } },
  ],
  '18-search': [
    { name: 'ilike-selective', env: { STRATEGY: 'ilike', TERM: SELECTIVE_KEYWORD } },
    { name: 'trigram-selective', env: { STRATEGY: 'trigram', TERM: SELECTIVE_KEYWORD } },
    { name: 'fts-selective', env: { STRATEGY: 'fts', TERM: SELECTIVE_KEYWORD } },
    { name: 'trigram-common', env: { STRATEGY: 'trigram', TERM: 'data' } },
  ],
  '19-real-world-flow': [{ name: 'flow', env: {} }],
};

/** Data layers without a query builder have no `builder` strategy (17). */
export const VARIANT_LAYERS: Record<string, string[]> = {
  'by-country-builder': ['typeorm', 'mikroorm', 'sqlalchemy', 'django-orm'],
};
