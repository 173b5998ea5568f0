// Scenario 22 — cold vs warm: the first FIRST_N iterations (default 200) against the ones after
// them, on the mixed workload of scenario 08, from one virtual user (sequential requests, so each
// latency is its own). Run it right after starting the target, after re-creating the database, or
// after FLUSHDB on Redis; the summary prints cold and warm percentiles side by side. The harness
// (src/load/stress/cold-warm.ts) repeats each condition and gives a verdict with its interval.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e TOKEN=<jwt> k6/stress/22-cold-warm.js
// FIRST_N (200), DURATION (10s); TOKEN, USERS as in k6/basic/08-concurrent-mixed.js.
import exec from 'k6/execution';
import mixed from '../basic/08-concurrent-mixed.js';
import { TRACKED_STATUSES } from '../lib/options.js';

const firstN = Number(__ENV.FIRST_N || 200);
const thresholds = {};
for (const phase of ['cold', 'warm']) {
  thresholds[`http_req_duration{temperature:${phase}}`] = ['max>=0'];
  thresholds[`http_req_failed{temperature:${phase}}`] = ['rate>=0'];
}
for (const status of TRACKED_STATUSES) thresholds[`http_reqs{status:${status}}`] = ['count>=0'];

export const options = {
  scenarios: {
    trace: { executor: 'constant-vus', vus: 1, duration: __ENV.DURATION || '10s' },
  },
  thresholds,
  summaryTrendStats: ['min', 'med', 'p(90)', 'p(99)', 'max', 'count'],
};

export default function () {
  // Tags set here apply to every request of the iteration (k6 ≥ 0.40: exec.vu.metrics.tags).
  exec.vu.metrics.tags.temperature = exec.scenario.iterationInTest < firstN ? 'cold' : 'warm';
  mixed();
}

export function handleSummary(data) {
  const values = (name) => (data.metrics[name] ? data.metrics[name].values : {});
  const fixed = (x) => (typeof x === 'number' ? x.toFixed(3) : '-');
  const line = (phase) => {
    const v = values(`http_req_duration{temperature:${phase}}`);
    return `${phase}: ${v.count || 0} requests, p50 ${fixed(v.med)} ms, p90 ${fixed(v['p(90)'])} ms, p99 ${fixed(v['p(99)'])} ms, max ${fixed(v.max)} ms`;
  };
  const out = { stdout: `${line('cold')}\n${line('warm')}\n` };
  if (__ENV.SUMMARY_FILE) out[__ENV.SUMMARY_FILE] = JSON.stringify(data, null, 1);
  return out;
}
