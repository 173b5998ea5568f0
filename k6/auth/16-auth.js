// Scenario 16 — authentication, by ROUTE:
//   public        — GET /auth/public (no auth: the baseline);
//   jwt           — GET /auth/jwt/me with a JWT from setup() (signature and expiry checked);
//   session       — GET /auth/session/me with a session from setup() (one Redis GET);
//   jwt-login     — POST /auth/jwt/login as a random author (cheap scrypt hash; issues a JWT);
//   session-login — POST /auth/session/login as a random author (creates a session in Redis);
//   hardened-login — POST /auth/jwt/login as author 1, whose hash costs scrypt N = 2^14.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e ROUTE=jwt k6/auth/16-auth.js
// AUTHORS: authors seeded (default 1000); the password of every one is lab-password.
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

const route = __ENV.ROUTE || 'jwt';
const ROUTES = ['public', 'jwt', 'session', 'jwt-login', 'session-login', 'hardened-login'];
if (!ROUTES.includes(route))
  throw new Error(`ROUTE must be one of ${ROUTES.join(', ')}, got ${route}`);
const authors = Number(__ENV.AUTHORS || 1000);
const json = { headers: { 'Content-Type': 'application/json' } };
const credentials = (id) =>
  JSON.stringify({ email: `author${id}@example.com`, password: 'lab-password' });

function login(kind, id) {
  return http.post(`${BASE_URL}/auth/${kind}/login`, credentials(id), {
    ...json,
    tags: { name: `POST /auth/${kind}/login` },
  });
}

export function setup() {
  const tokens = {};
  for (const kind of ['jwt', 'session']) {
    const response = login(kind, 2);
    if (response.status !== 200) throw new Error(`${kind} login failed: ${response.status}`);
    tokens[kind] = jsonBody(response).token;
  }
  return tokens;
}

const isPrincipal = (r) => {
  const body = jsonBody(r);
  return body !== undefined && body.subject === '2' && body.email === 'author2@example.com';
};
const hasToken = (r) => {
  const body = jsonBody(r);
  return body !== undefined && typeof body.token === 'string' && body.expiresIn > 0;
};

export default function (tokens) {
  let response;
  let valid;
  if (route === 'public') {
    response = http.get(`${BASE_URL}/auth/public`, { tags: { name: 'GET /auth/public' } });
    valid = (r) => jsonBody(r)?.subject === null;
  } else if (route === 'jwt' || route === 'session') {
    response = http.get(`${BASE_URL}/auth/${route}/me`, {
      headers: { Authorization: `Bearer ${tokens[route]}` },
      tags: { name: `GET /auth/${route}/me` },
    });
    valid = isPrincipal;
  } else {
    const kind = route === 'session-login' ? 'session' : 'jwt';
    // Random authors from 2 on: author 1 is the hardened account.
    const id = route === 'hardened-login' ? 1 : 2 + Math.floor(Math.random() * (authors - 1));
    response = login(kind, id);
    valid = hasToken;
  }
  check(response, { 'status is 200': (r) => r.status === 200, 'body is right': valid });
}
