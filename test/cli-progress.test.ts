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
    progress.log('[01-lightweight] inprocess round 1/1, fastify (1/2, ~10 s left)…');
    now = 8000;
    progress.tick();
    // The engine logs the result right after reporting it: the summary follows that line.
    progress.log('[01-lightweight]   fastify: 50,000 req/s');
    progress.stop();
    const lines = stream.text().trim().split('\n');
    expect(lines).toEqual([
      '[lab] 01-lightweight: starting PostgreSQL + Redis',
      '[01-lightweight] inprocess round 1/1, fastify (1/2, ~10 s left)…',
      '[01-lightweight]   fastify: 50,000 req/s',
      '[lab] 1/2 measurements · elapsed 8s · ~8s left',
    ]);
  });

  it('draws a bar in place on a terminal, with the current measurement as its label', () => {
    const stream = fakeStream(true);
    const progress = new Progress({ planned: [5, 5], stream, now: () => 0 });
    progress.log('[01-lightweight] k6 round 2/2, express (2/2, ~5 s left)…');
    progress.log('[01-lightweight]   express: 12,000 req/s');
    progress.stop();
    const text = stream.text();
    expect(text).toContain('\r\x1b[2K');
    expect(text).toContain('░');
    expect(text).toContain('01-lightweight: express, round 2/2');
    // Round lines update the bar only; result lines are printed above it.
    expect(text).not.toContain('k6 round 2/2, express (2/2');
    expect(text).toContain('[01-lightweight]   express: 12,000 req/s\n');
    expect(text.endsWith('[lab] 0/2 measurements · elapsed 0s · ~13s left\n')).toBe(true);
  });
});
