import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makesVerdicts } from '../src/load/alpha.ts';
import { familiesFromEnv } from '../src/load/families.ts';
import { basicReplication } from '../src/load/http-suite.ts';
import {
  implicitOptIns,
  skipsAsOptIn,
  sweepSkipReason,
  variantHttpSkipReason,
} from '../src/load/opt-in.ts';
import {
  defaultRestartEvery,
  KEPT_PROCESS_MARGIN,
  REPLICATED_MARGIN,
  rankingMargins,
} from '../src/load/ranking-run.ts';
import { soakTargets, stressTargets } from '../src/load/stress/suite.ts';

/**
 * What LAB_QUICK=1 changes (docs/measurement.md, "Quick mode"), decided by the environment alone:
 * rankings keep their processes with 10% margins, the basic rankings rank throughput only, the
 * sweeps are left out (and take no share of the run's α), and the stress scenarios run on one
 * target; in every mode the per-variant HTTP rankings of 09–19 and real-target soaks are opt-in.
 */
const QUICK = { LAB_QUICK: '1' };
const source = (file: string) => readFileSync(join(import.meta.dirname, '..', file), 'utf8');

describe('quick mode', () => {
  it('rankings restart processes outside quick runs, and their margins follow what is replicated', () => {
    expect(defaultRestartEvery(QUICK)).toBe(0);
    expect(defaultRestartEvery({})).toBe(1);
    expect(rankingMargins(0)).toEqual({
      minRatio: KEPT_PROCESS_MARGIN,
      equivalenceMargin: KEPT_PROCESS_MARGIN,
    });
    expect(rankingMargins(1)).toEqual({
      minRatio: REPLICATED_MARGIN,
      equivalenceMargin: REPLICATED_MARGIN,
    });
    expect(KEPT_PROCESS_MARGIN).toBeGreaterThan(REPLICATED_MARGIN);
    // The basic suites: kept processes in quick runs, fresh ones every block (0.5-s slices) in full.
    expect(basicReplication(QUICK)).toEqual({
      restartEvery: 0,
      warmupSeconds: 0.5,
      restartWarmupSeconds: 0.5,
    });
    expect(basicReplication({})).toEqual({
      restartEvery: 1,
      warmupSeconds: 1,
      restartWarmupSeconds: 0.5,
      sliceSeconds: 0.5,
    });
    expect(basicReplication({ LAB_SLICE: '1' }).sliceSeconds).toBeUndefined();
  });

  it('ranks throughput only unless LAB_MODEL asks for latency', () => {
    expect(familiesFromEnv(QUICK).phases).toEqual(['throughput']);
    expect(familiesFromEnv({ ...QUICK, LAB_MODEL: 'open' }).phases).toEqual(['latency']);
    expect(familiesFromEnv({}).phases).toEqual(['throughput', 'latency']);
  });

  it('leaves the per-variant HTTP suites out unless asked for, and out of the α split', () => {
    const http = source('bench/caching/http-14-cache-hit.bench.ts');
    const db = source('bench/db-advanced/http-11-db-n-plus-one.bench.ts');
    const basic = source('bench/basic/01-lightweight.bench.ts');
    for (const file of [http, db, basic]) expect(makesVerdicts(file)).toBe(true);
    expect(variantHttpSkipReason(QUICK)).toMatch(/LAB_VARIANT_HTTP=1/);
    expect(variantHttpSkipReason({})).toMatch(/LAB_VARIANT_HTTP=1/);
    expect(skipsAsOptIn(http, QUICK)).toBe(true);
    expect(skipsAsOptIn(db, {})).toBe(true);
    expect(skipsAsOptIn(basic, QUICK)).toBe(false);
    expect(skipsAsOptIn(http, { ...QUICK, LAB_VARIANT_HTTP: '1' })).toBe(false);
    expect(skipsAsOptIn(http, { LAB_VARIANT_HTTP: '1' })).toBe(false);
    expect(skipsAsOptIn(http, { LAB_VARIANT_HTTP: '0' })).toBe(true);
    expect(() => variantHttpSkipReason({ LAB_VARIANT_HTTP: 'yes' })).toThrow(/must be 1 or 0/);
  });

  it('leaves the sweeps out of quick runs unless LAB_SWEEPS=1, and out of the α split', () => {
    const sweep = source('bench/stress/sweep-vus.bench.ts');
    expect(makesVerdicts(sweep)).toBe(true);
    expect(sweepSkipReason(QUICK)).toMatch(/LAB_SWEEPS=1/);
    expect(skipsAsOptIn(sweep, QUICK)).toBe(true);
    expect(skipsAsOptIn(sweep, {})).toBe(false);
    expect(skipsAsOptIn(sweep, { ...QUICK, LAB_SWEEPS: '1' })).toBe(false);
    expect(skipsAsOptIn(sweep, { LAB_SWEEPS: '0' })).toBe(true);
    expect(() => sweepSkipReason({ LAB_SWEEPS: 'yes' })).toThrow(/must be 1 or 0/);
  });

  it('runs opt-in suites selected on their own, and leaves mixed selections to the variables', () => {
    const http = source('bench/caching/http-14-cache-hit.bench.ts');
    const db = source('bench/db-advanced/http-11-db-n-plus-one.bench.ts');
    const sweep = source('bench/stress/sweep-vus.bench.ts');
    const basic = source('bench/basic/01-lightweight.bench.ts');
    expect(implicitOptIns([http], {})).toEqual(['LAB_VARIANT_HTTP']);
    expect(implicitOptIns([http, db, sweep], {})).toEqual(['LAB_VARIANT_HTTP', 'LAB_SWEEPS']);
    expect(implicitOptIns([http, basic], {})).toEqual([]);
    expect(implicitOptIns([], {})).toEqual([]);
    // An explicit 0 (or 1) is the user's: nothing to turn on.
    expect(implicitOptIns([http], { LAB_VARIANT_HTTP: '0' })).toEqual([]);
  });

  it('soaks no real target (the planted pair only), unless LAB_TARGETS chooses', () => {
    expect(soakTargets(QUICK)).toEqual([]);
    expect(soakTargets({})).toEqual([]);
    expect(soakTargets({ LAB_TARGETS: 'fastify' })).toEqual(['fastify']);
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
