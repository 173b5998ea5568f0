/**
 * Shared by the k6 scripts under k6/ (it ships with them: plain k6 JavaScript, no harness code).
 *
 * Environment (all optional):
 *   BASE_URL      target base URL (default http://127.0.0.1:3000)
 *   MODEL         closed (constant-vus, for throughput) | open (constant-arrival-rate, for latency
 *                 without coordinated omission); default closed
 *   VUS           closed model: concurrent virtual users (default 10)
 *   DURATION      measured duration, k6 syntax: 30s, 2m, 500ms (default 30s)
 *   RATE          open model: iterations started per second (default 200)
 *   PRE_VUS       open model: pre-allocated VUs (default: RATE / 10, at least 10)
 *   MAX_VUS       open model: VU ceiling (default: 4 × PRE_VUS)
 *   ITERATIONS    closed model only: the measured phase runs exactly this many iterations, shared by
 *                 the VUs (shared-iterations; DURATION is then its maxDuration, default 10m). With
 *                 execution segments (k6 run --execution-segment) each instance runs its share.
 *   WARMUP        optional warm-up before the measured phase (e.g. 5s), same load, excluded from
 *                 the measured metrics (tagged phase=warmup, measured samples carry phase=measure)
 *   SUMMARY_FILE  where handleSummary writes the summary JSON (k6's summary data object)
 */

export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');

/** Statuses the contract can answer, reported one by one; status 0 is a transport error. */
export const TRACKED_STATUSES = [0, 200, 201, 400, 401, 404, 409, 413, 415, 429, 500, 502, 503];

function positive(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be > 0, got ${raw}`);
  return value;
}

function executor(model) {
  if (model === 'open') {
    const rate = Math.round(positive('RATE', 200));
    const preAllocatedVUs = Math.round(positive('PRE_VUS', Math.max(10, Math.ceil(rate / 10))));
    return {
      executor: 'constant-arrival-rate',
      rate,
      timeUnit: '1s',
      preAllocatedVUs,
      maxVUs: Math.max(preAllocatedVUs, Math.round(positive('MAX_VUS', preAllocatedVUs * 4))),
    };
  }
  if (model !== 'closed') throw new Error(`MODEL must be closed or open, got ${model}`);
  return { executor: 'constant-vus', vus: Math.round(positive('VUS', 10)) };
}

/**
 * k6 options for one scenario: an optional warm-up, then the measured phase. Thresholds that
 * always hold create the `{phase:measure}` sub-metrics the summary needs; the one on checks
 * fails the run (exit 99) when any measured response fails its checks.
 */
export function buildOptions(extraThresholds = {}) {
  const model = __ENV.MODEL || 'closed';
  const duration = __ENV.DURATION || '30s';
  const warmup = __ENV.WARMUP && __ENV.WARMUP !== '0' && __ENV.WARMUP !== '0s' ? __ENV.WARMUP : '';
  const load = executor(model);
  const iterations = __ENV.ITERATIONS ? Math.round(positive('ITERATIONS', 1)) : 0;
  if (iterations && model !== 'closed') throw new Error('ITERATIONS needs MODEL=closed');
  const scenarios = {};
  if (warmup) {
    scenarios.warmup = { ...load, duration: warmup, gracefulStop: '0s', tags: { phase: 'warmup' } };
  }
  scenarios.measure = {
    ...(iterations
      ? {
          executor: 'shared-iterations',
          vus: Math.min(load.vus, iterations),
          iterations,
          maxDuration: __ENV.DURATION || '10m',
        }
      : { ...load, duration }),
    ...(warmup ? { startTime: warmup } : {}),
    tags: { phase: 'measure' },
  };
  const thresholds = {
    'http_reqs{phase:measure}': ['count>=0'],
    'http_req_duration{phase:measure}': ['max>=0'],
    'http_req_failed{phase:measure}': ['rate>=0'],
    'iterations{phase:measure}': ['count>=0'],
    'dropped_iterations{scenario:measure}': ['count>=0'],
    'checks{phase:measure}': ['rate==1'],
    ...extraThresholds,
  };
  for (const status of TRACKED_STATUSES) {
    thresholds[`http_reqs{phase:measure,status:${status}}`] = ['count>=0'];
  }
  return {
    scenarios,
    thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'count'],
  };
}

/** Parses a JSON body without throwing (a transport error leaves no body). */
export function jsonBody(response) {
  try {
    return response.body ? JSON.parse(response.body) : undefined;
  } catch {
    return undefined;
  }
}

function fixed(value) {
  return typeof value === 'number' ? value.toFixed(2) : '-';
}

/** A few lines instead of k6's full summary; the JSON goes to SUMMARY_FILE when set. */
export function handleSummary(data) {
  const metric = (name) => (data.metrics[name] ? data.metrics[name].values : {});
  const reqs = metric('http_reqs{phase:measure}');
  const latency = metric('http_req_duration{phase:measure}');
  const failed = metric('http_req_failed{phase:measure}');
  const checks = metric('checks{phase:measure}');
  const text = [
    `measured: ${reqs.count || 0} requests, ${failed.passes || 0} failed, ` +
      `${checks.fails || 0} failed checks of ${(checks.passes || 0) + (checks.fails || 0)}`,
    `latency ms: p50 ${fixed(latency.med)}  p90 ${fixed(latency['p(90)'])}  ` +
      `p95 ${fixed(latency['p(95)'])}  p99 ${fixed(latency['p(99)'])}  max ${fixed(latency.max)}`,
    '',
  ].join('\n');
  const out = { stdout: text };
  if (__ENV.SUMMARY_FILE) out[__ENV.SUMMARY_FILE] = JSON.stringify(data, null, 1);
  return out;
}
