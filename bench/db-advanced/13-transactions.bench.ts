/**
 * Scenario 13 on every data layer: concurrent decrements of one hot product (stock 1,000) with
 * no lock, a pessimistic lock (SELECT … FOR UPDATE), an optimistic version check (bounded
 * retries) and SERIALIZABLE (retry on 40001). Reported: throughput, latency, success rate,
 * retries and lost updates (final stock vs successful decrements), timed after a warm-up on
 * another product that opens every pool connection. Asserted — integrity, not timing:
 * pessimistic, optimistic and serializable never lose an update.
 *
 *   pnpm vitest bench --run bench/db-advanced/13
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DataLayer, layersFromEnv, openDataLayer } from '../../src/data/index.ts';
import type { LockStrategy } from '../../src/data/types.ts';
import { useLab } from '../../src/infra/vitest.ts';
import { runTimedLoop } from '../../src/load/timed-loop.ts';
import { noteInfra, recordResult } from '../../src/report/collector.ts';
import { isQuick } from '../../src/scenarios/index.ts';

const SUITE = 'bench/db-advanced/13-transactions';
const SCENARIO = '13-db-transactions';
const ATTEMPTS = isQuick() ? 200 : 1000;
const CONCURRENCY = 10;
const PRODUCT = 1;
/** Warm-up decrements go to another product, so the measured one starts from stock 1,000. */
const WARMUP_PRODUCT = 2;
const WARMUP_ROUNDS = 5;
const lab = useLab({ fixtures: ['inventory'] });
let admin: pg.Client;
beforeAll(async () => {
  noteInfra(lab, { suite: SUITE });
  admin = new pg.Client({ connectionString: lab.pg.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
});
const stock = async () =>
  Number((await admin.query('SELECT stock FROM products WHERE id = $1', [PRODUCT])).rows[0].stock);

for (const name of layersFromEnv()) {
  describe(name, () => {
    let layer: DataLayer;
    beforeAll(async () => {
      layer = await openDataLayer(name, { databaseUrl: lab.pg.url, poolSize: CONCURRENCY });
    });
    afterAll(async () => {
      await layer?.close();
    });
    for (const strategy of [
      'none',
      'pessimistic',
      'optimistic',
      'serializable',
    ] as LockStrategy[]) {
      test(`${strategy}: ${ATTEMPTS} concurrent decrements`, async () => {
        // Warm-up before timing: every pool connection opened (CONCURRENCY at once) and the
        // layer's code paths compiled, on another product.
        for (let round = 0; round < WARMUP_ROUNDS; round++) {
          await Promise.all(
            Array.from({ length: CONCURRENCY }, () =>
              layer.decrementStock(strategy, WARMUP_PRODUCT, 1, 10),
            ),
          );
        }
        await admin.query('UPDATE products SET stock = 1000, version = 0 WHERE id = $1', [PRODUCT]);
        let successes = 0;
        let retries = 0;
        const result = await runTimedLoop({
          scenario: SCENARIO,
          target: name,
          variant: strategy,
          operations: ATTEMPTS,
          concurrency: CONCURRENCY,
          operation: async () => {
            const outcome = await layer.decrementStock(strategy, PRODUCT, 1, 10);
            if (outcome.ok) successes++;
            retries += outcome.retries;
          },
        });
        const final = await stock();
        const lost = final - (1000 - successes);
        result.meta = {
          ...result.meta,
          ...layer.settings,
          attempts: ATTEMPTS,
          successes,
          successRate: successes / ATTEMPTS,
          retries,
          finalStock: final,
          lostUpdates: lost,
        };
        recordResult(result, { suite: SUITE });
        console.log(
          `[${SCENARIO}] ${name} ${strategy}: ${successes}/${ATTEMPTS} ok, ${retries} retries, ` +
            `final stock ${final}, lost updates ${lost}, p50 ${result.latency.p50.toFixed(2)} ms`,
        );
        expect(result.failure).toBeUndefined();
        if (strategy !== 'none') expect(lost, 'lost updates').toBe(0);
      });
    }
  });
}
