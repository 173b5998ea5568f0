// Scenario 05 — external API call: GET /external (the target calls the upstream stub).
// k6 run -e BASE_URL=http://127.0.0.1:3000 k6/basic/05-external-api.js
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

export default function () {
  const response = http.get(`${BASE_URL}/external`, { tags: { name: 'GET /external' } });
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body is a JSON object': (r) => {
      const body = jsonBody(r);
      return typeof body === 'object' && body !== null && !('error' in body);
    },
  });
}
