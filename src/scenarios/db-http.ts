import { CLOSED_10_VUS_DB } from './load-profiles.ts';
import type { ScenarioDefinition } from './types.ts';

/**
 * Scenarios 10–13 over HTTP (framework × data layer targets, k6 scripts under k6/db-advanced/),
 * and the variants each HTTP suite measures. 09's definition lives in db-pagination.ts.
 */
export interface HttpVariant {
  name: string;
  /** `-e` variables of the k6 script. */
  env: Record<string, string>;
  /** Only targets on these data layers (raw-SQL strategies exist in the pg layer only). */
  layers?: string[];
}

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

export const HTTP_VARIANTS: Record<string, HttpVariant[]> = {
  '09-db-pagination': [
    { name: 'offset', env: { VARIANT: 'offset' } },
    { name: 'keyset', env: { VARIANT: 'keyset' } },
    { name: 'cursor', env: { VARIANT: 'cursor' } },
  ],
  '10-db-column-overhead': ['narrow', 'wide', 'extra_wide', 'wide_projected'].map((shape) => ({
    name: shape,
    env: { SHAPE: shape },
  })),
  '11-db-n-plus-one': ['lazy', 'eager', 'select-in'].map((strategy) => ({
    name: strategy,
    env: { STRATEGY: strategy },
  })),
  '12-db-bulk-operations': [
    { name: 'individual', env: { STRATEGY: 'individual' } },
    { name: 'orm-batch', env: { STRATEGY: 'orm-batch' } },
    { name: 'multi-values', env: { STRATEGY: 'multi-values' } },
    { name: 'unnest', env: { STRATEGY: 'unnest' }, layers: ['pg', 'pgx'] },
    { name: 'copy', env: { STRATEGY: 'copy' }, layers: ['pg', 'pgx'] },
    { name: 'bulk-update', env: { MODE: 'update', STRATEGY: 'bulk' } },
    { name: 'individual-update', env: { MODE: 'update', STRATEGY: 'individual' } },
  ],
  '13-db-transactions': ['none', 'pessimistic', 'optimistic', 'serializable'].map((strategy) => ({
    name: strategy,
    env: { STRATEGY: strategy },
  })),
};
