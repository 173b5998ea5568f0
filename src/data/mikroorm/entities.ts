import { defineEntity, type EntitySchema, p } from '@mikro-orm/core';
import { FullTextType } from '@mikro-orm/postgresql';

/**
 * MikroORM entities for the tables of scenarios 09–13, defined with `defineEntity` (no
 * decorators, no reflect-metadata / ts-morph: every property type is explicit, so the default
 * metadata provider needs nothing from the TypeScript compiler). Column names follow MikroORM's
 * default underscore naming (`createdAt` → `created_at`), except for the scenario-10 tables,
 * whose properties are named exactly like their columns so rows come out keyed by column name.
 * bigint ids are mapped to JS numbers (`p.bigint('number')`): every id in the lab fits.
 */

// 09 pagination
export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.bigint('number').primary(),
    name: p.string(),
    email: p.string(),
    country: p.text(),
    status: p.text(),
    age: p.integer(),
    createdAt: p.datetime(),
  },
});

// 10 column overhead
type ColumnKind = 'int' | 'varchar' | 'text' | 'numeric' | 'boolean' | 'timestamptz' | 'date';

/** The 5 columns of users_narrow, which are also the first 5 of users_wide / users_extra_wide. */
export const NARROW_COLUMNS = ['id', 'name', 'email', 'age', 'created_at'] as const;

const NARROW: ReadonlyArray<readonly [string, ColumnKind]> = [
  ['name', 'varchar'],
  ['email', 'varchar'],
  ['age', 'int'],
  ['created_at', 'timestamptz'],
];

const WIDE: ReadonlyArray<readonly [string, ColumnKind]> = [
  ...NARROW,
  ['country', 'text'],
  ['status', 'text'],
  ['city', 'text'],
  ['phone', 'text'],
  ['bio', 'text'],
  ['score', 'int'],
  ['balance', 'numeric'],
  ['is_verified', 'boolean'],
  ['last_login_at', 'timestamptz'],
  ['signup_source', 'text'],
  ['locale', 'text'],
  ['timezone', 'text'],
  ['birth_date', 'date'],
  ['updated_at', 'timestamptz'],
  ['login_count', 'int'],
];

/** Kinds cycled through by attr_01..attr_30 of users_extra_wide (as in the fixture). */
const ATTRIBUTE_KINDS: readonly ColumnKind[] = [
  'int',
  'text',
  'numeric',
  'boolean',
  'timestamptz',
  'varchar',
];

const EXTRA_WIDE: ReadonlyArray<readonly [string, ColumnKind]> = [
  ...WIDE,
  ...Array.from(
    { length: 30 },
    (_, i) =>
      [
        `attr_${String(i + 1).padStart(2, '0')}`,
        ATTRIBUTE_KINDS[i % ATTRIBUTE_KINDS.length] as ColumnKind,
      ] as const,
  ),
];

function scalar(kind: ColumnKind) {
  switch (kind) {
    case 'int':
      return p.integer();
    case 'varchar':
      return p.string();
    case 'text':
      return p.text();
    case 'numeric':
      return p.decimal(); // string mode: "12.50", as numeric comes from pg
    case 'boolean':
      return p.boolean();
    case 'timestamptz':
      return p.datetime();
    case 'date':
      return p.date(); // 'YYYY-MM-DD'
  }
}

/** A scenario-10 row: the id plus columns built at run time, so typed loosely. */
export type ColumnRow = { id: number } & Record<string, unknown>;

/** One entity per scenario-10 table; property name = column name (`.fieldName` pins it). */
function columnEntity(
  name: string,
  tableName: string,
  columns: ReadonlyArray<readonly [string, ColumnKind]>,
): EntitySchema<ColumnRow> {
  const properties: Record<string, unknown> = { id: p.bigint('number').primary() };
  for (const [column, kind] of columns) properties[column] = scalar(kind).fieldName(column);
  return defineEntity({ name, tableName, properties }) as unknown as EntitySchema<ColumnRow>;
}

export const UsersNarrow = columnEntity('UsersNarrow', 'users_narrow', NARROW);
export const UsersWide = columnEntity('UsersWide', 'users_wide', WIDE);
export const UsersExtraWide = columnEntity('UsersExtraWide', 'users_extra_wide', EXTRA_WIDE);

const TEN = Array.from({ length: 10 }, (_, i) => `v${String(i + 1).padStart(2, '0')}`);

