/**
 * Shared by k6/caching/14-cache-hit.js and 15-cache-miss.js (plain k6 JavaScript): the hot set
 * of user ids, its warm-up, and one checked read of a user through GET /cache/users/{id}.
 *
 * Environment: HOT (ids 1..HOT are read; default 10000, at most the users seeded).
 */
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, jsonBody } from './options.js';

export const HOT = Math.max(1, Math.round(Number(__ENV.HOT || 10000)));
const WARM_CHUNK = 10000;

/** Stores users 1..HOT in Redis (POST /cache/users/warm): run in setup(), outside the measurement. */
export function warmHotSet() {
  for (let from = 1; from <= HOT; from += WARM_CHUNK) {
    const count = Math.min(WARM_CHUNK, HOT - from + 1);
    const response = http.post(`${BASE_URL}/cache/users/warm`, JSON.stringify({ from, count }), {
      headers: { 'Content-Type': 'application/json' },
    });
    if (response.status !== 200)
      throw new Error(`warm-up failed: ${response.status} ${response.body}`);
  }
}

export const randomHotId = () => 1 + Math.floor(Math.random() * HOT);

/** GET /cache/users/{id}?strategy=…, checked: 200 and the user asked for. */
export function readUser(id, strategy, tags) {
  const response = http.get(`${BASE_URL}/cache/users/${id}?strategy=${strategy}`, { tags });
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body is the user asked for': (r) => {
      const body = jsonBody(r);
      return body !== undefined && body.id === id && typeof body.email === 'string';
    },
  });
}
