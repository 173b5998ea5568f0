// Scenario 12 — bulk writes: POST /db/bulk/insert (or /db/bulk/update) of ROWS items a request.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e STRATEGY=unnest -e ROWS=1000 k6/db-advanced/12-bulk.js
// MODE: insert (default) | update.
//   insert: STRATEGY individual | orm-batch | multi-values (default) | unnest | copy (unnest and
//           copy exist in the pg layer only; other layers answer 400). Every request writes ROWS
//           new rows with skus unique per run, VU and iteration.
//   update: STRATEGY individual | bulk (default). setup() inserts ROWS rows per VU once
//           (multi-values, which every layer has); each VU sets the quantities of its own rows
//           only, so VUs never wait for each other's row locks (a throughput scenario, not a
//           contention one: that is scenario 13).
// ROWS: items per request, 1–5000 (default 1000). Every insert adds rows: restore the database
// afterwards when that matters.
import { check } from 'k6';
import http from 'k6/http';
import { BASE_URL, buildOptions, jsonBody } from '../lib/options.js';

export { handleSummary } from '../lib/options.js';

export const options = buildOptions();

const mode = __ENV.MODE || 'insert';
const INSERT = ['individual', 'orm-batch', 'multi-values', 'unnest', 'copy'];
const UPDATE = ['individual', 'bulk'];
if (mode !== 'insert' && mode !== 'update')
  throw new Error(`MODE must be insert or update, got ${mode}`);
const strategy = __ENV.STRATEGY || (mode === 'insert' ? 'multi-values' : 'bulk');
const allowed = mode === 'insert' ? INSERT : UPDATE;
if (!allowed.includes(strategy)) {
  throw new Error(
    `STRATEGY for MODE=${mode} must be one of ${allowed.join(', ')}, got ${strategy}`,
  );
}
const rows = Number(__ENV.ROWS || 1000);
if (!Number.isInteger(rows) || rows < 1 || rows > 5000) {
  throw new Error(`ROWS must be an integer 1–5000, got ${__ENV.ROWS}`);
}

http.setResponseCallback(http.expectedStatuses(mode === 'insert' ? 201 : 200));

const params = {
  headers: { 'Content-Type': 'application/json' },
  tags: { name: `POST /db/bulk/${mode}`, strategy },
};

function items(prefix) {
  const out = new Array(rows);
  for (let i = 0; i < rows; i++) {
    out[i] = {
      sku: `${prefix}-${i}`,
      name: `Bench item ${i}`,
      quantity: i % 100,
      price: `${(i % 1000) + 1}.99`,
    };
  }
  return out;
}

/** Most VUs any scenario of this script uses (closed: VUS; open: MAX_VUS). */
const maxVus = Number(__ENV.MAX_VUS || __ENV.VUS || 10);

export function setup() {
  const run = `k6-${Date.now().toString(36)}`;
  if (mode === 'update') {
    // VU numbers start at 1 and include the warm-up scenario's VUs: rows for every VU number.
    for (let vu = 1; vu <= 2 * maxVus; vu++) {
      const response = http.post(
        `${BASE_URL}/db/bulk/insert?strategy=multi-values`,
        JSON.stringify({ items: items(`${run}-u-${vu}`) }),
        { headers: params.headers, tags: { name: 'setup' } },
      );
      if (response.status !== 201) {
        throw new Error(
          `setup: inserting the rows to update answered ${response.status}: ${response.body}`,
        );
      }
    }
  }
  return { run };
}

export default function (data) {
  if (mode === 'insert') {
    const body = JSON.stringify({ items: items(`${data.run}-${__VU}-${__ITER}`) });
    const response = http.post(`${BASE_URL}/db/bulk/insert?strategy=${strategy}`, body, params);
    check(response, {
      'status is 201': (r) => r.status === 201,
      'every row written': (r) => {
        const result = jsonBody(r);
        return result !== undefined && result.written === rows;
      },
    });
    return;
  }
  const quantity = (__VU * 7919 + __ITER) % 1000;
  const updates = new Array(rows);
  // This VU's own rows (setup made rows for every VU number).
  for (let i = 0; i < rows; i++) updates[i] = { sku: `${data.run}-u-${__VU}-${i}`, quantity };
  const response = http.post(
    `${BASE_URL}/db/bulk/update?strategy=${strategy}`,
    JSON.stringify({ updates }),
    params,
  );
  check(response, {
    'status is 200': (r) => r.status === 200,
    'every row updated': (r) => {
      const result = jsonBody(r);
      return result !== undefined && result.updated === rows;
    },
  });
}
