import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CHECKS,
  type ConformanceReport,
  DB_CHECKS,
  formatReport,
  verifyTarget,
} from '../src/conformance/index.ts';
import { useLab } from '../src/infra/vitest.ts';
import { findK6 } from '../src/load/k6/binary.ts';
import { type DbFault, type FakeDbTarget, startFakeDbTarget } from './support/fake-db-target.ts';

/**
 * The db checks of the conformance verifier (scenarios 09–13) against an in-process fake over
 * the raw pg data layer: the reference passes every one, each fault fails the checks it should
 * and nothing else. The checks write (unique skus, product 10's stock): reset after each test.
 */
const FIXTURES = ['users', 'columns', 'blog', 'bulk', 'inventory'] as const;

describe('db conformance checks', () => {
  const lab = useLab({ fixtures: [...FIXTURES], scale: 0.01 });
  const running: FakeDbTarget[] = [];

  afterEach(async () => {
    await Promise.all(running.splice(0).map((target) => target.close()));
    await lab.reset();
  });

  async function verify(
    options: Omit<Parameters<typeof startFakeDbTarget>[0], 'databaseUrl'> = {},
  ): Promise<ConformanceReport> {
    const target = await startFakeDbTarget({ databaseUrl: lab.pg.url, ...options });
    running.push(target);
    return verifyTarget(target.url, { db: { databaseUrl: lab.pg.url, only: true } });
  }

  const failedIds = (report: ConformanceReport) => report.failed.map((check) => check.id).sort();

  it('passes the reference fake on every db check, with stable unique ids', async () => {
    const report = await verify();
    expect(report.failed, formatReport(report)).toEqual([]);
    expect(report.passed.map((check) => check.id)).toEqual(DB_CHECKS.map((check) => check.id));
    const ids = DB_CHECKS.map((check) => check.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^db(\.[a-z0-9-]+)+$/);
      expect(CHECKS.map((check) => check.id)).not.toContain(id);
    }
    expect(ids.length).toBeGreaterThan(80);
  });

  it('writes what it says: unique skus, and 4 units off product 10 only', async () => {
    const before = await stocks();
    const report = await verify();
    expect(report.ok, formatReport(report)).toBe(true);
    const after = await stocks();
    expect(after.get(10)).toBe((before.get(10) ?? 0) - 4);
    for (let id = 1; id <= 9; id++) expect(after.get(id)).toBe(before.get(id));
    const again = await verify();
    expect(again.ok, formatReport(again)).toBe(true);
  });

  it('accepts a layer without unnest and copy when it answers 400 naming the layer', async () => {
    const report = await verify({
      dataLayer: 'typeorm',
      bulkInsertStrategies: ['individual', 'orm-batch', 'multi-values'],
    });
    expect(report.failed, formatReport(report)).toEqual([]);
  });

  it('rejects a layer that lacks a strategy it should have', async () => {
    const report = await verify({ bulkInsertStrategies: ['individual', 'orm-batch'] });
    expect(failedIds(report)).toEqual([
      'db.bulk.insert.copy',
      'db.bulk.insert.duplicate-sku-409',
      'db.bulk.insert.multi-values',
      'db.bulk.insert.unnest',
    ]);
    const copy = report.failed.find((check) => check.id === 'db.bulk.insert.copy');
    expect(copy?.detail).toMatch(/expected status 201, received 400/);
  });

  const FAULTS: ReadonlyArray<[DbFault, string[], RegExp]> = [
    [
      'eager-runs-lazy',
      ['db.authors.default-size', 'db.authors.eager'],
      /expected 1 SQL statements for GET \/db\/authors\?strategy=eager.*, received 6/,
    ],
    [
      'bulk-insert-answers-200',
      [
        'db.bulk.insert.copy',
        'db.bulk.insert.individual',
        'db.bulk.insert.multi-values',
        'db.bulk.insert.orm-batch',
        'db.bulk.insert.unnest',
      ],
      /expected status 201, received 200/,
    ],
    [
      'cursor-error-as-validation',
      [
        'db.cursor.invalid-base64url-junk',
        'db.cursor.invalid-negative-id',
        'db.cursor.invalid-wrong-shape',
      ],
      /expected error\.code "invalid_cursor", received "validation_failed"/,
    ],
    ['offset-off-by-one', ['db.offset.default', 'db.offset.page'], /the page differs at \/0/],
  ];

  it.each(FAULTS)(
    'rejects the fault %s in exactly the checks it breaks',
    async (fault, ids, detail) => {
      const report = await verify({ faults: [fault] });
      expect(report.ok).toBe(false);
      expect(failedIds(report), formatReport(report)).toEqual(ids);
      const first = report.failed.find((check) => check.id === ids[ids.length - 1]);
      expect(first?.detail).toMatch(detail);
    },
  );

  async function stocks(): Promise<Map<number, number>> {
    const client = new pg.Client({ connectionString: lab.pg.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: number; stock: number }>(
        'SELECT id::int AS id, stock FROM products ORDER BY id',
      );
      return new Map(rows.map((row) => [row.id, row.stock]));
    } finally {
      await client.end();
    }
  }
});

const k6 = findK6();
const SCRIPTS = [
  '09-pagination.js',
  '10-columns.js',
  '11-n-plus-one.js',
  '12-bulk.js',
  '13-transactions.js',
];

describe.skipIf(k6 === undefined)('k6/db-advanced scripts', () => {
  it.each(SCRIPTS)('%s parses (k6 inspect) and declares the measured scenario', async (script) => {
    const { stdout } = await promisify(execFile)(
      (k6 as NonNullable<typeof k6>).path,
      ['inspect', `k6/db-advanced/${script}`],
      { cwd: new URL('..', import.meta.url).pathname, timeout: 60_000 },
    );
    const inspected = JSON.parse(stdout) as { scenarios?: Record<string, unknown> };
    expect(Object.keys(inspected.scenarios ?? {})).toContain('measure');
  });

  it.each([
    ['09-pagination.js', 'VARIANT=page-number'],
    ['11-n-plus-one.js', 'STRATEGY=join'],
    ['12-bulk.js', 'ROWS=5001'],
    ['13-transactions.js', 'STRATEGY=optimistic-ish'],
  ])('%s refuses %s', async (script, env) => {
    await expect(
      promisify(execFile)(
        (k6 as NonNullable<typeof k6>).path,
        ['inspect', '-e', env, `k6/db-advanced/${script}`],
        { cwd: new URL('..', import.meta.url).pathname, timeout: 60_000 },
      ),
    ).rejects.toThrow(/must be/);
  });
});
