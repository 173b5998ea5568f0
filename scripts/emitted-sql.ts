/**
 * Prints, per data layer and operation of scenarios 09–19, the SQL statements the server received
 * (normalised by pg_stat_statements) and how often: the source of the "SQL each layer emits"
 * sections in docs/scenarios/. Starts its own lab (local provider), so it needs nothing running.
 *
 *   node scripts/emitted-sql.ts [pg,typeorm,mikroorm] > /tmp/sql.md
 */
import pg from 'pg';
import { DATA_LAYERS, openDataLayer } from '../src/data/index.ts';
import { countStatements } from '../src/data/query-count.ts';
import type { DataLayer } from '../src/data/types.ts';
import { startLab } from '../src/infra/lab.ts';

const layers = (process.argv[2]?.split(',') ?? [...DATA_LAYERS]).filter(Boolean);
const lab = await startLab({
  fixtures: ['users', 'columns', 'blog', 'bulk', 'inventory', 'aggregation', 'documents'],
  scale: 0.01,
});
const url = lab.pg.url;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    sku: `doc-${i}`,
    name: `Item ${i}`,
    quantity: i,
    price: '1.50',
  }));

const operations: Array<[string, (layer: DataLayer) => Promise<unknown>]> = [
  ['09 offset page (skip 500, 20)', (l) => l.offsetPage(500, 20)],
  ['09 keyset page (after 500, 20)', (l) => l.keysetPage(500, 20)],
  [
    '09 opaque cursor (first page, then the next; 20 rows)',
    async (l) => l.cursorPage((await l.cursorPage(null, 20)).next, 20),
  ],
  ['10 extra_wide (100 rows)', (l) => l.readColumns('extra_wide', 0, 100)],
  ['10 wide_projected (100 rows)', (l) => l.readColumns('wide_projected', 0, 100)],
  ['11 lazy (3 authors)', (l) => l.authorsWithPosts('lazy', 0, 3)],
  ['11 eager (3 authors)', (l) => l.authorsWithPosts('eager', 0, 3)],
  ['11 select-in (3 authors)', (l) => l.authorsWithPosts('select-in', 0, 3)],
  ['12 individual insert (3 rows)', (l) => l.bulkInsert('individual', items(3))],
  ['12 orm-batch insert (3 rows)', (l) => l.bulkInsert('orm-batch', items(3))],
  ['12 multi-values insert (3 rows)', (l) => l.bulkInsert('multi-values', items(3))],
  ['12 unnest insert (3 rows)', (l) => l.bulkInsert('unnest', items(3))],
  ['12 copy insert (3 rows)', (l) => l.bulkInsert('copy', items(3))],
  [
    '12 individual update (3 rows)',
    (l) =>
      l.bulkUpdate(
        'individual',
        items(3).map((it) => ({ sku: it.sku, quantity: 7 })),
      ),
  ],
  [
    '12 bulk update (3 rows)',
    (l) =>
      l.bulkUpdate(
        'bulk',
        items(3).map((it) => ({ sku: it.sku, quantity: 8 })),
      ),
  ],
  ['13 none', (l) => l.decrementStock('none', 1, 1)],
  ['13 pessimistic', (l) => l.decrementStock('pessimistic', 1, 1)],
  ['13 optimistic', (l) => l.decrementStock('optimistic', 1, 1)],
  ['13 serializable', (l) => l.decrementStock('serializable', 1, 1)],
  ['14–15 user by id (the read behind the cache)', (l) => l.userById(5)],
  ['15 rename (before the DEL)', (l) => l.renameUser(6, 'Renamed')],
  ['15 warm-up range (10 users)', (l) => l.usersInRange(1, 10)],
  ['16 account by email (login)', (l) => l.accountByEmail('author2@example.com')],
  ...(['raw', 'builder', 'reduce'] as const).flatMap(
    (s): Array<[string, (layer: DataLayer) => Promise<unknown>]> => [
      [`17 count ${s}`, (l) => l.countOrders(s)],
      [`17 orders by country ${s}`, (l) => l.ordersBy('country', s)],
      [`17 top authors ${s}`, (l) => l.topAuthors(s, 10)],
    ],
  ),
  ...(['ilike', 'trigram', 'fts'] as const).map(
    (s): [string, (layer: DataLayer) => Promise<unknown>] => [
      `18 search ${s}`,
      (l) => l.searchDocuments(s, 'zozaza', 20),
    ],
  ),
  ['19 posts of an author', (l) => l.postsOfAuthor(3, 0, 20)],
  ['19 one post', (l) => l.postOfAuthor(3, 3)],
  ['19 retitle', (l) => l.retitlePost(3, 3, 'Retitled')],
];

try {
  for (const name of layers) {
    const layer = await openDataLayer(name, { databaseUrl: url, poolSize: 2 });
    console.log(`\n## ${name}\n`);
    for (const [label, run] of operations) {
      if (label.startsWith('12') && label.includes('insert')) {
        await admin.query('TRUNCATE bulk_items RESTART IDENTITY');
      }
      if (label.startsWith('12') && label.includes('update')) {
        await admin.query('TRUNCATE bulk_items RESTART IDENTITY');
        await layer.bulkInsert('multi-values', items(3));
      }
      const strategy = label.split(' ')[1] as string;
      if (
        label.startsWith('17') &&
        label.endsWith('builder') &&
        !layer.aggregateStrategies.includes('builder')
      ) {
        console.log(`### ${label}\n\nnot offered by ${name} (no query builder)\n`);
        continue;
      }
      if (
        label.startsWith('12') &&
        !layer.bulkInsertStrategies.includes(strategy as never) &&
        label.includes('insert')
      ) {
        console.log(`### ${label}\n\nnot offered by ${name} (raw SQL strategy)\n`);
        continue;
      }
      // Warm once so one-time metadata queries of the ORMs are not counted.
      await run(layer);
      if (label.startsWith('12')) await admin.query('TRUNCATE bulk_items RESTART IDENTITY');
      if (label.startsWith('12') && label.includes('update'))
        await layer.bulkInsert('multi-values', items(3));
      const counted = await countStatements(url, () => run(layer));
      console.log(`### ${label}: ${counted.total} statement${counted.total === 1 ? '' : 's'}\n`);
      console.log('```sql');
      for (const { query, calls } of counted.byQuery) {
        console.log(`-- ×${calls}\n${query.replace(/\s+/g, ' ').trim()};`);
      }
      console.log('```\n');
    }
    await layer.close();
  }
} finally {
  await admin.end();
  await lab.stop();
}
