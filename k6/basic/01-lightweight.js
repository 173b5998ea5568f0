// Scenario 01 — framework overhead: GET /health.
// k6 run -e BASE_URL=http://127.0.0.1:3000 k6/basic/01-lightweight.js
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

export default function () {
  const response = http.get(`${BASE_URL}/health`, { tags: { name: 'GET /health' } });
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body has status ok': (r) => jsonBody(r)?.status === 'ok',
  });
}
