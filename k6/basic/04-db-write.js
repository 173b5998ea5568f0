// Scenario 04 — DB write: POST /users with an email unique per VU and iteration.
// k6 run -e BASE_URL=http://127.0.0.1:3000 k6/basic/04-db-write.js
// Every request inserts a row: restore the database afterwards when that matters.
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

// Only 201 counts as an expected answer (http_req_failed); a 409 is a failure here.
http.setResponseCallback(http.expectedStatuses(201));

const params = {
  headers: { 'Content-Type': 'application/json' },
  tags: { name: 'POST /users' },
};

export default function () {
  const email = `vu-${__VU}-${__ITER}-${Date.now()}@bench.example.com`;
  const body = JSON.stringify({ name: `Bench User ${__VU}-${__ITER}`, email });
  const response = http.post(`${BASE_URL}/users`, body, params);
  check(response, {
    'status is 201': (r) => r.status === 201,
    'body is the created user': (r) => {
      const user = jsonBody(r);
      return user !== undefined && user.email === email && Number.isInteger(user.id);
    },
  });
}