function typeEntity(
  name: string,
  tableName: string,
  value: () => { fieldName: (name: string) => unknown },
): EntitySchema<ColumnRow> {
  const properties: Record<string, unknown> = { id: p.bigint('number').primary() };
  for (const column of TEN) properties[column] = value().fieldName(column);
  return defineEntity({ name, tableName, properties }) as unknown as EntitySchema<ColumnRow>;
}

export const TYPE_ENTITIES = {
  int: typeEntity('UsersTypeInt', 'users_type_int', () => p.integer()),
  varchar: typeEntity('UsersTypeVarchar', 'users_type_varchar', () => p.string()),
  text: typeEntity('UsersTypeText', 'users_type_text', () => p.text()),
  jsonb: typeEntity('UsersTypeJsonb', 'users_type_jsonb', () =>
    p.json<Record<string, unknown>>().columnType('jsonb'),
  ),
  timestamp: typeEntity('UsersTypeTimestamp', 'users_type_timestamp', () => p.datetime()),
  uuid: typeEntity('UsersTypeUuid', 'users_type_uuid', () => p.uuid()),
} as const;

// 11 N+1
export const Author = defineEntity({
  name: 'Author',
  tableName: 'authors',
  properties: {
    id: p.bigint('number').primary(),
    name: p.string(),
    email: p.string(),
    bio: p.text(),
    createdAt: p.datetime(),
    // Scenario 16: the account's scrypt hash; lazy, so only login (asking by name) reads it.
    passwordHash: p.text().lazy(),
    posts: () => p.oneToMany(Post).mappedBy('author'),
  },
});

export const Post = defineEntity({
  name: 'Post',
  tableName: 'posts',
  properties: {
    id: p.bigint('number').primary(),
    author: () => p.manyToOne(Author),
    title: p.string(),
    body: p.text(),
    viewCount: p.integer(),
    createdAt: p.datetime(),
  },
});

// 12 bulk
export const BulkItem = defineEntity({
  name: 'BulkItem',
  tableName: 'bulk_items',
  properties: {
    id: p.bigint('number').primary(),
    sku: p.string().unique(),
    name: p.string(),
    quantity: p.integer(),
    price: p.decimal(),
    // Left out of INSERTs (the column default now() fills it); set on every flushed UPDATE.
    updatedAt: p
      .datetime()
      .nullable()
      .onUpdate(() => new Date()),
  },
});

// 13 transactions: two mappings of `products`. `VersionedProduct` declares `version` as
// MikroORM's version property, so every flush checks and bumps it (optimistic locking);
// `Product` maps the same table without it, for the strategies that must not add a version
// check (none, pessimistic, serializable).
const productProperties = {
  id: p.bigint('number').primary(),
  name: p.string(),
  price: p.decimal(),
  stock: p.integer(),
  // Set on every flushed UPDATE, like `updated_at = now()` in the pg layer.
  updatedAt: p.datetime().onUpdate(() => new Date()),
};

export const Product = defineEntity({
  name: 'Product',
  tableName: 'products',
  properties: { ...productProperties, version: p.integer() },
});

export const VersionedProduct = defineEntity({
  name: 'VersionedProduct',
  tableName: 'products',
  properties: { ...productProperties, version: p.integer().version() },
});

// 17 aggregation: no foreign keys in the fixture; the relation only names the join.
export const Order = defineEntity({
  name: 'Order',
  tableName: 'orders',
  properties: {
    id: p.bigint('number').primary(),
    userId: p.bigint('number'),
    author: () => p.manyToOne(Author),
    country: p.text(),
    status: p.text(),
    quantity: p.integer(),
    amount: p.decimal(), // string mode: "12.50"
    createdAt: p.datetime(),
  },
});

// 18 search: `search_vector` is the fixture's generated tsvector (title A, body B); its
// FullTextType makes `$fulltext` a `search_vector @@ plainto_tsquery('english', ?)`.
export const Document = defineEntity({
  name: 'Document',
  tableName: 'documents',
  properties: {
    id: p.bigint('number').primary(),
    title: p.string(),
    body: p.text(),
    createdAt: p.datetime(),
    searchVector: p.type(new FullTextType('english')).columnType('tsvector').lazy().persist(false),
  },
});

export const ENTITIES = [
  User,
  UsersNarrow,
  UsersWide,
  UsersExtraWide,
  ...Object.values(TYPE_ENTITIES),
  Author,
  Post,
  BulkItem,
  Product,
  VersionedProduct,
  Order,
  Document,
];
