import { afterAll, beforeAll, inject } from 'vitest';
import { type Lab, type LabOptions, startLab } from './lab.ts';

/**
 * Gives the calling test or bench file its own seeded PostgreSQL and Redis:
 *
 *   const lab = useLab({ fixtures: ['users'] });
 *   it('…', async () => { const pool = new pg.Pool({ connectionString: lab.pg.url }); … });
 *
 * Servers start in beforeAll and stop in afterAll; properties throw if read before beforeAll.
 */
export function useLab(options: Omit<LabOptions, 'spec'> = {}, timeoutMs = 120_000): Lab {
  let lab: Lab | undefined;
  beforeAll(async () => {
    lab = await startLab({ ...options, spec: inject('labProvider') });
  }, timeoutMs);
  afterAll(async () => {
    await lab?.stop();
  }, timeoutMs);
  return new Proxy({} as Lab, {
    get(_, property) {
      if (!lab)
        throw new Error(
          'useLab(): the lab is not started yet; use it inside tests or hooks, not at import time.',
        );
      return Reflect.get(lab, property);
    },
  });
}
