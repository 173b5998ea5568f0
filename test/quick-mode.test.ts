import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makesVerdicts } from '../src/load/alpha.ts';
import { familiesFromEnv } from '../src/load/families.ts';
import { QUICK_MARGIN, quickRankingDefaults } from '../src/load/ranking-run.ts';
import { soakTargets, stressTargets } from '../src/load/stress/suite.ts';
import { skipsAsVariantHttp, variantHttpSkipReason } from '../src/load/variant-http.ts';

/**
 * What LAB_QUICK=1 changes (docs/measurement.md, "Quick mode"), decided by the environment alone:
 * rankings keep their processes with 10% margins, the basic rankings rank throughput only, the
 * per-variant HTTP rankings of 09–19 are left out (and take no share of the run's α), and the
 * stress scenarios run on one target.
 */
const QUICK = { LAB_QUICK: '1' };
const source = (file: string) => readFileSync(join(import.meta.dirname, '..', file), 'utf8');

describe('quick mode', () => {
  it('rankings keep their processes and widen their margins only in quick runs', () => {
    expect(quickRankingDefaults(QUICK)).toEqual({
      restartEvery: 0,
      minRatio: QUICK_MARGIN,
      equivalenceMargin: QUICK_MARGIN,
    });
    expect(quickRankingDefaults({})).toEqual({});
  });

  it('ranks throughput only unless LAB_MODEL asks for latency', () => {
    expect(familiesFromEnv(QUICK).phases).toEqual(['throughput']);
    expect(familiesFromEnv({ ...QUICK, LAB_MODEL: 'open' }).phases).toEqual(['latency']);
    expect(familiesFromEnv({}).phases).toEqual(['throughput', 'latency']);
  });

  it('leaves the per-variant HTTP suites out of quick runs, and out of the α split', () => {
    const http = source('bench/caching/http-14-cache-hit.bench.ts');
    const db = source('bench/db-advanced/http-11-db-n-plus-one.bench.ts');
    const basic = source('bench/basic/01-lightweight.bench.ts');
    for (const file of [http, db, basic]) expect(makesVerdicts(file)).toBe(true);
    expect(variantHttpSkipReason(QUICK)).toMatch(/LAB_VARIANT_HTTP=1/);
    expect(skipsAsVariantHttp(http, QUICK)).toBe(true);
    expect(skipsAsVariantHttp(db, QUICK)).toBe(true);
    expect(skipsAsVariantHttp(basic, QUICK)).toBe(false);
    // Asked for in a quick run, always there in a full run, never with 0.
    expect(skipsAsVariantHttp(http, { ...QUICK, LAB_VARIANT_HTTP: '1' })).toBe(false);
    expect(skipsAsVariantHttp(http, {})).toBe(false);
    expect(skipsAsVariantHttp(http, { LAB_VARIANT_HTTP: '0' })).toBe(true);
    expect(() => variantHttpSkipReason({ LAB_VARIANT_HTTP: 'yes' })).toThrow(/must be 1 or 0/);
  });

  it('soaks no real target in quick runs (the planted pair only), unless LAB_TARGETS chooses', () => {
    expect(soakTargets(QUICK)).toEqual([]);
    expect(soakTargets({})).toEqual(stressTargets({}));
    expect(soakTargets({ ...QUICK, LAB_TARGETS: 'express' })).toEqual(['express']);
  });

  it('runs 20 and 22 on the first default target, unless LAB_TARGETS chooses', () => {
    expect(stressTargets(QUICK)).toEqual(stressTargets({}).slice(0, 1));
    expect(stressTargets({}).length).toBeGreaterThan(1);
    expect(stressTargets({ ...QUICK, LAB_TARGETS: 'fastify,express' })).toEqual([
      'fastify',
      'express',
    ]);
  });
});
