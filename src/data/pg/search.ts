import type pg from 'pg';
import { checkPageSize, DataInputError } from '../errors.ts';
import type { DataLayer, SearchHit, SearchStrategy } from '../types.ts';

/**
 * Scenario 18 on raw pg. SEARCH_SQL is the reference SQL of the contract: $1 = the term, $2 =
 * size, newest matches first. `ilike` and `trigram` find the same rows (ASCII text, where ILIKE
 * and lower() agree); only `trigram`'s expression matches the GIN index on lower(body).
 *
 * These are not named prepared statements: after five executions PostgreSQL may switch a
 * prepared statement to a generic plan, which cannot tell a selective term from a common one;
 * a custom plan per term is what chooses between the index and a scan.
 */
const SELECT = 'SELECT id, title, created_at FROM documents';
const NEWEST = 'ORDER BY created_at DESC, id DESC LIMIT $2';

export const SEARCH_SQL: Readonly<Record<SearchStrategy, string>> = {
  ilike: `${SELECT} WHERE body ILIKE '%' || $1 || '%' ${NEWEST}`,
  trigram: `${SELECT} WHERE lower(body) LIKE '%' || lower($1) || '%' ${NEWEST}`,
  fts: `${SELECT} WHERE search_vector @@ plainto_tsquery('english', $1) ${NEWEST}`,
};

export const SEARCH_STRATEGIES: readonly SearchStrategy[] = ['ilike', 'trigram', 'fts'];

/** The contract's rule for `q`: no LIKE wildcard or escape character can reach the SQL. */
export const SEARCH_TERM = /^(?=.{3,64}$)[A-Za-z0-9]+( [A-Za-z0-9]+)*$/;

export function checkSearch(strategy: SearchStrategy, term: string, size: number): void {
  checkPageSize(size);
  if (!SEARCH_STRATEGIES.includes(strategy)) {
    throw new DataInputError('out_of_range', `unknown search strategy ${JSON.stringify(strategy)}`);
  }
  if (typeof term !== 'string' || !SEARCH_TERM.test(term)) {
    throw new DataInputError(
      'out_of_range',
      'q must be 3–64 ASCII letters and digits, words separated by single spaces',
    );
  }
}

export function pgSearch(pool: pg.Pool): Pick<DataLayer, 'searchDocuments'> {
  return {
    async searchDocuments(strategy, term, size) {
      checkSearch(strategy, term, size);
      const { rows } = await pool.query<{ id: number; title: string; created_at: string }>(
        SEARCH_SQL[strategy],
        [term, size],
      );
      return rows.map(
        (row): SearchHit => ({ id: row.id, title: row.title, createdAt: row.created_at }),
      );
    },
  };
}
