import { type MikroORM, raw } from '@mikro-orm/postgresql';
import { checkSearch } from '../pg/search.ts';
import type { DataLayer, SearchStrategy } from '../types.ts';
import { Document } from './entities.ts';

/**
 * Scenario 18 through `em.find`: `$ilike` on the column, `$like` on a raw `lower(body)` key (the
 * trigram index's expression), and `$fulltext` on the FullTextType property (`search_vector @@
 * plainto_tsquery('english', …)`). MikroORM inlines the term into the SQL text, so every term is
 * planned on its own.
 */
const WHERE: Readonly<Record<SearchStrategy, (term: string) => object>> = {
  ilike: (term) => ({ body: { $ilike: `%${term}%` } }),
  trigram: (term) => ({
    [raw((alias) => `lower(${alias}.body)`)]: { $like: `%${term.toLowerCase()}%` },
  }),
  fts: (term) => ({ searchVector: { $fulltext: term } }),
};

export function mikroormSearch(orm: MikroORM): Pick<DataLayer, 'searchDocuments'> {
  return {
    async searchDocuments(strategy, term, size) {
      checkSearch(strategy, term, size);
      const found = await orm.em.fork().find(Document, WHERE[strategy](term) as never, {
        fields: ['id', 'title', 'createdAt'],
        orderBy: { createdAt: 'desc', id: 'desc' },
        limit: size,
      });
      return found.map((doc) => ({
        id: doc.id,
        title: doc.title,
        createdAt: doc.createdAt.toISOString(),
      }));
    },
  };
}
