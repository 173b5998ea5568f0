// Scenario 20 — spike: 10 → 100 → 10 virtual users (k6 ramping-vus) on GET /users (a cheap
// SELECT), with throughput, p50/p99 and failures per phase (before, ramp-up, peak, ramp-down,
// after) from `spike` tags, and per WINDOW seconds (`w` tags, for the harness's time series and
// recovery time: src/load/stress/spike.ts; LAB_ENGINE=k6 bench/stress/20).
// k6 run -e BASE_URL=http://127.0.0.1:3000 k6/stress/20-spike.js
// BASE, PEAK: users (10, 100); BEFORE, RAMP_UP, HOLD, RAMP_DOWN, AFTER: seconds (15, 2, 15, 2, 20);
// WINDOW: seconds per window (1); USERS, MAX_OFFSET, LIMIT as in k6/basic/03-db-read.js.
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { BASE_URL, jsonBody, TRACKED_STATUSES } from '../lib/options.js';

const num = (name, fallback) => {
  const value = Number(__ENV[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be > 0`);
  return value;
};
const base = Math.round(num('BASE', 10));
const peak = Math.round(num('PEAK', 100));
const seconds = {
  before: num('BEFORE', 15),
  rampUp: num('RAMP_UP', 2),
  hold: num('HOLD', 15),
  rampDown: num('RAMP_DOWN', 2),
  after: num('AFTER', 20),
};
const PHASES = ['before', 'ramp-up', 'peak', 'ramp-down', 'after'];
const ends = [];
let total = 0;
for (const s of [seconds.before, seconds.rampUp, seconds.hold, seconds.rampDown, seconds.after]) {
  total += s;
  ends.push(total);
}

const WINDOW = num('WINDOW', 1);
const windows = Math.ceil(total / WINDOW) + 1;

// Always-true thresholds create the sub-metrics the summary reports: per phase, per window, and
// the whole run as `phase:measure` (the harness's Result, src/load/k6/summary.ts).
const thresholds = {
  'http_reqs{phase:measure}': ['count>=0'],
  'http_req_duration{phase:measure}': ['max>=0'],
  'http_req_failed{phase:measure}': ['rate>=0'],
  'iterations{phase:measure}': ['count>=0'],
  'checks{phase:measure}': ['rate>=0'],
};
for (let w = 0; w < windows; w++) {
  thresholds[`http_reqs{w:${w}}`] = ['count>=0'];
  thresholds[`http_req_duration{w:${w}}`] = ['max>=0'];
  thresholds[`http_req_failed{w:${w}}`] = ['rate>=0'];
}
for (const phase of PHASES) {
  thresholds[`http_reqs{spike:${phase}}`] = ['count>=0'];
  thresholds[`http_req_duration{spike:${phase}}`] = ['max>=0'];
  thresholds[`http_req_failed{spike:${phase}}`] = ['rate>=0'];
}
for (const status of TRACKED_STATUSES) thresholds[`http_reqs{status:${status}}`] = ['count>=0'];

export const options = {
  scenarios: {
    spike: {
      executor: 'ramping-vus',
      startVUs: base,
      stages: [
        { duration: `${seconds.before}s`, target: base },
        { duration: `${seconds.rampUp}s`, target: peak },
        { duration: `${seconds.hold}s`, target: peak },
        { duration: `${seconds.rampDown}s`, target: base },
        { duration: `${seconds.after}s`, target: base },
      ],
      gracefulRampDown: '5s',
    },
  },
  thresholds,
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'count'],
};

const limit = Number(__ENV.LIMIT || 20);
const users = Number(__ENV.USERS || 100000);
const maxOffset = Math.max(0, Math.min(Number(__ENV.MAX_OFFSET || 1000), users - limit));

export default function () {
  const elapsed = (Date.now() - exec.scenario.startTime) / 1000;
  const index = ends.findIndex((end) => elapsed < end);
  // The VU's tags reach every metric of the iteration: requests, checks, iterations.
  const tags = exec.vu.metrics.tags;
  tags.phase = 'measure';
  tags.spike = PHASES[index === -1 ? PHASES.length - 1 : index];
  tags.w = String(Math.min(windows - 1, Math.floor(elapsed / WINDOW)));
  const offset = Math.floor(Math.random() * (maxOffset + 1));
  const response = http.get(`${BASE_URL}/users?limit=${limit}&offset=${offset}`, {
    tags: { name: 'GET /users' },
  });
  check(response, {
    'status is 200': (r) => r.status === 200,
    'body has a full page': (r) => (jsonBody(r)?.items ?? []).length === limit,
  });
}

/** One line per phase; SUMMARY_FILE gets k6's summary JSON. */
export function handleSummary(data) {
  const values = (name) => (data.metrics[name] ? data.metrics[name].values : {});
  const fixed = (x) => (typeof x === 'number' ? x.toFixed(2) : '-');
  const lines = PHASES.map((phase, i) => {
    const reqs = values(`http_reqs{spike:${phase}}`);
    const latency = values(`http_req_duration{spike:${phase}}`);
    const failed = values(`http_req_failed{spike:${phase}}`);
    const length = i === 0 ? ends[0] : ends[i] - ends[i - 1];
    return `${phase.padEnd(9)} ${String(reqs.count || 0).padStart(7)} requests, ${((reqs.count || 0) / length).toFixed(0).padStart(6)} req/s, p50 ${fixed(latency.med)} ms, p99 ${fixed(latency['p(99)'])} ms, ${failed.passes || 0} failed`;
  });
  const out = { stdout: `${lines.join('\n')}\n` };
  if (__ENV.SUMMARY_FILE) out[__ENV.SUMMARY_FILE] = JSON.stringify(data, null, 1);
  return out;
}
