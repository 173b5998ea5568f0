import { EntitySchema, type EntitySchemaColumnOptions, type ValueTransformer } from 'typeorm';

/**
 * TypeORM entities of the scenario 09–13 tables, as `EntitySchema`s (Node runs these files by
 * type stripping, which has no decorators). The tables are created and seeded by the fixtures
 * (src/fixtures/sets), so the schemas only describe them: `synchronize` stays off.
 *
 * `bigint` ids come back from node-postgres as strings; a column transformer turns them into
 * numbers (ids stay far below 2^53), so entities already have the shape every layer returns.
 * TypeORM's global `parseInt8` option is not used: it changes `pg.defaults` for the whole
 * process, including the raw pg layer running beside this one.
 */
const bigintToNumber: ValueTransformer = {
  from: (value: string | null) => (value === null ? null : Number(value)),
  to: (value: number | null | undefined) => value,
};

const bigintId = (): EntitySchemaColumnOptions => ({
  type: 'bigint',
  primary: true,
  generated: 'increment',
  transformer: bigintToNumber,
});

// 09 ------------------------------------------------------------------------------------------

export interface UserEntity {
  id: number;
  name: string;
  email: string;
  country: string;
  status: string;
  age: number;
  createdAt: Date;
}

export const User = new EntitySchema<UserEntity>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: bigintId(),
    name: { type: 'varchar', length: 100 },
    email: { type: 'varchar', length: 255 },
    country: { type: 'text' },
    status: { type: 'text' },
    age: { type: 'int' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
  },
});

// 10 ------------------------------------------------------------------------------------------

/** Scenario 10 rows keep the table's column names as property names (`created_at`, `v01`). */
export type ColumnRow = Record<string, unknown>;

type ColumnSpec = readonly [name: string, options: EntitySchemaColumnOptions];

/** users_narrow: id + 4; also the first columns of users_wide and users_extra_wide. */
const NARROW: readonly ColumnSpec[] = [
  ['name', { type: 'varchar', length: 100 }],
  ['email', { type: 'varchar', length: 255 }],
  ['age', { type: 'int' }],
  ['created_at', { type: 'timestamptz' }],
];

const WIDE: readonly ColumnSpec[] = [
  ...NARROW,
  ['country', { type: 'text' }],
  ['status', { type: 'text' }],
  ['city', { type: 'text' }],
  ['phone', { type: 'text' }],
  ['bio', { type: 'text' }],
  ['score', { type: 'int' }],
  ['balance', { type: 'numeric', precision: 12, scale: 2 }],
  ['is_verified', { type: 'boolean' }],
  ['last_login_at', { type: 'timestamptz' }],
  ['signup_source', { type: 'text' }],
  ['locale', { type: 'text' }],
  ['timezone', { type: 'text' }],
  ['birth_date', { type: 'date' }],
  ['updated_at', { type: 'timestamptz' }],
  ['login_count', { type: 'int' }],
];

/** The kinds the 30 attr_NN columns of users_extra_wide cycle through (fixtures/sets/columns.ts). */
const ATTRIBUTE_KINDS: readonly EntitySchemaColumnOptions[] = [
  { type: 'int' },
  { type: 'text' },
  { type: 'numeric', precision: 10, scale: 2 },
  { type: 'boolean' },
  { type: 'timestamptz' },
  { type: 'varchar', length: 32 },
];

const EXTRA_WIDE: readonly ColumnSpec[] = [
  ...WIDE,
  ...Array.from(
    { length: 30 },
    (_, i): ColumnSpec => [
      `attr_${String(i + 1).padStart(2, '0')}`,
      ATTRIBUTE_KINDS[i % ATTRIBUTE_KINDS.length] as EntitySchemaColumnOptions,
    ],
  ),
];

const TYPE_COLUMN: Readonly<Record<string, EntitySchemaColumnOptions>> = {
  int: { type: 'int' },
  varchar: { type: 'varchar', length: 64 },
  text: { type: 'text' },
  jsonb: { type: 'jsonb' },
  timestamp: { type: 'timestamptz' },
  uuid: { type: 'uuid' },
};

function columnTable(name: string, tableName: string, columns: readonly ColumnSpec[]) {
  return new EntitySchema<ColumnRow>({
    name,
    tableName,
    columns: Object.fromEntries([['id', bigintId()], ...columns]),
  });
}

/** Names of the narrow columns, for the 5-of-20 projection of users_wide. */
export const NARROW_COLUMNS: readonly string[] = ['id', ...NARROW.map(([name]) => name)];

export const UsersNarrow = columnTable('UsersNarrow', 'users_narrow', NARROW);
export const UsersWide = columnTable('UsersWide', 'users_wide', WIDE);
export const UsersExtraWide = columnTable('UsersExtraWide', 'users_extra_wide', EXTRA_WIDE);

