// Scenario 09 — pagination: GET /db/users/{offset|keyset|cursor} through the target's data layer.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e VARIANT=keyset -e DEEP=1 k6/db-advanced/09-pagination.js
// VARIANT: offset (default) | keyset | cursor. SIZE: page size 1–100 (default 20). USERS: rows
// seeded in `users` (default 100000, fixture scale 1; ids are 1..USERS). DEEP=1: pages start at a
// random row anywhere in the table (the deep OFFSET cost is the subject); else within the first
// SHALLOW rows (default 1000). offset and keyset read the same rows for the same start (`skip=s`
// is `after=s` on the seeded ids). cursor has no random access: each VU follows `next` from the
// first page, WALK pages (default 50; DEEP=1: 1000) before starting over, so its pages get deep
// as the walk goes on — the point of a cursor is that depth costs nothing.
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

const variant = __ENV.VARIANT || 'offset';
if (!['offset', 'keyset', 'cursor'].includes(variant)) {
  throw new Error(`VARIANT must be offset, keyset or cursor, got ${variant}`);
}
const deep = __ENV.DEEP === '1';
const size = Number(__ENV.SIZE || 20);
const users = Number(__ENV.USERS || 100000);
const span = Math.max(0, (deep ? users : Math.min(users, Number(__ENV.SHALLOW || 1000))) - size);
const walk = Number(__ENV.WALK || (deep ? 1000 : 50));
const tags = { name: `GET /db/users/${variant}` };

// Per VU: where the cursor walk is.
let cursor = null;
let walked = 0;

function fullPage(body) {
  return body !== undefined && Array.isArray(body.items) && body.items.length === size;
}

export default function () {
  if (variant === 'cursor') {
    const query = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const response = http.get(`${BASE_URL}/db/users/cursor?size=${size}${query}`, { tags });
    const body = jsonBody(response);
    check(response, {
      'status is 200': (r) => r.status === 200,
      'body is a page with a next cursor': () =>
        body !== undefined &&
        Array.isArray(body.items) &&
        (typeof body.next === 'string' || body.next === null),
    });
    walked += 1;
    cursor = body && typeof body.next === 'string' && walked < walk ? body.next : null;
    if (cursor === null) walked = 0;
    return;
  }
  const start = Math.floor(Math.random() * (span + 1));
  const param = variant === 'offset' ? 'skip' : 'after';
  const response = http.get(`${BASE_URL}/db/users/${variant}?${param}=${start}&size=${size}`, {
    tags,
  });
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body has a full page': (r) => fullPage(jsonBody(r)),
  });
}
