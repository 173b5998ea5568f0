import { expectEqual, expectJson } from '../expect.ts';
import { preview } from '../schemas.ts';
import type { Check, CheckContext } from './context.ts';
import { groupSql, refused, sendCountingAll, targetDataLayer } from './group-support.ts';
import { expectStatements } from './oracle.ts';

/**
 * Scenarios 17 (`aggregate` group) and 18 (`search` group). Every aggregate strategy the
 * target's layer has must answer what the SQL oracle computes (decimals as PostgreSQL prints
 * them), in 1 statement (2 for the reduced top-authors); `builder` on a layer without a query
 * builder is 400 naming the layer. Search: `ilike` and `trigram` both answer the substring oracle
 * (written with position(), not LIKE), `fts` the tsquery oracle, in 1 statement, for a
 * selective keyword, a rare word and a common one.
 */
const STRATEGIES = ['raw', 'builder', 'reduce'] as const;
/** Layers without a query builder (GET /meta's dataLayer). */
const NO_BUILDER = new Set(['pg', 'pgx']);

async function hasStrategy(ctx: CheckContext, strategy: string): Promise<boolean | undefined> {
  if (strategy !== 'builder') return true;
  const layer = await targetDataLayer(ctx);
  return layer === undefined ? undefined : !NO_BUILDER.has(layer);
}

const GROUP_ORACLE = (dimension: 'country' | 'status') => `
  SELECT ${dimension} AS key, count(*)::int AS orders, sum(quantity)::int AS quantity,
         sum(amount)::text AS revenue, round(avg(amount), 2)::text AS "avgAmount"
    FROM orders GROUP BY 1 ORDER BY convert_to(${dimension}, 'UTF8')`;
const TOP_ORACLE = `
  SELECT a.id::int AS "authorId", a.name, count(*)::int AS orders,
         sum(o.amount)::text AS revenue, round(avg(o.amount), 2)::text AS "avgAmount"
    FROM authors a JOIN orders o ON o.author_id = a.id
   GROUP BY a.id ORDER BY sum(o.amount) DESC, a.id LIMIT 5`;

interface Report {
  name: string;
  path: (strategy: string) => string;
  operation: string;
  oracle: (ctx: CheckContext) => Promise<unknown>;
  statements: (strategy: string) => number;
}

const REPORTS: Report[] = [
  {
    name: 'count',
    path: (s) => `/db/aggregate/count?strategy=${s}`,
    operation: '/db/aggregate/count',
    oracle: async (ctx) => ({
      count: (await groupSql<{ n: number }>(ctx, 'SELECT count(*)::int AS n FROM orders'))[0]?.n,
    }),
    statements: () => 1,
  },
  ...(['country', 'status'] as const).map(
    (dimension): Report => ({
      name: `by-${dimension}`,
      path: (s) => `/db/aggregate/orders-by/${dimension}?strategy=${s}`,
      operation: '/db/aggregate/orders-by/{dimension}',
      oracle: async (ctx) => ({ items: await groupSql(ctx, GROUP_ORACLE(dimension)) }),
      statements: () => 1,
    }),
  ),
  {
    name: 'top-authors',
    path: (s) => `/db/aggregate/top-authors?strategy=${s}&size=5`,
    operation: '/db/aggregate/top-authors',
    oracle: async (ctx) => ({ items: await groupSql(ctx, TOP_ORACLE) }),
    statements: (s) => (s === 'reduce' ? 2 : 1),
  },
];

const aggregateCheck = (report: Report, strategy: string): Check => ({
  id: `aggregate.${report.name}.${strategy}`,
  description: `${report.path(strategy)} answers the SQL oracle in ${report.statements(strategy)} statement(s) (or 400 naming a layer without a query builder)`,
  async run(ctx) {
    const has = await hasStrategy(ctx, strategy);
    const { res, statements } = await sendCountingAll(ctx, 'GET', report.path(strategy));
    if (has === false || (has === undefined && res.status === 400)) {
      const body = expectJson(ctx.validators, res, {
        status: 400,
        operation: ['get', report.operation],
        code: 'validation_failed',
      }) as { error: { message: string } };
      const layer = await targetDataLayer(ctx);
      if (layer && !body.error.message.includes(layer)) {
        expectEqual('a message naming the data layer', layer, body.error.message);
      }
      return;
    }
    const body = expectJson(ctx.validators, res, {
      status: 200,
      operation: ['get', report.operation],
    });
    expectEqual('the report', await report.oracle(ctx), body);
    expectStatements(`${report.name} (${strategy})`, statements, report.statements(strategy));
  },
});

