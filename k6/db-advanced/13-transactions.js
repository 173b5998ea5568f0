// Scenario 13 — transactions on a hot row: POST /db/products/{PRODUCT}/decrement?strategy=STRATEGY.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e STRATEGY=optimistic k6/db-advanced/13-transactions.js
// STRATEGY: none | pessimistic (default) | optimistic | serializable. PRODUCT: product id 1–10
// (default 1; every VU hits the same row). QUANTITY: units per decrement (default 1). The fixture's
// stock of 1,000 lasts about a second at 10 VUs, after which every answer is 409: the lab raises
// the product's stock to 10,000,000 before every run so that the measured window is decrements;
// by hand, do the same first (`UPDATE products SET stock = 10000000 WHERE id = 1`). 200 and 409
// are both expected answers; the custom metrics count them (decrement_ok, decrement_conflict)
// and the retries the target reports (decrement_retries). Restore the database afterwards.
import { check } from 'k6';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions({
  'decrement_ok{phase:measure}': ['count>=0'],
  'decrement_conflict{phase:measure}': ['count>=0'],
  'decrement_retries{phase:measure}': ['count>=0'],
});

const strategy = __ENV.STRATEGY || 'pessimistic';
if (!['none', 'pessimistic', 'optimistic', 'serializable'].includes(strategy)) {
  throw new Error(
    `STRATEGY must be none, pessimistic, optimistic or serializable, got ${strategy}`,
  );
}
const product = Number(__ENV.PRODUCT || 1);
const quantity = Number(__ENV.QUANTITY || 1);

// A 409 (insufficient stock, retries exhausted) is an outcome here, not a failed request.
http.setResponseCallback(http.expectedStatuses(200, 409));

const decrementOk = new Counter('decrement_ok');
const decrementConflict = new Counter('decrement_conflict');
const decrementRetries = new Counter('decrement_retries');

const url = `${BASE_URL}/db/products/${product}/decrement?strategy=${strategy}`;
const body = JSON.stringify({ quantity });
const params = {
  headers: { 'Content-Type': 'application/json' },
  tags: { name: 'POST /db/products/{id}/decrement', strategy },
};

export default function () {
  const response = http.post(url, body, params);
  const result = jsonBody(response);
  check(response, {
    'status is 200 or 409': (r) => r.status === 200 || r.status === 409,
    'body is an outcome or a conflict': (r) =>
      result !== undefined &&
      (r.status === 200
        ? result.ok === true && Number.isInteger(result.retries) && result.retries >= 0
        : result.error !== undefined && result.error.code === 'conflict'),
  });
  if (response.status === 200) {
    decrementOk.add(1);
    if (result && Number.isInteger(result.retries)) decrementRetries.add(result.retries);
  } else if (response.status === 409) {
    decrementConflict.add(1);
  }
}
