// Scenario 15 — cache miss → DB → cache: GET /cache/users/{id} over users 1..HOT (warmed in
// setup()) by MODE:
//   none  — strategy=none, PostgreSQL only: the baseline without a cache;
//   miss  — strategy=miss: every read a miss (DEL, GET, SELECT, SET);
//   mixed — strategy=aside (a hit: the set is warm) with probability HIT_RATIO (default 0.9),
//           strategy=miss otherwise: an exact hit ratio, however fast the target is.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e MODE=mixed -e HIT_RATIO=0.9 k6/caching/15-cache-miss.js
// HOT: ids read (default 10000; at most the users seeded).
import { randomHotId, readUser, warmHotSet } from '../lib/cache.js';
import { buildOptions } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

const mode = __ENV.MODE || 'mixed';
if (!['none', 'miss', 'mixed'].includes(mode)) {
  throw new Error(`MODE must be none, miss or mixed, got ${mode}`);
}
const hitRatio = Number(__ENV.HIT_RATIO || 0.9);
if (!(hitRatio >= 0 && hitRatio <= 1))
  throw new Error(`HIT_RATIO must be in [0, 1], got ${hitRatio}`);

export function setup() {
  warmHotSet();
}

const strategyOf = () => {
  if (mode !== 'mixed') return mode;
  return Math.random() < hitRatio ? 'aside' : 'miss';
};

export default function () {
  const strategy = strategyOf();
  readUser(randomHotId(), strategy, { name: 'GET /cache/users/{id}', strategy });
}
