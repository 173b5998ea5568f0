// Scenario 17 — aggregation over orders: GET /db/aggregate/… by REPORT and STRATEGY.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e REPORT=by-country -e STRATEGY=builder k6/db-advanced/17-aggregation.js
// REPORT: count | by-country (default) | by-status | top-authors (SIZE, default 10).
// STRATEGY: raw (default) | builder (ORM layers only) | reduce (rows aggregated in code).
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

const report = __ENV.REPORT || 'by-country';
const strategy = __ENV.STRATEGY || 'raw';
const size = Number(__ENV.SIZE || 10);
const PATHS = {
  count: `/db/aggregate/count?strategy=${strategy}`,
  'by-country': `/db/aggregate/orders-by/country?strategy=${strategy}`,
  'by-status': `/db/aggregate/orders-by/status?strategy=${strategy}`,
  'top-authors': `/db/aggregate/top-authors?strategy=${strategy}&size=${size}`,
};
if (!PATHS[report]) throw new Error(`REPORT must be one of ${Object.keys(PATHS).join(', ')}`);
if (!['raw', 'builder', 'reduce'].includes(strategy)) {
  throw new Error(`STRATEGY must be raw, builder or reduce, got ${strategy}`);
}
const tags = { name: `GET /db/aggregate/${report}`, strategy };

export default function () {
  const response = http.get(`${BASE_URL}${PATHS[report]}`, { tags });
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body has the report': (r) => {
      const body = jsonBody(r);
      if (body === undefined) return false;
      if (report === 'count') return body.count > 0;
      return Array.isArray(body.items) && body.items.length > 0;
    },
  });
}
