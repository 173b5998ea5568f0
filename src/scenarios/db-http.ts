import type { RequestSpec } from '../load/inprocess/engine.ts';
import { get, JSON_HEADERS, pick } from './basic.ts';
import { CLOSED_10_VUS_DB } from './load-profiles.ts';
import type { ScenarioDefinition, ScenarioVariant } from './types.ts';

/**
 * Scenarios 10–13 over HTTP (framework × data layer targets, k6 scripts under k6/db-advanced/),
 * and the variants each HTTP suite measures. 09's definition lives in db-pagination.ts.
 */
export type HttpVariant = ScenarioVariant & {
  /** Only targets on these data layers (raw-SQL strategies exist in the raw SQL layers only). */
  layers?: string[];
  /** The same requests for the in-process engine (the default engine of the suites). */
  request: NonNullable<ScenarioVariant['request']>;
};

/** Page size of the reads, as the k6 scripts' SIZE default. */
const SIZE = 20;
/**
 * Rows written or updated per bulk request in-process: 200, as the quick in-process claims (the
 * k6 script's default is 1,000): 1,000 individual INSERTs take longer than a turn on the ORM
 * layers, and the ranking needs many requests per turn.
 */
const BULK_ROWS = 200;
/** Turns long enough for several row-by-row bulk requests each. */
const SLOW_TURN = 0.5;
/** Row sets an update variant spreads its requests over: 10 connections never share one. */
const UPDATE_SETS = 16;
/** The run's tag keeps inserted skus unique across runs in one database. */
const RUN = `ip-${process.pid}-${Date.now().toString(36)}`;

const bulkItems = (prefix: string, rows = BULK_ROWS) =>
  Array.from({ length: rows }, (_, k) => ({
    sku: `${prefix}-${k}`,
    name: `Bench item ${k}`,
    quantity: k % 100,
    price: `${(k % 1000) + 1}.99`,
  }));

const insert =
  (strategy: string) =>
  (i: number): RequestSpec => ({
    method: 'POST',
    path: `/db/bulk/insert?strategy=${strategy}`,
    headers: JSON_HEADERS,
    body: JSON.stringify({ items: bulkItems(`${RUN}-${strategy}-${i}`) }),
  });

/** Rows the update variants change, re-created after every restore: UPDATE_SETS × BULK_ROWS. */
const UPDATE_ROWS_SQL = `INSERT INTO bulk_items (sku, name, quantity, price)
  SELECT 'upd-' || s || '-' || k, 'Bench item ' || k, 0, 1.99
  FROM generate_series(0, ${UPDATE_SETS - 1}) AS s, generate_series(0, ${BULK_ROWS - 1}) AS k`;

const update =
  (strategy: string) =>
  (i: number): RequestSpec => {
    // Consecutive requests take consecutive sets: the 10 in flight never touch the same rows.
    const set = i % UPDATE_SETS;
    const quantity = (i * 7919) % 1000;
    return {
      method: 'POST',
      path: `/db/bulk/update?strategy=${strategy}`,
      headers: JSON_HEADERS,
      body: JSON.stringify({
        updates: Array.from({ length: BULK_ROWS }, (_, k) => ({
          sku: `upd-${set}-${k}`,
          quantity,
        })),
      }),
    };
  };

const db = (
  id: string,
  script: string,
  number: number,
  title: string,
  measures: string,
  fixtures: ScenarioDefinition['fixtures'],
  mutates: boolean,
): ScenarioDefinition => ({
  id,
  number,
  title,
  category: 'db-advanced',
  measures,
  fixtures,
  mutates,
  k6: { script: `k6/db-advanced/${script}.js` },
  load: CLOSED_10_VUS_DB,
});

