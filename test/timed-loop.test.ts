import { describe, expect, it } from 'vitest';
import { runInterleavedLoops, runPairedLoop, runTimedLoop } from '../src/load/timed-loop.ts';

/** The in-process loops of the claim suites: turn order, counts, failures (no timing asserted). */
describe('interleaved loops', () => {
  it('takes turns operation by operation, rotating and reversing the order', async () => {
    const calls: string[] = [];
    const side = (name: string) => ({
      target: name,
      operation: async (i: number) => {
        calls.push(`${name}${i}`);
      },
    });
    const results = await runInterleavedLoops({
      scenario: 's',
      sides: [side('a'), side('b'), side('c')],
      operations: 3,
    });
    // i = 0: a b c; i = 1: rotated by one and reversed; i = 2: rotated by two.
    expect(calls).toEqual(['a0', 'b0', 'c0', 'a1', 'c1', 'b1', 'c2', 'a2', 'b2']);
    expect(results.map((r) => [r.target, r.requests, r.failure])).toEqual([
      ['a', 3, undefined],
      ['b', 3, undefined],
      ['c', 3, undefined],
    ]);
    expect(results[0]?.meta.interleaved).toBe('operation by operation with 2 other variants');
  });

  it('warms up unmeasured, prepares untimed, and blames the side that threw', async () => {
    const prepared: number[] = [];
    const { a, b } = await runPairedLoop({
      scenario: 's',
      a: {
        target: 'ok',
        variant: 'fine',
        operation: async () => {},
        prepare: async (i) => {
          prepared.push(i);
        },
      },
      b: {
        target: 'bad',
        operation: async (i) => {
          if (i === 2) throw new Error('boom');
        },
      },
      operations: 5,
      warmupOperations: 2,
    });
    expect(prepared.slice(0, 2)).toEqual([-1, -2]);
    expect(a).toMatchObject({ target: 'ok', variant: 'fine', errors: 0 });
    expect(a.failure).toBeUndefined();
    expect(b.failure).toBe('operation 2 failed: boom');
    expect(b.errors).toBe(1);
    // The loop stops at the failure: B has its two good operations, A one more (it went first).
    expect(b.requests).toBe(2);
    expect(a.requests).toBe(3);
  });

  it('runTimedLoop counts operations over its workers', async () => {
    let n = 0;
    const result = await runTimedLoop({
      scenario: 's',
      target: 't',
      operations: 12,
      concurrency: 3,
      operation: async () => {
        n++;
      },
    });
    expect(n).toBe(12);
    expect(result).toMatchObject({ requests: 12, settings: { concurrency: 3, operations: 12 } });
  });
});