export const AGGREGATE_CHECKS: readonly Check[] = [
  ...REPORTS.flatMap((report) => STRATEGIES.map((strategy) => aggregateCheck(report, strategy))),
  ...(
    [
      ['count.missing-strategy', '/db/aggregate/count', '/db/aggregate/count', 400],
      ['count.unknown-strategy', '/db/aggregate/count?strategy=sql', '/db/aggregate/count', 400],
      [
        'orders-by.unknown-dimension',
        '/db/aggregate/orders-by/city?strategy=raw',
        '/db/aggregate/orders-by/{dimension}',
        404,
      ],
      [
        'orders-by.missing-strategy',
        '/db/aggregate/orders-by/country',
        '/db/aggregate/orders-by/{dimension}',
        400,
      ],
      ...['0', '101', 'ten', '2.5', ''].map(
        (size) =>
          [
            `top-authors.size-${size || 'empty'}`,
            `/db/aggregate/top-authors?strategy=raw&size=${size}`,
            '/db/aggregate/top-authors',
            400,
          ] as const,
      ),
    ] as const
  ).map(([name, path, operation, status]) =>
    refused(`aggregate.${name}`, `GET ${path} answers ${status}`, {
      path,
      operation,
      status,
      code: status === 404 ? 'not_found' : 'validation_failed',
    }),
  ),
];

const NEWEST = (where: string) => `
  SELECT id::int AS id, title, to_char(created_at AT TIME ZONE 'UTC',
         'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
    FROM documents WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`;
const SUBSTRING = NEWEST('position(lower($1) in lower(body)) > 0');
const WORDS = NEWEST("search_vector @@ plainto_tsquery('english', $1)");

/** The selective term: the keyword that ends document 1's body. */
async function keyword(ctx: CheckContext): Promise<string> {
  const [row] = await groupSql<{ keyword: string }>(
    ctx,
    "SELECT split_part(body, ' ', -1) AS keyword FROM documents ORDER BY id LIMIT 1",
  );
  return row?.keyword ?? 'zaqoki';
}

const TERMS: Array<[string, (ctx: CheckContext) => Promise<string>]> = [
  ['keyword', keyword],
  ['rare-word', async () => 'zephyr'],
  ['common-word', async () => 'data'],
];

export const SEARCH_CHECKS: readonly Check[] = [
  ...TERMS.flatMap(([termName, term]) =>
    (['ilike', 'trigram', 'fts'] as const).map(
      (strategy): Check => ({
        id: `search.${strategy}.${termName}`,
        description: `GET /db/search?strategy=${strategy} for a ${termName} answers the ${strategy === 'fts' ? 'full-text' : 'substring'} oracle's newest 20 in 1 statement`,
        async run(ctx) {
          const q = await term(ctx);
          const { res, statements } = await sendCountingAll(
            ctx,
            'GET',
            `/db/search?q=${encodeURIComponent(q)}&strategy=${strategy}&size=20`,
          );
          const body = expectJson(ctx.validators, res, {
            status: 200,
            operation: ['get', '/db/search'],
          });
          const oracle = await groupSql(ctx, strategy === 'fts' ? WORDS : SUBSTRING, [q, 20]);
          expectEqual(`the matches of ${preview(q)}`, { items: oracle }, body);
          expectStatements(`a ${strategy} search`, statements, 1);
        },
      }),
    ),
  ),
  {
    id: 'search.trigram-equals-ilike',
    description: 'trigram answers exactly the ilike rows for a two-word phrase (size 100)',
    async run(ctx) {
      const path = (s: string) => `/db/search?q=the%20data&strategy=${s}&size=100`;
      const [ilike, trigram] = await Promise.all(
        ['ilike', 'trigram'].map(async (s) =>
          expectJson(ctx.validators, await ctx.client.send({ method: 'GET', path: path(s) }), {
            status: 200,
            operation: ['get', '/db/search'],
          }),
        ),
      );
      expectEqual('the trigram rows', ilike, trigram);
    },
  },
  ...(
    [
      ['missing-q', 'strategy=ilike'],
      ['short-q', 'q=ab&strategy=ilike'],
      ['long-q', `q=${'x'.repeat(65)}&strategy=ilike`],
      ['percent', 'q=da%25ta&strategy=ilike'],
      ['underscore', 'q=da_ta&strategy=trigram'],
      ['double-space', 'q=the%20%20data&strategy=fts'],
      ['leading-space', 'q=%20data&strategy=fts'],
      ['missing-strategy', 'q=data'],
      ['unknown-strategy', 'q=data&strategy=regex'],
      ['size-zero', 'q=data&strategy=ilike&size=0'],
      ['size-too-large', 'q=data&strategy=ilike&size=101'],
    ] as const
  ).map(([name, query]) =>
    refused(`search.${name}`, `GET /db/search?${query} answers 400`, {
      path: `/db/search?${query}`,
      operation: '/db/search',
    }),
  ),
];
