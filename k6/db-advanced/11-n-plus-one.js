// Scenario 11 — N+1: GET /db/authors?strategy=STRATEGY, authors each with their posts.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e STRATEGY=select-in k6/db-advanced/11-n-plus-one.js
// STRATEGY: lazy (default, 1 + N queries) | eager (1 JOIN) | select-in (2 queries). SIZE: authors
// per page 1–100 (default 20). AUTHORS: rows seeded in `authors` (default 1000, fixture scale 1,
// 8 posts each); pages start at a random author.
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

const strategy = __ENV.STRATEGY || 'lazy';
if (!['lazy', 'eager', 'select-in'].includes(strategy)) {
  throw new Error(`STRATEGY must be lazy, eager or select-in, got ${strategy}`);
}
const size = Number(__ENV.SIZE || 20);
const authors = Number(__ENV.AUTHORS || 1000);
const maxSkip = Math.max(0, authors - size);
const tags = { name: 'GET /db/authors', strategy };

export default function () {
  const skip = Math.floor(Math.random() * (maxSkip + 1));
  const response = http.get(
    `${BASE_URL}/db/authors?strategy=${strategy}&skip=${skip}&size=${size}`,
    { tags },
  );
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body has a full page of authors with posts': (r) => {
      const body = jsonBody(r);
      return (
        body !== undefined &&
        Array.isArray(body.items) &&
        body.items.length === size &&
        body.items.every((author) => Array.isArray(author.posts))
      );
    },
  });
}
