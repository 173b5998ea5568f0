import { HttpError } from '../../targets/shared/errors.ts';
import { SEARCH_STRATEGIES, SEARCH_TERM } from '../pg/search.ts';
import type { DataLayer, SearchStrategy } from '../types.ts';
import { DB_SIZE, intParam, oneOf, withDataErrors } from './db-routes.ts';

/**
 * `GET /db/search?q&strategy&size` of scenario 18, framework-neutral (see db-routes.ts).
 * `q` is 3–64 ASCII letters and digits in words separated by single spaces: no LIKE wildcard or
 * escape character ever reaches SQL, so no target has to escape one.
 */
export const SEARCH_QUERY = {
  minLength: 3,
  maxLength: 64,
  pattern: '^[A-Za-z0-9]+( [A-Za-z0-9]+)*$',
};
export { SEARCH_STRATEGIES };

export interface SearchArgs {
  q: string;
  strategy: SearchStrategy;
  size: number;
}

export function parseSearchQuery(query: Record<string, unknown> | undefined | null): SearchArgs {
  const q = query?.q;
  if (typeof q !== 'string' || !SEARCH_TERM.test(q)) {
    throw new HttpError(
      'validation_failed',
      'q must be 3–64 ASCII letters and digits, words separated by single spaces',
    );
  }
  return {
    q,
    strategy: oneOf('strategy', query?.strategy, SEARCH_STRATEGIES),
    size: intParam('size', query?.size, DB_SIZE),
  };
}

export function searchOperations(layer: DataLayer) {
  return {
    search: ({ q, strategy, size }: SearchArgs) =>
      withDataErrors(async () => ({ items: await layer.searchDocuments(strategy, q, size) })),
  };
}
