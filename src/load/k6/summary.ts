import type { LatencySummary, LoadSettings, Result } from '../result.ts';

/**
 * Reads k6's end-of-test summary (the `handleSummary(data)` object, legacy format, which k6 v2
 * still passes by default) as written by the scripts under k6/ (k6/lib/options.js). Their
 * always-true thresholds create the `{phase:measure}` sub-metrics, so warm-up traffic never
 * reaches the Result.
 */
export interface K6SummaryContext {
  scenario: string;
  target: string;
  settings: LoadSettings;
  startedAt: string;
  variant?: string;
  meta?: Result['meta'];
}

type Values = Record<string, number>;
interface K6Check {
  name: string;
  passes: number;
  fails: number;
}
interface K6Group {
  checks?: K6Check[];
  groups?: K6Group[];
}
interface K6Summary {
  metrics: Record<string, { type?: string; values: Values }>;
  root_group?: K6Group;
  state?: { testRunDurationMs?: number };
}

const MEASURE = 'phase:measure';

export class K6SummaryError extends Error {
  override name = 'K6SummaryError';
}

function isSummary(json: unknown): json is K6Summary {
  return (
    typeof json === 'object' &&
    json !== null &&
    typeof (json as { metrics?: unknown }).metrics === 'object' &&
    (json as { metrics?: unknown }).metrics !== null
  );
}

/** Milliseconds rounded to the microsecond. */
function ms(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 1000) / 1000 : 0;
}

function failedChecks(group: K6Group | undefined, into: string[] = []): string[] {
  for (const check of group?.checks ?? []) {
    if (check.fails > 0) into.push(`${check.name} (${check.fails} failed)`);
  }
  for (const child of group?.groups ?? []) failedChecks(child, into);
  return into;
}

export function parseK6Summary(json: unknown, context: K6SummaryContext): Result {
  if (!isSummary(json)) throw new K6SummaryError('not a k6 summary: no `metrics` object');
  const metrics = json.metrics;
  const values = (name: string): Values | undefined => metrics[name]?.values;
  const reqs = values(`http_reqs{${MEASURE}}`);
  if (!reqs) {
    throw new K6SummaryError(
      `the summary has no http_reqs{${MEASURE}} metric: the script must take its options from ` +
        'k6/lib/options.js (buildOptions), whose thresholds create the measured sub-metrics',
    );
  }
  const duration = values(`http_req_duration{${MEASURE}}`) ?? {};
  const failed = values(`http_req_failed{${MEASURE}}`) ?? {};
  const checks = values(`checks{${MEASURE}}`) ?? {};
  const requests = reqs.count ?? 0;

  const latency: LatencySummary = {
    count: duration.count ?? requests,
    min: ms(duration.min),
    mean: ms(duration.avg),
    p50: ms(duration.med),
    p90: ms(duration['p(90)']),
    p95: ms(duration['p(95)']),
    p99: ms(duration['p(99)']),
    p999: ms(duration['p(99.9)']),
    max: ms(duration.max),
  };

  const statuses: Record<string, number> = {};
  const prefix = `http_reqs{${MEASURE},status:`;
  let counted = 0;
  for (const [name, metric] of Object.entries(metrics)) {
    if (!name.startsWith(prefix)) continue;
    const count = metric.values.count ?? 0;
    if (count > 0) statuses[name.slice(prefix.length, -1)] = count;
    counted += count;
  }
  if (requests > counted) statuses.other = requests - counted;

  // http_req_failed is a rate metric: its `passes` are the failed requests (transport errors and
  // statuses outside the script's expected ones, 200–399 unless the script narrows them).
  const errors = failed.passes ?? Math.round((failed.rate ?? 0) * requests);
  const checkFails = checks.fails ?? 0;
  // dropped_iterations carries the scenario tag but not the scenario's own tags.
  const dropped =
    values('dropped_iterations{scenario:measure}')?.count ??
    values('dropped_iterations')?.count ??
    0;
  const warnings: string[] = [];
  if (errors > 0) warnings.push(`${errors} of ${requests} measured requests failed`);
  if (checkFails > 0) {
    const names = failedChecks(json.root_group);
    warnings.push(
      `${checkFails} failed checks${names.length ? `: ${names.join(', ')}` : ''} (counts ` +
        'by name include the warm-up)',
    );
  }
  if (dropped > 0) {
    warnings.push(
      `k6 dropped ${dropped} iterations: not enough VUs for the offered rate (raise MAX_VUS); ` +
        'the load generator was saturated and those requests are missing from the latencies',
    );
  }
  if (requests === 0) warnings.push('no measured requests');
  const { settings } = context;
  const measuredSeconds =
    settings.operations !== undefined
      ? (json.state?.testRunDurationMs ?? 0) / 1000 - (settings.warmupSeconds ?? 0)
      : settings.durationSeconds;

  return {
    engine: 'k6',
    scenario: context.scenario,
    target: context.target,
    ...(context.variant ? { variant: context.variant } : {}),
    settings: context.settings,
    requests,
    // k6's own rate divides by the whole run (warm-up included); the measured window is ours
    // (a fixed iteration count: the run's length less the warm-up).
    throughput: measuredSeconds > 0 ? requests / measuredSeconds : 0,
    latency,
    errors,
    failedChecks: checkFails,
    statuses,
    warnings,
    startedAt: context.startedAt,
    meta: {
      ...context.meta,
      'k6.testRunDurationMs': ms(json.state?.testRunDurationMs),
      'k6.vusMax': values('vus_max')?.max ?? null,
      'k6.iterations': values(`iterations{${MEASURE}}`)?.count ?? null,
      'k6.droppedIterations': dropped,
      ...scriptCounters(metrics),
      ...stepLatencies(metrics),
    },
  };
}

/** Built-in metrics; any other Counter measured in the window is the script's own outcome. */
const BUILT_IN = /^(http_|iteration|iterations|data_|vus|checks|dropped_iterations|group_duration)/;

/**
 * The script's own counters over the measured window, e.g. scenario 13's `decrement_ok`,
 * `decrement_conflict` and `decrement_retries`: in the Result's meta as `k6.<name>`.
 */
function scriptCounters(
  metrics: Record<string, { type?: string; values: Values }>,
): Result['meta'] {
  const out: Result['meta'] = {};
  const suffix = `{${MEASURE}}`;
  for (const [name, metric] of Object.entries(metrics)) {
    if (!name.endsWith(suffix) || metric.type !== 'counter') continue;
    const base = name.slice(0, -suffix.length);
    if (BUILT_IN.test(base)) continue;
    out[`k6.${base}`] = metric.values.count ?? 0;
  }
  return out;
}

/**
 * Latency per step of a multi-request iteration (k6/real-world/19-flow.js tags its requests with
 * `step` and declares `http_req_duration{phase:measure,step:<name>}` thresholds): `step.<name>.p50`,
 * `.p95`, `.p99` in milliseconds, and `.count`.
 */
function stepLatencies(metrics: K6Summary['metrics']): Result['meta'] {
  const meta: Result['meta'] = {};
  const prefix = `http_req_duration{${MEASURE},step:`;
  for (const [name, metric] of Object.entries(metrics)) {
    if (!name.startsWith(prefix)) continue;
    const step = name.slice(prefix.length, -1);
    const values = metric.values;
    meta[`step.${step}.p50`] = ms(values.med);
    meta[`step.${step}.p95`] = ms(values['p(95)']);
    meta[`step.${step}.p99`] = ms(values['p(99)']);
    meta[`step.${step}.count`] = values.count ?? null;
  }
  return meta;
}
