import { Redis } from 'ioredis';
import pg from 'pg';
import type { HttpMethod } from '../../contract/index.ts';
import { countStatements, type StatementCount } from '../../data/query-count.ts';
import { CheckFailed } from '../expect.ts';
import type { HttpResponse } from '../http.ts';
import { preview } from '../schemas.ts';
import { type CheckContext, send } from './context.ts';

/**
 * What the db checks and the checks of scenarios 14–19 read as their oracles: the target's
 * database (rows, and the statements a request sent, from pg_stat_statements) and its Redis
 * (keys, TTLs, and the commands a request sent, from INFO commandstats). Both counters see the
 * whole server: the checks need it to themselves while they run.
 */

/** Rows of one query on a connection of its own. */
export async function sqlRows<T>(
  databaseUrl: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

export type RequestInit = { headers?: Record<string, string>; body?: string };

/** Sends the request while counting the statements the target sends for it. */
export async function sendCounted(
  ctx: CheckContext,
  databaseUrl: string,
  method: Uppercase<HttpMethod>,
  path: string,
  init: RequestInit = {},
): Promise<{ res: HttpResponse; statements: StatementCount }> {
  let res: HttpResponse | undefined;
  const statements = await countStatements(databaseUrl, async () => {
    res = await send(ctx, method, path, init);
  });
  return { res: res as HttpResponse, statements };
}

export function expectStatements(
  what: string,
  statements: StatementCount,
  expected: number | { min: number; max: number },
): void {
  const ok =
    typeof expected === 'number'
      ? statements.total === expected
      : statements.total >= expected.min && statements.total <= expected.max;
  if (ok) return;
  const wanted =
    typeof expected === 'number' ? String(expected) : `${expected.min}–${expected.max}`;
  const top = statements.byQuery
    .slice(0, 3)
    .map((row) => `  ${row.calls}× ${preview(row.query.replace(/\s+/g, ' '), 100)}`);
  throw new CheckFailed(
    [`expected ${wanted} SQL statements for ${what}, received ${statements.total}`, ...top].join(
      '\n',
    ),
  );
}

/** Redis commands per name (`get`, `set`…), as `INFO commandstats` counts them. */
export type RedisCommands = Record<string, number>;

/** The verifier's own Redis connection (closed by verifyTarget). */
export function redisOracle(url: string): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  return redis;
}

/** The commands Redis served while `work` ran (the counter's own are left out). */
export async function countRedisCommands(
  redis: Redis,
  work: () => Promise<unknown>,
): Promise<RedisCommands> {
  if (redis.status === 'wait') await redis.connect();
  await redis.config('RESETSTAT');
  await work();
  const info = await redis.info('commandstats');
  const commands: RedisCommands = {};
  for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (name === 'info' || name === 'config|resetstat') continue;
    commands[name as string] = Number(calls);
  }
  return commands;
}

/** Exactly these commands (e.g. `{ get: 1 }` for a cache hit), or CheckFailed naming them. */
export function expectRedisCommands(
  what: string,
  received: RedisCommands,
  expected: RedisCommands | ((received: RedisCommands) => boolean),
  description?: string,
): void {
  const ok =
    typeof expected === 'function'
      ? expected(received)
      : JSON.stringify(Object.entries(received).sort()) ===
        JSON.stringify(Object.entries(expected).sort());
  if (!ok) {
    const wanted = description ?? JSON.stringify(expected);
    throw new CheckFailed(
      `expected Redis commands ${wanted} for ${what}, received ${JSON.stringify(received)}`,
    );
  }
}
