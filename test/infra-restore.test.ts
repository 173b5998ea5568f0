import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { expectedRowCounts, rowCounts, tableChecksums, tablesOf } from '../src/fixtures/index.ts';
import { useLab } from '../src/infra/vitest.ts';

/**
 * Snapshots and restore on the run's provider: whatever a test does to the data, restoring brings
 * back exactly the snapshotted contents. Snapshots and restores terminate sessions on the suite
 * database, so every step uses a connection of its own.
 */
const FIXTURES = ['inventory', 'users'] as const;
const SCALE = 0.01;
const TABLES = tablesOf(FIXTURES);

describe('snapshot and restore', () => {
  const lab = useLab({ fixtures: [...FIXTURES], scale: SCALE });

  async function withPg<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: lab.pg.url });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  }

  async function withRedis<T>(run: (client: Redis) => Promise<T>): Promise<T> {
    const client = new Redis(lab.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    try {
      return await run(client);
    } finally {
      client.disconnect();
    }
  }

  const state = () =>
    withPg(async (client) => ({
      counts: await rowCounts(client, TABLES),
      checksums: await tableChecksums(client, TABLES),
      usersSequence: (
        await client.query(
          "SELECT pg_sequence_last_value(pg_get_serial_sequence('users', 'id'))::int AS last",
        )
      ).rows[0].last as number | null,
    }));

  it('lab.reset() brings back rows that were updated, deleted and inserted', async () => {
    const seeded = await state();
    expect(seeded.counts).toEqual(expectedRowCounts(FIXTURES, SCALE));

    await withPg(async (client) => {
      await client.query(
        'UPDATE products SET stock = stock - 7, version = version + 1 WHERE id <= 3',
      );
      await client.query('DELETE FROM users WHERE id % 10 = 0');
      await client.query(
        `INSERT INTO users (name, email, country, status, age, created_at)
         VALUES ('Mutant', 'mutant@example.org', 'US', 'active', 40, now())`,
      );
    });
    const mutated = await state();
    // The mutations are visible: the comparison below can fail.
    expect(mutated.checksums.products).not.toBe(seeded.checksums.products);
    expect(mutated.checksums.users).not.toBe(seeded.checksums.users);
    expect(mutated.counts.users).toBe((seeded.counts.users ?? 0) - 100 + 1);
    expect(mutated.usersSequence).not.toEqual(seeded.usersSequence);

    await lab.reset();

    expect(await state()).toEqual(seeded);
  });

  it('restores a custom snapshot, and the seeded one still exists beside it', async () => {
    const seeded = await state();
    await withPg((client) => client.query("UPDATE products SET name = name || ' (custom)'"));
    await lab.pg.snapshot('custom');
    const custom = await state();
    expect(custom.checksums.products).not.toBe(seeded.checksums.products);

    await withPg(async (client) => {
      await client.query('DELETE FROM products WHERE id > 5');
      await client.query('TRUNCATE users');
    });
    expect((await state()).counts).toEqual({ ...seeded.counts, users: 0, products: 5 });

    await lab.pg.restore('custom');
    expect(await state()).toEqual(custom);

    await lab.pg.restore('seeded');
    expect(await state()).toEqual(seeded);
  });

  it('taking a snapshot again under the same name replaces it', async () => {
    const seeded = await state();
    await withPg((client) => client.query('UPDATE products SET stock = 1'));
    await lab.pg.snapshot('again');
    await withPg((client) => client.query('UPDATE products SET stock = 2'));
    await lab.pg.snapshot('again');
    await withPg((client) => client.query('UPDATE products SET stock = 3'));
    await lab.pg.restore('again');
    const stocks = await withPg(
      async (client) => (await client.query('SELECT DISTINCT stock FROM products')).rows,
    );
    expect(stocks).toEqual([{ stock: 2 }]);
    await lab.reset();
    expect(await state()).toEqual(seeded);
  });

  it('Redis: restore brings back values and TTLs, and removes keys added since', async () => {
    await withRedis(async (redis) => {
      await redis.set('plain', 'v1');
      await redis.set('expiring', 'v2', 'PX', 600_000);
      await redis.hset('hash', { a: '1', b: '2' });
      await redis.rpush('list', 'x', 'y', 'z');
    });
    await lab.redis.snapshot('custom');
    await withRedis(async (redis) => {
      await redis.set('plain', 'changed');
      await redis.set('expiring', 'changed'); // SET without options also drops the TTL
      await redis.del('hash');
      await redis.lpop('list');
      await redis.set('added', 'later');
      expect(await redis.pttl('expiring')).toBe(-1);
    });

    await lab.redis.restore('custom');

    await withRedis(async (redis) => {
      expect(await redis.get('plain')).toBe('v1');
      expect(await redis.get('expiring')).toBe('v2');
      expect(await redis.hgetall('hash')).toEqual({ a: '1', b: '2' });
      expect(await redis.lrange('list', 0, -1)).toEqual(['x', 'y', 'z']);
      expect(await redis.exists('added')).toBe(0);
      const ttl = await redis.pttl('expiring');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600_000);
      expect(await redis.pttl('plain')).toBe(-1);
      expect((await redis.keys('*')).sort()).toEqual(['expiring', 'hash', 'list', 'plain']);
    });

    // The seeded state had an empty Redis (these fixtures live in PostgreSQL only).
    await lab.reset();
    expect(await withRedis((redis) => redis.dbsize())).toBe(0);
  });

  it('restoring a snapshot that was never taken fails, naming the ones that exist', async () => {
    await expect(lab.pg.restore('never_taken')).rejects.toThrow(
      /^No snapshot named "never_taken" for database \S+\. Taken so far: .*\bseeded\b/,
    );
    await expect(lab.redis.restore('never_taken')).rejects.toThrow(
      /^No Redis snapshot named "never_taken"\. Taken so far: .*\bseeded\b/,
    );
  });

  it.each(['', 'has space', 'semi;colon', 'quote"', 'dash-ed', 'x'.repeat(41)])(
    'rejects the invalid snapshot name %j and keeps working',
    async (name) => {
      const message = `Invalid snapshot name ${JSON.stringify(name)}: use 1-40 letters, digits or underscores.`;
      await expect(lab.pg.snapshot(name)).rejects.toThrow(message);
      await expect(lab.pg.restore(name)).rejects.toThrow(message);
      const products = await withPg(
        async (client) => (await client.query('SELECT count(*)::int AS n FROM products')).rows[0].n,
      );
      expect(products).toBe(expectedRowCounts(['inventory'], SCALE).products);
    },
  );
});
