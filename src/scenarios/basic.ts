import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../launcher/registry.ts';
import type { RequestSpec } from '../load/inprocess/engine.ts';
import { CLOSED_10_VUS } from './load-profiles.ts';
import { multipartFile, uploadBytes } from './multipart.ts';
import type { ScenarioContext, ScenarioDefinition } from './types.ts';

/** Scenarios 01–08: the shared HTTP contract, one request type each, then a mix. */

const ECHO_PAYLOAD = readFileSync(join(REPO_ROOT, 'src/contract/echo-payload.json'), 'utf8');
export const JSON_HEADERS = { 'content-type': 'application/json' };
const PAGE = 20;
/** Offsets stay shallow (k6 MAX_OFFSET default): deep OFFSET cost is scenario 09's subject. */
const MAX_OFFSET = 1000;
export const UPLOAD_SIZE = 65_536;
const MIXED_UPLOAD_SIZE = 4096;

/** A deterministic pseudo-random integer in [0, n) for request i (no shared RNG state). */
export function pick(i: number, n: number): number {
  let x = Math.imul(i + 1, 0x9e3779b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca77);
  x ^= x >>> 13;
  return (x >>> 0) % n;
}

/** A GET of `path` (with `headers`), for the scenarios' in-process requests. */
export const get = (path: string, headers?: Record<string, string>): RequestSpec => ({
  method: 'GET',
  path,
  ...(headers ? { headers } : {}),
});

const health = (): RequestSpec => ({ method: 'GET', path: '/health' });
const echo = (): RequestSpec => ({
  method: 'POST',
  path: '/echo',
  headers: JSON_HEADERS,
  body: ECHO_PAYLOAD,
});
const listUsers = (i: number, c: ScenarioContext): RequestSpec => ({
  method: 'GET',
  path: `/users?limit=${PAGE}&offset=${pick(i, Math.max(1, Math.min(MAX_OFFSET, c.usersRows - PAGE) + 1))}`,
});
// The run id keeps emails unique across repeated runs in one database.
const runTag = `${process.pid}-${Date.now().toString(36)}`;
const createUser = (i: number): RequestSpec => ({
  method: 'POST',
  path: '/users',
  headers: JSON_HEADERS,
  body: JSON.stringify({ name: `Bench User ${i}`, email: `ip-${runTag}-${i}@bench.example.com` }),
});
const external = (): RequestSpec => ({ method: 'GET', path: '/external' });
const protectedRoute = (_: number, c: ScenarioContext): RequestSpec => ({
  method: 'GET',
  path: '/protected',
  headers: { authorization: `Bearer ${c.token}` },
});
const uploadOf = (size: number, filename: string) => {
  const { body, contentType } = multipartFile(uploadBytes(size), filename);
  return (): RequestSpec => ({
    method: 'POST',
    path: '/upload',
    headers: { 'content-type': contentType },
    body,
  });
};
const upload = uploadOf(UPLOAD_SIZE, 'bench.bin');
const mixedUpload = uploadOf(MIXED_UPLOAD_SIZE, 'mix.bin');

/** Weights of k6/basic/08-concurrent-mixed.js: reads dominate, as in a typical API. */
const MIX: Array<[number, (i: number, c: ScenarioContext) => RequestSpec]> = [
  [30, health],
  [15, echo],
  [25, listUsers],
  [5, createUser],
  [10, external],
  [10, protectedRoute],
  [5, mixedUpload],
];
const MIX_TOTAL = MIX.reduce((sum, [weight]) => sum + weight, 0);
function mixed(i: number, c: ScenarioContext): RequestSpec {
  let at = pick(i, MIX_TOTAL);
  for (const [weight, build] of MIX) {
    if (at < weight) return build(i, c);
    at -= weight;
  }
  return health();
}

const script = (id: string) => `k6/basic/${id}.js`;
const usersEnv = (c: ScenarioContext) => ({ USERS: String(c.usersRows) });

export const BASIC_SCENARIOS: readonly ScenarioDefinition[] = [
  {
    id: '01-lightweight',
    number: 1,
    title: 'Lightweight',
    category: 'basic',
    measures: 'GET /health: pure framework overhead',
    fixtures: [],
    mutates: false,
    k6: { script: script('01-lightweight') },
    request: health,
    load: CLOSED_10_VUS,
  },
  {
    id: '02-json-payload',
    number: 2,
    title: 'JSON payload',
    category: 'basic',
    measures: 'POST /echo of a 4 KB nested document: JSON parse and serialize',
    fixtures: [],
    mutates: false,
    k6: { script: script('02-json-payload') },
    request: echo,
    load: CLOSED_10_VUS,
  },
  {
    id: '03-db-read',
    number: 3,
    title: 'DB read',
    category: 'basic',
    measures: 'GET /users?limit=20&offset=<random 0–1000>: one cheap SELECT per request',
    fixtures: ['users'],
    mutates: false,
    k6: { script: script('03-db-read'), env: usersEnv },
    request: listUsers,
    load: CLOSED_10_VUS,
  },
  {
    id: '04-db-write',
    number: 4,
    title: 'DB write',
    category: 'basic',
    measures: 'POST /users with a unique email: one INSERT per request',
    fixtures: ['users'],
    mutates: true,
    k6: { script: script('04-db-write') },
    request: createUser,
    expectStatus: (status) => status === 201,
    load: CLOSED_10_VUS,
  },
  {
    id: '05-external-api',
    number: 5,
    title: 'External API',
    category: 'basic',
    measures: 'GET /external: the target calls the upstream stub (20 ms delay) and relays it',
    fixtures: [],
    mutates: false,
    k6: { script: script('05-external-api') },
    request: external,
    load: CLOSED_10_VUS,
  },
  {
    id: '06-middleware-chain',
    number: 6,
    title: 'Middleware chain',
    category: 'basic',
    measures: 'GET /protected behind request logging and bearer-token (JWT) auth',
    fixtures: [],
    mutates: false,
    k6: { script: script('06-middleware-chain'), env: (c) => ({ TOKEN: c.token }) },
    request: protectedRoute,
    load: CLOSED_10_VUS,
  },
  {
    id: '07-file-upload',
    number: 7,
    title: 'File upload',
    category: 'basic',
    measures: `POST /upload, multipart with one ${UPLOAD_SIZE / 1024} KiB file: size + SHA-256`,
    fixtures: [],
    mutates: false,
    k6: { script: script('07-file-upload'), env: () => ({ FILE_SIZE: String(UPLOAD_SIZE) }) },
    request: upload,
    load: CLOSED_10_VUS,
  },
  {
    id: '08-concurrent-mixed',
    number: 8,
    title: 'Concurrent mixed',
    category: 'basic',
    measures: 'a weighted mix of 01–07 (reads dominate, 5% writes)',
    fixtures: ['users'],
    mutates: true,
    k6: { script: script('08-concurrent-mixed'), env: (c) => ({ ...usersEnv(c), TOKEN: c.token }) },
    request: mixed,
    load: CLOSED_10_VUS,
  },
];
