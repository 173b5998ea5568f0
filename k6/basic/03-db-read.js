// Scenario 03 — DB read: GET /users?limit=20&offset=<random, within the first MAX_OFFSET rows>.
// k6 run -e BASE_URL=http://127.0.0.1:3000 k6/basic/03-db-read.js
// LIMIT: page size (default 20); USERS: rows seeded in `users` (default 100000, fixture scale 1);
// MAX_OFFSET: largest offset (default 1000). Offsets stay shallow on purpose: this scenario
// measures a cheap SELECT through framework + driver; deep OFFSET cost is scenario 09's subject.
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

const limit = Number(__ENV.LIMIT || 20);
const users = Number(__ENV.USERS || 100000);
const maxOffset = Math.max(0, Math.min(Number(__ENV.MAX_OFFSET || 1000), users - limit));

export default function () {
  const offset = Math.floor(Math.random() * (maxOffset + 1));
  const response = http.get(`${BASE_URL}/users?limit=${limit}&offset=${offset}`, {
    tags: { name: 'GET /users' },
  });
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body has a full page': (r) => {
      const body = jsonBody(r);
      return body !== undefined && Array.isArray(body.items) && body.items.length === limit;
    },
  });
}
