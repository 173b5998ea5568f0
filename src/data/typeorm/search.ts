import type { DataSource } from 'typeorm';
import { checkSearch } from '../pg/search.ts';
import type { DataLayer, SearchStrategy } from '../types.ts';
import { Document } from './entities.ts';

/**
 * Scenario 18 through one SelectQueryBuilder per strategy: ILIKE on the column, LIKE on
 * lower(body) (the trigram index's expression: TypeORM has no find operator for an expression),
 * and a tsquery on `search_vector` (a generated column the entity does not map). TypeORM sends
 * unnamed statements, so every term is planned on its own.
 */
const CONDITION: Readonly<Record<SearchStrategy, (term: string) => [string, object]>> = {
  ilike: (term) => ['d.body ILIKE :pattern', { pattern: `%${term}%` }],
  trigram: (term) => ['LOWER(d.body) LIKE :pattern', { pattern: `%${term.toLowerCase()}%` }],
  fts: (term) => ["d.search_vector @@ plainto_tsquery('english', :term)", { term }],
};

export function typeormSearch(dataSource: DataSource): Pick<DataLayer, 'searchDocuments'> {
  const documents = dataSource.getRepository(Document);
  return {
    async searchDocuments(strategy, term, size) {
      checkSearch(strategy, term, size);
      const [where, parameters] = CONDITION[strategy](term);
      const found = await documents
        .createQueryBuilder('d')
        .select(['d.id', 'd.title', 'd.createdAt'])
        .where(where, parameters)
        .orderBy('d.createdAt', 'DESC')
        .addOrderBy('d.id', 'DESC')
        .limit(size)
        .getMany();
      return found.map((doc) => ({
        id: doc.id,
        title: doc.title,
        createdAt: doc.createdAt.toISOString(),
      }));
    },
  };
}
