import { describe, expect, it } from 'vitest';
import { clock, estimateRemaining, Progress } from '../src/cli/progress.ts';

/** The `lab run` progress display: ETA arithmetic, plain lines off a terminal, the bar on one. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: () => string } {
  let written = '';
  return {
    isTTY,
    columns: 120,
    write(chunk: string) {
      written += chunk;
      return true;
    },
    text: () => written,
  } as unknown as NodeJS.WriteStream & { text: () => string };
}

describe('progress', () => {
  it('formats durations', () => {
    expect(clock(42)).toBe('42s');
    expect(clock(65)).toBe('1m05s');
    expect(clock(3720)).toBe('1h02m');
    expect(clock(-3)).toBe('0s');
  });

  it('scales the planned seconds left by how long planned seconds really took', () => {
    const planned = [10, 10, 10, 10];
    // Nothing finished: planned × 1.3 for start-up costs.
    expect(estimateRemaining(planned, 0, 0)).toBeCloseTo(52);
    // Two done in 30 s instead of 20: 1.5 × the 20 planned seconds left.
    expect(estimateRemaining(planned, 2, 30)).toBeCloseTo(30);
    // 6 s into the third: those count as progress on it.
    expect(estimateRemaining(planned, 2, 36, 6)).toBeCloseTo(24);
    expect(estimateRemaining(planned, 4, 50)).toBe(0);
  });

  it('prints plain lines when not on a terminal', () => {
    let now = 0;
    const stream = fakeStream(false);
    const progress = new Progress({ planned: [5, 5], stream, now: () => now });
    progress.status('01-lightweight: starting PostgreSQL + Redis');
    progress.log(
      '[01-lightweight] throughput block 1/4: fastify 50,000/s > express 20,000/s; decided 0/1',
    );
    now = 8000;
    progress.tick();
    // The ranking is printed right after the scenario ends: the summary follows that line.
    progress.log('01-lightweight — throughput (closed model)');
    progress.stop();
    const lines = stream.text().trim().split('\n');
    expect(lines).toEqual([
      '[lab] 01-lightweight: starting PostgreSQL + Redis',
      '[01-lightweight] throughput block 1/4: fastify 50,000/s > express 20,000/s; decided 0/1',
      '01-lightweight — throughput (closed model)',
      '[lab] 1/2 measurements · elapsed 8s · ~8s left',
    ]);
  });

  it('draws a bar in place on a terminal, with the current measurement as its label', () => {
    const stream = fakeStream(true);
    const progress = new Progress({ planned: [5, 5], stream, now: () => 0 });
    progress.log(
      '[01-lightweight] latency at 7000/s block 2/9: fastify 0.2 ms > express 0.4 ms; decided 1/1',
    );
    progress.log('[01-lightweight] warming up express (5 s)…');
    progress.stop();
    const text = stream.text();
    expect(text).toContain('\r\x1b[2K');
    expect(text).toContain('░');
    expect(text).toContain('01-lightweight: latency at 7000/s block 2/9, deci…');
    // Block lines update the bar only; other lines are printed above it.
    expect(text).not.toContain('fastify 0.2 ms > express');
    expect(text).toContain('[01-lightweight] warming up express (5 s)…\n');
    expect(text.endsWith('[lab] 0/2 measurements · elapsed 0s · ~13s left\n')).toBe(true);
  });
});
