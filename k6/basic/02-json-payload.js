// Scenario 02 — JSON parse and serialize: POST /echo with the contract's payload.
// k6 run -e BASE_URL=http://127.0.0.1:3000 k6/basic/02-json-payload.js
// PAYLOAD_FILE: the JSON object to send (default: the contract's, relative to this script).
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

const payload = open(__ENV.PAYLOAD_FILE || '../../src/contract/echo-payload.json');
const expected = JSON.parse(payload);
const params = {
  headers: { 'Content-Type': 'application/json' },
  tags: { name: 'POST /echo' },
};

export default function () {
  const response = http.post(`${BASE_URL}/echo`, payload, params);
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body echoes the payload': (r) => {
      const body = jsonBody(r);
      return body !== undefined && body.id === expected.id && body.number === expected.number;
    },
  });
}
