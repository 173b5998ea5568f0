// Scenario 06 — middleware chain (logging + bearer auth): GET /protected.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e TOKEN=<HS256 JWT> k6/basic/06-middleware-chain.js
// TOKEN: a bearer token signed with the target's LAB_AUTH_SECRET (required).
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

if (!__ENV.TOKEN) throw new Error('06-middleware-chain.js needs a bearer token in TOKEN');

const params = {
  headers: { Authorization: `Bearer ${__ENV.TOKEN}` },
  tags: { name: 'GET /protected' },
};

export default function () {
  const response = http.get(`${BASE_URL}/protected`, params);
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body names the subject': (r) => {
      const body = jsonBody(r);
      return body !== undefined && typeof body.subject === 'string' && body.subject.length > 0;
    },
  });
}
