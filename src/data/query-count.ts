import pg from 'pg';

/**
 * Counts the SQL statements a piece of work sends, from `pg_stat_statements` (preloaded by every
 * lab server), so "lazy = 1 + N, eager = 1" is checked on the server, not trusted from the code.
 * Only statements of the given database count; transaction control (BEGIN/COMMIT/ROLLBACK,
 * SAVEPOINT) and the counter's own queries are left out. Run the work alone: concurrent
 * sessions on the same database are counted too.
 */
export interface StatementCount {
  total: number;
  /** Calls per normalised statement text. */
  byQuery: Array<{ query: string; calls: number }>;
}

const CONTROL =
  /^\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SAVEPOINT|RELEASE|SET|SHOW|DISCARD|DEALLOCATE)\b/i;

export async function countStatements(
  databaseUrl: string,
  work: () => Promise<unknown>,
): Promise<StatementCount> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_stat_statements_reset()');
    await work();
    const { rows } = await admin.query<{ query: string; calls: string }>(
      `SELECT s.query, s.calls::text AS calls
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = current_database()`,
    );
    const byQuery = rows
      .filter((row) => !CONTROL.test(row.query) && !/pg_stat_statements/.test(row.query))
      .map((row) => ({ query: row.query, calls: Number(row.calls) }))
      .sort((a, b) => b.calls - a.calls);
    return { total: byQuery.reduce((sum, row) => sum + row.calls, 0), byQuery };
  } finally {
    await admin.end();
  }
}
