/**
 * Scenario 15: cache misses. On every data layer, under load (10 reads in flight, pool of 10),
 * asserted with the statistics module on the median:
 *   - a pure miss costs more than no cache: it adds DEL + GET + SET (two round trips, pipelined
 *     DEL and GET) to the same primary-key read. Under load the latency is the per-operation CPU
 *     times the operations in flight, and the round trips overlap, so what a miss adds is the
 *     Redis client's CPU for three commands (~30–60 µs here): as much again as a raw pg read,
 *     but a few percent of an ORM's read (first quick run: pg 0.60 → 1.26 ms, TypeORM 1.25 →
 *     1.82, MikroORM 2.86 → 2.89). So raw pg asserts no cache ≥ 1.1× faster than a pure miss
 *     (the original lab measured a pure miss 16% slower than no cache), the ORM layers that no
 *     cache is faster than a pure miss or within ±5% of it (an interval reaching both ways fails);
 *   - a 90/10 hit/miss mix is ≥ 1.2× faster than no cache (the original: 4.5× the throughput
 *     with a warm cache-aside; the margin is the issue's).
 * The mix is exact: operation i is a miss when i % 10 === 9, a hit otherwise.
 *
 *   pnpm vitest bench --run bench/caching/15        (LAB_LAYERS=pg,typeorm to narrow)
 */
import { beforeAll, describe, test } from 'vitest';
import { layersFromEnv } from '../../src/data/index.ts';
import { useLab } from '../../src/infra/vitest.ts';
import { compareVariants } from '../../src/load/variant-compare.ts';
import { noteInfra } from '../../src/report/collector.ts';
import type { Verdict } from '../../src/stats/index.ts';
import {
  CONCURRENCY,
  OPERATIONS,
  POOL,
  readUser,
  TTL_SECONDS,
  useCachedLayer,
  useRedis,
  WARMUP,
} from './cache-bench.ts';

const SUITE = 'bench/caching/15-cache-miss-db';
const SCENARIO = '15-cache-miss-db';
const lab = useLab({ fixtures: ['users'] });
beforeAll(() => {
  noteInfra(lab, { suite: SUITE });
});
const redis = useRedis(lab);

for (const name of layersFromEnv()) {
  describe(name, () => {
    const cached = useCachedLayer(lab, name, redis);
    const meta = () => ({
      concurrency: CONCURRENCY,
      pool: POOL,
      ttlSeconds: TTL_SECONDS,
      ...redis().info,
      ...cached().layer.settings,
    });
    const noCache = () => ({
      target: name,
      variant: 'no-cache',
      operation: (i: number, r: number) => readUser(cached().cache, cached().hotId(i, r), 'none'),
    });

    // Raw pg: the miss's extra commands are a measurable share of the read; ORMs: see above.
    const cheapRead = name === 'pg';
    const title = cheapRead
      ? 'no cache is ≥1.1× faster than a pure miss'
      : 'no cache is faster than a pure miss, or within ±5%';
    test(title, async () => {
      await compareVariants({
        suite: SUITE,
        scenario: SCENARIO,
        a: noCache(),
        b: {
          target: name,
          variant: 'pure-miss',
          operation: (i, r) => readUser(cached().cache, cached().hotId(i, r), 'miss'),
        },
        // Dear reads: no cache must be significantly faster (minRatio 1) or within ±5% of a
        // miss; an interval reaching both ways fails as unconfirmed.
        ...(cheapRead
          ? { minRatio: 1.1 }
          : { minRatio: 1, expected: ['faster', 'no-difference'] as Verdict[] }),
        concurrency: CONCURRENCY,
        operations: OPERATIONS,
        warmup: WARMUP,
        claim: `${name}: ${title} (${CONCURRENCY} in flight)`,
        meta: meta(),
      });
    });

    test('a 90/10 hit/miss mix is ≥1.2× faster than no cache', async () => {
      await compareVariants({
        suite: SUITE,
        scenario: SCENARIO,
        a: {
          target: name,
          variant: 'mixed-90-10',
          operation: (i, r) =>
            readUser(cached().cache, cached().hotId(i, r), i % 10 === 9 ? 'miss' : 'aside'),
        },
        b: noCache(),
        minRatio: 1.2,
        concurrency: CONCURRENCY,
        operations: OPERATIONS,
        warmup: WARMUP,
        claim: `${name}: a 90/10 hit/miss mix ≥1.2× faster than no cache (${CONCURRENCY} in flight)`,
        meta: { ...meta(), hitRatio: 0.9 },
      });
    });
  });
}
