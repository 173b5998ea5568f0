// Scenario 19 — a real-world flow, one iteration per user session:
//   login    POST  /auth/session/login   (a random author from 2 on; password lab-password)
//   list     GET   /flow/posts           (the author's posts)
//   read     GET   /flow/posts/{id}      (one of them, at random)
//   update   PATCH /flow/posts/{id}      (a new title, unique to the iteration)
//   readback GET   /flow/posts/{id}      (checked: the new title is there — read your write)
//   logout   POST  /auth/session/logout
// Every request is tagged with its `step`: the summary has each step's latency, the harness puts
// p50/p95/p99 per step in the run report. An iteration stops at the first failed step. Each VU
// logs in as authors of its own (VU n: authors 2 + n - 1, + SLOTS, + 2·SLOTS…), so no two VUs
// retitle the same post between a write and its read-back.
// k6 run -e BASE_URL=http://127.0.0.1:3000 k6/real-world/19-flow.js
// AUTHORS: authors seeded (default 1000). At most min(100, AUTHORS − 1) VUs in all.
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

/** Numbered, so reports list them in the order they run. */
export const STEPS = ['1-login', '2-list', '3-read', '4-update', '5-readback', '6-logout'];
const stepThresholds = {};
for (const step of STEPS)
  stepThresholds[`http_req_duration{phase:measure,step:${step}}`] = ['max>=0'];
export const options = buildOptions(stepThresholds);

const authors = Number(__ENV.AUTHORS || 1000);
const SLOTS = Math.min(100, authors - 1);
const JSON_TYPE = { 'Content-Type': 'application/json' };

/** A random author of this VU's own (author 1, the hardened account, is nobody's). */
function authorOfThisVu() {
  if (__VU > SLOTS) throw new Error(`at most ${SLOTS} VUs: each needs authors of its own`);
  const perVu = Math.floor((authors - 1) / SLOTS);
  return 2 + (__VU - 1) + SLOTS * Math.floor(Math.random() * perVu);
}

export default function () {
  const author = authorOfThisVu();
  const login = http.post(
    `${BASE_URL}/auth/session/login`,
    JSON.stringify({ email: `author${author}@example.com`, password: 'lab-password' }),
    { headers: JSON_TYPE, tags: { name: 'POST /auth/session/login', step: '1-login' } },
  );
  const token = jsonBody(login)?.token;
  if (!check(login, { 'login: 200 with a token': (r) => r.status === 200 && !!token })) return;
  const auth = { Authorization: `Bearer ${token}` };

  const list = http.get(`${BASE_URL}/flow/posts`, {
    headers: auth,
    tags: { name: 'GET /flow/posts', step: '2-list' },
  });
  const posts = jsonBody(list)?.items;
  if (!check(list, { 'list: 200 with posts': (r) => r.status === 200 && posts?.length > 0 }))
    return;
  const id = posts[Math.floor(Math.random() * posts.length)].id;
  const postUrl = `${BASE_URL}/flow/posts/${id}`;
  const postTags = (step) => ({ name: 'GET /flow/posts/{id}', step });

  const read = http.get(postUrl, { headers: auth, tags: postTags('3-read') });
  check(read, { 'read: 200 with the post': (r) => r.status === 200 && jsonBody(r)?.id === id });

  const title = `Flow ${__VU}-${__ITER}`;
  const update = http.patch(postUrl, JSON.stringify({ title }), {
    headers: { ...auth, ...JSON_TYPE },
    tags: { name: 'PATCH /flow/posts/{id}', step: '4-update' },
  });
  check(update, {
    'update: 200 with the new title': (r) => r.status === 200 && jsonBody(r)?.title === title,
  });

  const readback = http.get(postUrl, { headers: auth, tags: postTags('5-readback') });
  check(readback, {
    'readback: the new title (read your write)': (r) =>
      r.status === 200 && jsonBody(r)?.title === title,
  });

  const logout = http.post(`${BASE_URL}/auth/session/logout`, null, {
    headers: auth,
    tags: { name: 'POST /auth/session/logout', step: '6-logout' },
  });
  check(logout, { 'logout: 200': (r) => r.status === 200 });
}