export const TYPE_ENTITIES = Object.fromEntries(
  Object.entries(TYPE_COLUMN).map(([type, options]) => [
    type,
    columnTable(
      `UsersType${type[0]?.toUpperCase()}${type.slice(1)}`,
      `users_type_${type}`,
      Array.from(
        { length: 10 },
        (_, i): ColumnSpec => [`v${String(i + 1).padStart(2, '0')}`, options],
      ),
    ),
  ]),
) as Record<'int' | 'varchar' | 'text' | 'jsonb' | 'timestamp' | 'uuid', EntitySchema<ColumnRow>>;

// 11 ------------------------------------------------------------------------------------------

export interface AuthorEntity {
  id: number;
  name: string;
  email: string;
  bio: string;
  createdAt: Date;
  /** Scenario 16: authors are the accounts (scrypt hash, src/targets/shared/password.ts). */
  passwordHash: string;
  posts?: PostEntity[];
}

export interface PostEntity {
  id: number;
  authorId: number;
  title: string;
  body: string;
  viewCount: number;
  createdAt: Date;
  author?: AuthorEntity;
}

export const Author = new EntitySchema<AuthorEntity>({
  name: 'Author',
  tableName: 'authors',
  columns: {
    id: bigintId(),
    name: { type: 'varchar', length: 100 },
    email: { type: 'varchar', length: 255 },
    bio: { type: 'text' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
    // Never read unless asked for: only login selects it.
    passwordHash: { type: 'text', name: 'password_hash', select: false },
  },
  relations: {
    posts: { type: 'one-to-many', target: 'Post', inverseSide: 'author' },
  },
});

export const Post = new EntitySchema<PostEntity>({
  name: 'Post',
  tableName: 'posts',
  columns: {
    id: bigintId(),
    // The foreign key as a plain column too, so posts can be filtered by it without a join.
    authorId: { type: 'bigint', name: 'author_id', transformer: bigintToNumber },
    title: { type: 'varchar', length: 200 },
    body: { type: 'text' },
    viewCount: { type: 'int', name: 'view_count' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
  },
  relations: {
    author: {
      type: 'many-to-one',
      target: 'Author',
      inverseSide: 'posts',
      joinColumn: { name: 'author_id' },
    },
  },
});

// 12 ------------------------------------------------------------------------------------------

export interface BulkItemEntity {
  id: number;
  sku: string;
  name: string;
  quantity: number;
  price: string;
  updatedAt: Date;
}

export const BulkItem = new EntitySchema<BulkItemEntity>({
  name: 'BulkItem',
  tableName: 'bulk_items',
  columns: {
    id: bigintId(),
    sku: { type: 'varchar', length: 64, unique: true },
    name: { type: 'varchar', length: 200 },
    quantity: { type: 'int', default: 0 },
    price: { type: 'numeric', precision: 10, scale: 2 },
    // TypeORM sets it to CURRENT_TIMESTAMP on every UPDATE it builds (repository.update).
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});

// 13 ------------------------------------------------------------------------------------------

export interface ProductEntity {
  id: number;
  name: string;
  price: string;
  stock: number;
  version: number;
  updatedAt: Date;
}

export const Product = new EntitySchema<ProductEntity>({
  name: 'Product',
  tableName: 'products',
  columns: {
    id: bigintId(),
    name: { type: 'varchar', length: 100 },
    price: { type: 'numeric', precision: 10, scale: 2 },
    stock: { type: 'int' },
    // A version column: TypeORM's UpdateQueryBuilder adds `version = version + 1` to every UPDATE.
    version: { type: 'int', version: true },
    updatedAt: { type: 'timestamptz', name: 'updated_at', updateDate: true },
  },
});

// 17 ------------------------------------------------------------------------------------------

export interface OrderEntity {
  id: number;
  userId: number;
  authorId: number;
  country: string;
  status: string;
  quantity: number;
  /** numeric(10,2): a decimal string, as node-postgres returns numeric. */
  amount: string;
  createdAt: Date;
  author?: AuthorEntity;
}

export const Order = new EntitySchema<OrderEntity>({
  name: 'Order',
  tableName: 'orders',
  columns: {
    id: bigintId(),
    userId: { type: 'bigint', name: 'user_id', transformer: bigintToNumber },
    authorId: { type: 'bigint', name: 'author_id', transformer: bigintToNumber },
    country: { type: 'text' },
    status: { type: 'text' },
    quantity: { type: 'int' },
    amount: { type: 'numeric', precision: 10, scale: 2 },
    createdAt: { type: 'timestamptz', name: 'created_at' },
  },
  relations: {
    // No foreign key in the fixture (sets stand alone); the relation only names the join.
    author: {
      type: 'many-to-one',
      target: 'Author',
      joinColumn: { name: 'author_id' },
      createForeignKeyConstraints: false,
    },
  },
});

// 18 ------------------------------------------------------------------------------------------

export interface DocumentEntity {
  id: number;
  title: string;
  body: string;
  createdAt: Date;
}

/** `search_vector` (generated, tsvector) is not mapped: searches name it in their conditions. */
export const Document = new EntitySchema<DocumentEntity>({
  name: 'Document',
  tableName: 'documents',
  columns: {
    id: bigintId(),
    title: { type: 'varchar', length: 200 },
    body: { type: 'text' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
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
  Order,
  Document,
];
