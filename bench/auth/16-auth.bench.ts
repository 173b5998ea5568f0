/**
 * Scenario 16: what authentication costs, in-process.
 *   - On every data layer: a login (the account read through the layer, the scrypt check, a JWT
 *     issued) with the cheap hash is ≥ 10× faster than the hardened account's (scrypt N = 2^14,
 *     r = 8: the scrypt paper's interactive-login cost, tens of ms of CPU by design).
 * JWT verification against a Redis session read is ranked over HTTP (bench/auth/http-16…), not
 * asserted here: in a first quick run the two were equal, 1.00 [0.58, 1.73] one at a time — jose
 * verifies HS256 through WebCrypto, whose calls leave the event loop for libuv's thread pool much
 * as a loopback Redis GET does — and published comparisons disagree on the direction (the
 * original lab found sessions 14% faster than JWTs), so there is no margin to assert.
 *
 *   pnpm vitest bench --run bench/auth/16        (LAB_LAYERS=pg to narrow)
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type DataLayer, layersFromEnv, openDataLayer } from '../../src/data/index.ts';
import { useLab } from '../../src/infra/vitest.ts';
import { compareVariants } from '../../src/load/variant-compare.ts';
import { noteInfra } from '../../src/report/collector.ts';
import { issueLoginToken } from '../../src/targets/shared/auth.ts';
import { checkCredentials } from '../../src/targets/shared/login.ts';
import {
  CHEAP_COST,
  HARDENED_AUTHOR_ID,
  HARDENED_COST,
  LAB_PASSWORD,
} from '../../src/targets/shared/password.ts';

const SUITE = 'bench/auth/16-auth';
const SCENARIO = '16-auth';
const SECRET = 'lab-secret';
const TTL_SECONDS = 900;
const lab = useLab({ fixtures: ['blog'] });
beforeAll(() => {
  noteInfra(lab, { suite: SUITE });
});

const email = (id: number) => `author${id}@example.com`;

for (const name of layersFromEnv()) {
  describe(name, () => {
    let layer: DataLayer;
    beforeAll(async () => {
      layer = await openDataLayer(name, { databaseUrl: lab.pg.url, poolSize: 10 });
    });
    afterAll(async () => {
      await layer?.close();
    });
    const login = async (id: number) => {
      const principal = await checkCredentials(layer, email(id), LAB_PASSWORD);
      await issueLoginToken(principal, SECRET, TTL_SECONDS);
    };

    test('a login with the cheap hash is ≥10× faster than with the hardened one', async () => {
      await compareVariants({
        suite: SUITE,
        scenario: SCENARIO,
        // Authors 2… have the cheap hash; the same few accounts on both sides' lookups.
        a: { target: name, variant: 'login-cheap', operation: (i) => login(2 + (i % 50)) },
        b: {
          target: name,
          variant: 'login-hardened',
          operation: () => login(HARDENED_AUTHOR_ID),
        },
        minRatio: 10,
        operations: { quick: 10, full: 30 },
        warmup: { quick: 2, full: 5 },
        claim: `${name}: a cheap-hash login ≥10× faster than a hardened-hash (scrypt N=2^${HARDENED_COST.log2N}) login`,
        meta: {
          cheapCost: `scrypt N=2^${CHEAP_COST.log2N} r=${CHEAP_COST.r} p=${CHEAP_COST.p}`,
          hardenedCost: `scrypt N=2^${HARDENED_COST.log2N} r=${HARDENED_COST.r} p=${HARDENED_COST.p}`,
          ...layer.settings,
        },
      });
    });
  });
}
