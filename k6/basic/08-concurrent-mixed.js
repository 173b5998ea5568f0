// Scenario 08 — concurrent mixed workload: a weighted mix of scenarios 01–07.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e TOKEN=<HS256 JWT> k6/basic/08-concurrent-mixed.js
// TOKEN: bearer token for /protected (without it, /protected is left out of the mix).
// USERS: rows seeded in `users` (default 100000); PAYLOAD_FILE as in 02.
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

// 4xx answers are never expected in the mix; 201 (create) is.
http.setResponseCallback(http.expectedStatuses(200, 201));

const payload = open(__ENV.PAYLOAD_FILE || '../../src/contract/echo-payload.json');
const users = Number(__ENV.USERS || 100000);
const json = { 'Content-Type': 'application/json' };
const uploadSize = 4096;
const upload = new Uint8Array(uploadSize).fill(97);

function expect(response, status, name, predicate) {
  check(response, {
    [`${name}: status is ${status}`]: (r) => r.status === status,
    [`${name}: body`]: (r) => {
      const body = jsonBody(r);
      return body !== undefined && predicate(body);
    },
  });
}

function health() {
  const r = http.get(`${BASE_URL}/health`, { tags: { name: 'GET /health' } });
  expect(r, 200, 'health', (b) => b.status === 'ok');
}

function echo() {
  const r = http.post(`${BASE_URL}/echo`, payload, { headers: json, tags: { name: 'POST /echo' } });
  expect(r, 200, 'echo', (b) => typeof b.id === 'string');
}

function listUsers() {
  // Shallow pages, as in scenario 03.
  const offset = Math.floor(Math.random() * Math.max(1, Math.min(1000, users - 20)));
  const url = `${BASE_URL}/users?limit=20&offset=${offset}`;
  const r = http.get(url, { tags: { name: 'GET /users' } });
  expect(r, 200, 'list users', (b) => Array.isArray(b.items));
}

function createUser() {
  const email = `mix-${__VU}-${__ITER}-${Date.now()}@bench.example.com`;
  const body = JSON.stringify({ name: 'Mixed Bench', email });
  const r = http.post(`${BASE_URL}/users`, body, { headers: json, tags: { name: 'POST /users' } });
  expect(r, 201, 'create user', (b) => b.email === email);
}

function external() {
  const r = http.get(`${BASE_URL}/external`, { tags: { name: 'GET /external' } });
  expect(r, 200, 'external', (b) => !('error' in b));
}

function protectedRoute() {
  const headers = { Authorization: `Bearer ${__ENV.TOKEN}` };
  const r = http.get(`${BASE_URL}/protected`, { headers, tags: { name: 'GET /protected' } });
  expect(r, 200, 'protected', (b) => typeof b.subject === 'string');
}

function uploadFile() {
  const data = { file: http.file(upload.buffer, 'mix.bin', 'application/octet-stream') };
  const r = http.post(`${BASE_URL}/upload`, data, { tags: { name: 'POST /upload' } });
  expect(r, 200, 'upload', (b) => b.size === uploadSize);
}

/** [weight, request]: reads dominate, as in a typical API. */
const requests = [
  [30, health],
  [15, echo],
  [25, listUsers],
  [5, createUser],
  [10, external],
  [10, __ENV.TOKEN ? protectedRoute : undefined],
  [5, uploadFile],
].filter(([, run]) => run !== undefined);
const total = requests.reduce((sum, [weight]) => sum + weight, 0);

export default function () {
  let pick = Math.random() * total;
  for (const [weight, run] of requests) {
    pick -= weight;
    if (pick < 0) return run();
  }
  return requests[requests.length - 1][1]();
}
