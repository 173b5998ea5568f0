// Scenario 14 — cache hit: GET /cache/users/{id}?strategy=aside over users 1..HOT, every one
// warmed in setup() (POST /cache/users/warm), so every measured read is a Redis hit.
// k6 run -e BASE_URL=http://127.0.0.1:3000 k6/caching/14-cache-hit.js
// HOT: ids read (default 10000; at most the users seeded). See k6/lib/options.js for the load.
import { randomHotId, readUser, warmHotSet } from '../lib/cache.js';
import { buildOptions } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();
const tags = { name: 'GET /cache/users/{id}', strategy: 'aside' };

export function setup() {
  warmHotSet();
}

export default function () {
  readUser(randomHotId(), 'aside', tags);
}
