// Scenario 21 — soak: a long constant load (closed model) on the mixed workload of scenario 08,
// for hunting memory leaks. k6 only makes the load; the leak verdict needs the target's memory
// over time, which the harness samples (src/load/stress/soak.ts: RSS from /proc, the heap from
// /metrics) — by hand, watch the target's RSS (e.g. `ps -o rss= -p <pid>` in a loop) or Grafana.
// k6 run -e BASE_URL=http://127.0.0.1:3000 -e DURATION=30m -e TOKEN=<jwt> k6/stress/21-soak.js
// VUS (10), DURATION (5m), WARMUP; TOKEN, USERS as in k6/basic/08-concurrent-mixed.js.
export { default, handleSummary } from '../basic/08-concurrent-mixed.js';

import { buildOptions } from '../lib/options.js';

export const options = buildOptions();
if (!__ENV.DURATION) options.scenarios.measure.duration = '5m';
