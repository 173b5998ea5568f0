// Scenario 18 — text search: GET /db/search?q=TERM&strategy=STRATEGY&size=SIZE.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e STRATEGY=trigram -e TERM=zozaza k6/db-advanced/18-search.js
// STRATEGY: ilike (default; no index) | trigram (GIN on lower(body)) | fts (full text).
// TERM: default zozaza, a keyword in 1 document of 1,728 (selective); `zephyr` is in ~6% of the
// documents, `data` in most (common). SIZE: newest matches answered (default 20).
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

const strategy = __ENV.STRATEGY || 'ilike';
if (!['ilike', 'trigram', 'fts'].includes(strategy)) {
  throw new Error(`STRATEGY must be ilike, trigram or fts, got ${strategy}`);
}
const term = __ENV.TERM || 'zozaza';
const size = Number(__ENV.SIZE || 20);
const url = `${BASE_URL}/db/search?q=${encodeURIComponent(term)}&strategy=${strategy}&size=${size}`;
const tags = { name: 'GET /db/search', strategy };

export default function () {
  const response = http.get(url, { tags });
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body has matches': (r) => {
      const body = jsonBody(r);
      return body !== undefined && Array.isArray(body.items) && body.items.length > 0;
    },
  });
}
