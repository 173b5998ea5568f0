import { afterAll, describe, expect, inject, it } from 'vitest';
import { type Lab, startLab } from '../src/infra/lab.ts';
import { runRanking } from '../src/load/ranking-run.ts';
import { getScenario } from '../src/scenarios/index.ts';

/**
 * A writing scenario ranked on fresh processes: the re-warm after each restart writes into the
 * database the block then measures, so both must number their requests apart — with the same
 * numbers, every POST /users of the measured turns repeated an email of the re-warm (409), and
 * every block after the first was left out of the verdicts for its errors.
 */
let lab: Lab | undefined;
afterAll(async () => {
  await lab?.stop();
});

describe('rankings of a scenario that writes', () => {
  it('04 over three blocks with restarts: no request fails, every slice enters the verdicts', async () => {
    lab = await startLab({ fixtures: ['users'], scale: 0.01, spec: inject('labProvider') });
    const run = await runRanking({
      scenario: getScenario('04-db-write'),
      targets: ['express', 'fastify'],
      lab,
      engine: 'inprocess',
      phases: ['throughput'],
      settings: { model: 'closed', concurrency: 4, durationSeconds: 1, warmupSeconds: 0 },
      sliceSeconds: 0.5,
      warmupSeconds: 0.5,
      maxBlocks: 3,
      budgetSeconds: 1,
      restartEvery: 1,
      log: () => {},
    });
    const blocks = new Set(run.results.map((r) => r.meta.block));
    expect(blocks.size).toBeGreaterThanOrEqual(2);
    expect(run.problems).toEqual([]);
    expect(run.results.every((r) => r.errors === 0 && r.requests > 0)).toBe(true);
  }, 120_000);
});
