import { fixtureOptionsFromEnv } from '../fixtures/index.ts';
import { SELECTIVE_KEYWORD } from '../fixtures/sets/documents.ts';
import type { RequestSpec } from '../load/inprocess/engine.ts';
import { LAB_PASSWORD } from '../targets/shared/password.ts';
import { get, JSON_HEADERS, pick } from './basic.ts';
import { CLOSED_10_VUS_DB } from './load-profiles.ts';
import type { ScenarioContext, ScenarioDefinition, ScenarioVariant } from './types.ts';

/**
 * Scenarios 14–19 (../shared/seed/roadmap.md): each served by the targets that declare its
 * contract group, measured over HTTP (one ranking per variant: in-process requests, or the k6
 * script for the multi-step flow of 19 and with `LAB_ENGINE=k6`), and in-process with asserted
 * claims per data layer (bench/caching, bench/auth, bench/db-advanced, bench/real-world). The
 * variants are the k6 script's `-e` variables and the same requests for the in-process engine.
 */
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

/** Ids 1..HOT, as k6/lib/cache.js reads them. */
const hotCount = (c: ScenarioContext) => Math.max(1, Math.min(HOT_USERS, c.usersRows));
/** As the warm-up endpoint takes them: at most 10,000 a request. */
const WARM_CHUNK = 10_000;

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`POST ${url} answered ${response.status}: ${text.slice(0, 200)}`);
  }
  return JSON.parse(text);
}

/**
 * The k6 scripts' setup() for the cache variants: users 1..HOT stored in Redis through
 * `POST /cache/users/warm`. Every target reads the same entries — the contract's `User` JSON, as
 * the warming target wrote it — from the one Redis of the suite.
 */
const warmHotSet = async (baseUrl: string, c: ScenarioContext): Promise<Record<string, string>> => {
  const hot = hotCount(c);
  for (let from = 1; from <= hot; from += WARM_CHUNK) {
    const count = Math.min(WARM_CHUNK, hot - from + 1);
    const { warmed } = (await post(`${baseUrl}/cache/users/warm`, { from, count })) as {
      warmed: number;
    };
    // Fewer would make a "pure hit" ranking measure misses too.
    if (warmed !== count) {
      throw new Error(`cache warm-up of users ${from}–${from + count - 1} stored ${warmed}`);
    }
  }
  return {};
};

const readUser = (strategy: string) => (i: number, c: ScenarioContext) =>
  get(`/cache/users/${1 + pick(i, hotCount(c))}?strategy=${strategy}`);

/** Every author's password (the blog fixture); author 1 is the hardened account. */
const credentials = (id: number) => ({ email: `author${id}@example.com`, password: LAB_PASSWORD });

/** The k6 script's setup() for 16: a JWT and a session of author 2. */
const logIn = async (baseUrl: string): Promise<Record<string, string>> => {
  const tokens: Record<string, string> = {};
  for (const kind of ['jwt', 'session']) {
    const answer = (await post(`${baseUrl}/auth/${kind}/login`, credentials(2))) as {
      token: string;
    };
    tokens[kind] = answer.token;
  }
  return tokens;
};

const me = (kind: 'jwt' | 'session') => (_i: number, c: ScenarioContext) =>
  get(`/auth/${kind}/me`, { authorization: `Bearer ${c.prepared?.[kind] ?? ''}` });

/** A login as a random author from 2 on (the cheap hash), as the k6 script's. */
const login =
  (kind: 'jwt' | 'session') =>
  (i: number, c: ScenarioContext): RequestSpec => ({
    method: 'POST',
    path: `/auth/${kind}/login`,
    headers: JSON_HEADERS,
    body: JSON.stringify(credentials(2 + pick(i, Math.max(1, (c.authorsRows ?? 1000) - 1)))),
  });

/**
 * Turns for requests of ~150–250 ms at 10 in flight (17's reports, 18's scans): a 0.1-s turn
 * would end before most of its requests do.
 */
const SLOW_TURN = 1;
const TOP_AUTHORS = 10;
/** Page size of the searches, as the k6 script's SIZE default. */
const SEARCH_SIZE = 20;

const aggregate = (name: string, path: string, strategy: string): ScenarioVariant => ({
  name,
  env: {
    REPORT: name.startsWith('top-authors') ? 'top-authors' : 'by-country',
    STRATEGY: strategy,
  },
  request: () => get(`${path}${path.includes('?') ? '&' : '?'}strategy=${strategy}`),
  turnSeconds: SLOW_TURN,
});

const search = (name: string, strategy: string, term: string, slow: boolean): ScenarioVariant => ({
  name,
  env: { STRATEGY: strategy, TERM: term },
  request: () =>
    get(`/db/search?q=${encodeURIComponent(term)}&strategy=${strategy}&size=${SEARCH_SIZE}`),
  ...(slow ? { turnSeconds: SLOW_TURN } : {}),
});

/**
 * The rankings of each HTTP suite: one per variant. 19's iteration is a sequence of dependent
 * requests (a login's session, a read post's id), so it has no in-process requests: k6 runs it.
 */
export const GROUP_VARIANTS: Record<string, ScenarioVariant[]> = {
  '14-cache-hit': [
    { name: 'pure-hit', env: { MODE: 'hit' }, request: readUser('aside'), prepare: warmHotSet },
  ],
  '15-cache-miss-db': [
    { name: 'no-cache', env: { MODE: 'none' }, request: readUser('none') },
    { name: 'pure-miss', env: { MODE: 'miss' }, request: readUser('miss'), prepare: warmHotSet },
    {
      name: 'mixed-90-10',
      env: { MODE: 'mixed', HIT_RATIO: '0.9' },
      // Exactly one request in ten a forced miss, whatever the timing (the k6 script draws).
      request: (i, c) => readUser(i % 10 === 9 ? 'miss' : 'aside')(i, c),
      prepare: warmHotSet,
    },
  ],
  '16-auth': [
    { name: 'public', env: { ROUTE: 'public' }, request: () => get('/auth/public') },
    { name: 'jwt', env: { ROUTE: 'jwt' }, request: me('jwt'), prepare: logIn },
    { name: 'session', env: { ROUTE: 'session' }, request: me('session'), prepare: logIn },
    { name: 'jwt-login', env: { ROUTE: 'jwt-login' }, request: login('jwt') },
    { name: 'session-login', env: { ROUTE: 'session-login' }, request: login('session') },
  ],
  // No reduce over HTTP: with 10 requests in flight one takes 1.3 s (raw pg) to 20 s (MikroORM),
  // so 1-s slices hold no measurement; bench/db-advanced/17-aggregation asserts SQL vs reduce.
  '17-aggregation': [
    aggregate('by-country-raw', '/db/aggregate/orders-by/country', 'raw'),
    aggregate('by-country-builder', '/db/aggregate/orders-by/country', 'builder'),
    aggregate('top-authors-raw', `/db/aggregate/top-authors?size=${TOP_AUTHORS}`, 'raw'),
  ],
  '18-search': [
    search('ilike-selective', 'ilike', SELECTIVE_KEYWORD, true),
    search('trigram-selective', 'trigram', SELECTIVE_KEYWORD, false),
    search('fts-selective', 'fts', SELECTIVE_KEYWORD, false),
    search('trigram-common', 'trigram', 'data', true),
  ],
  '19-real-world-flow': [{ name: 'flow', env: {} }],
};

/** Data layers without a query builder have no `builder` strategy (17). */
export const VARIANT_LAYERS: Record<string, string[]> = {
  'by-country-builder': ['typeorm', 'mikroorm', 'sqlalchemy', 'django-orm'],
};