export const DB_HTTP_SCENARIOS: readonly ScenarioDefinition[] = [
  db(
    '10-db-column-overhead',
    '10-columns',
    10,
    'DB column overhead',
    'pages of 5 / 20 / 50 columns and a 5-column projection, over HTTP',
    ['columns'],
    false,
  ),
  db(
    '11-db-n-plus-one',
    '11-n-plus-one',
    11,
    'DB N+1',
    'authors with their posts: lazy (1 + N), eager (JOIN), select-in (2), over HTTP',
    ['blog'],
    false,
  ),
  db(
    '12-db-bulk-operations',
    '12-bulk',
    12,
    'DB bulk writes',
    '1,000-row inserts and updates per request by strategy, over HTTP',
    ['bulk'],
    true,
  ),
  {
    ...db(
      '13-db-transactions',
      '13-transactions',
      13,
      'DB transactions',
      'concurrent decrements of one hot row by locking strategy, over HTTP',
      ['inventory'],
      true,
    ),
    // The fixture's 1,000 units last about a second at 10 VUs; then every answer is a 409.
    afterReset: 'UPDATE products SET stock = 10000000 WHERE id = 1',
  },
];

/** Shallow starts, as the k6 script without DEEP=1: the first 1,000 rows. */
const SHALLOW = 1000;

export const HTTP_VARIANTS: Record<string, HttpVariant[]> = {
  '09-db-pagination': [
    {
      name: 'offset',
      env: { VARIANT: 'offset' },
      request: (i) => get(`/db/users/offset?skip=${pick(i, SHALLOW - SIZE + 1)}&size=${SIZE}`),
    },
    {
      name: 'keyset',
      env: { VARIANT: 'keyset' },
      request: (i) => get(`/db/users/keyset?after=${pick(i, SHALLOW - SIZE + 1)}&size=${SIZE}`),
    },
    {
      name: 'cursor',
      env: { VARIANT: 'cursor' },
      // Pages anywhere in the walk (the k6 script follows `next`; here its cursors are ready).
      request: (i, c) =>
        get(
          c.cursors.length > 0
            ? `/db/users/cursor?size=${SIZE}&cursor=${c.cursors[pick(i, c.cursors.length)]}`
            : `/db/users/cursor?size=${SIZE}`,
        ),
    },
  ],
  '10-db-column-overhead': ['narrow', 'wide', 'extra_wide', 'wide_projected'].map((shape) => ({
    name: shape,
    env: { SHAPE: shape },
    request: (i: number) => get(`/db/columns/${shape}?skip=${pick(i, 1001)}&size=${SIZE}`),
  })),
  '11-db-n-plus-one': ['lazy', 'eager', 'select-in'].map((strategy) => ({
    name: strategy,
    env: { STRATEGY: strategy },
    request: (i: number) =>
      get(`/db/authors?strategy=${strategy}&skip=${pick(i, 1000 - SIZE + 1)}&size=${SIZE}`),
  })),
  '12-db-bulk-operations': [
    {
      name: 'individual',
      env: { STRATEGY: 'individual', ROWS: String(BULK_ROWS) },
      request: insert('individual'),
      turnSeconds: SLOW_TURN,
    },
    {
      name: 'orm-batch',
      env: { STRATEGY: 'orm-batch', ROWS: String(BULK_ROWS) },
      request: insert('orm-batch'),
      turnSeconds: SLOW_TURN,
    },
    { name: 'multi-values', env: { STRATEGY: 'multi-values' }, request: insert('multi-values') },
    {
      name: 'unnest',
      env: { STRATEGY: 'unnest' },
      layers: ['pg', 'pgx'],
      request: insert('unnest'),
    },
    { name: 'copy', env: { STRATEGY: 'copy' }, layers: ['pg', 'pgx'], request: insert('copy') },
    {
      name: 'bulk-update',
      env: { MODE: 'update', STRATEGY: 'bulk', ROWS: String(BULK_ROWS) },
      request: update('bulk'),
      afterReset: UPDATE_ROWS_SQL,
    },
    {
      name: 'individual-update',
      env: { MODE: 'update', STRATEGY: 'individual', ROWS: String(BULK_ROWS) },
      request: update('individual'),
      afterReset: UPDATE_ROWS_SQL,
      turnSeconds: SLOW_TURN,
    },
  ],
  '13-db-transactions': ['none', 'pessimistic', 'optimistic', 'serializable'].map((strategy) => ({
    name: strategy,
    env: { STRATEGY: strategy },
    request: (): RequestSpec => ({
      method: 'POST',
      path: `/db/products/1/decrement?strategy=${strategy}`,
      headers: JSON_HEADERS,
      body: '{"quantity":1}',
    }),
    // 409 (not applied: retries exhausted) is an outcome of the scenario, not an error.
    expectStatus: (status: number) => status === 200 || status === 409,
  })),
};
