import { existsSync } from 'node:fs';
import { newLatencyHistogram, summarizeMicros } from '../load/histogram.ts';
import { AUTH_SECRET, scenarioSettings } from '../load/http-scenario.ts';
import { k6OperatorManifests, operatorYaml } from '../load/k6/operator.ts';
import { type K6Samples, readK6Samples } from '../load/k6/segments.ts';
import type { LatencySummary, LoadSettings } from '../load/result.ts';
import { issueToken } from '../targets/shared/auth.ts';
import { EXIT, requireValidEnv, usageError } from './errors.ts';
import type { RunIo } from './run.ts';
import { selectScenarios, splitList } from './select.ts';

/**
 * `lab k6-operator --scenario 01 --parallelism 4 --base-url http://my-api:3000 > testrun.yaml`:
 * the scenario as a k6-operator TestRun and the ConfigMap with its script (src/load/k6/operator.ts),
 * for `kubectl apply -f testrun.yaml`. `lab k6-merge` merges the runners' raw samples afterwards.
 */
export interface OperatorCommandOptions {
  scenario?: string[];
  parallelism?: string;
  baseUrl?: string;
  name?: string;
  namespace?: string;
  image?: string;
  separate?: boolean;
  samples?: boolean;
  model?: string;
  vus?: string;
  rate?: string;
  duration?: string;
  warmup?: string;
  iterations?: string;
  users?: string;
  authSecret?: string;
  quick?: boolean;
}

function count(name: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= min) || value.trim() === '') {
    throw usageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}.`);
  }
  return n;
}

function seconds(name: string, value: string | undefined, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isFinite(n) && (allowZero ? n >= 0 : n > 0)) || value.trim() === '') {
    throw usageError(
      `--${name} must be a number of seconds ${allowZero ? '≥ 0' : '> 0'}, got ${JSON.stringify(value)}.`,
    );
  }
  return n;
}

export async function k6OperatorCommand(
  options: OperatorCommandOptions,
  io: RunIo,
): Promise<number> {
  const env = io.env ?? process.env;
  requireValidEnv(env);
  const names = splitList(options.scenario);
  if (names.length !== 1) {
    throw usageError('lab k6-operator needs exactly one --scenario (a TestRun runs one script).');
  }
  const [scenario] = selectScenarios(names, 'k6');
  if (!scenario) throw usageError('no scenario selected.');
  const parallelism = count('parallelism', options.parallelism ?? '2') as number;
  if (!options.baseUrl) {
    throw usageError(
      '--base-url is required: the target as the runner pods reach it, e.g. http://my-api.default.svc:3000.',
    );
  }
  if (!/^https?:\/\/[^/]/.test(options.baseUrl)) {
    throw usageError(`--base-url must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}.`);
  }
  if (options.model !== undefined && options.model !== 'closed' && options.model !== 'open') {
    throw usageError(`--model must be closed or open, got ${JSON.stringify(options.model)}.`);
  }
  const settings: LoadSettings = scenarioSettings(scenario, {
    ...env,
    ...(options.quick ? { LAB_QUICK: '1' } : {}),
  });
  if (options.model) settings.model = options.model;
  const vus = count('vus', options.vus);
  const rate = count('rate', options.rate);
  const duration = seconds('duration', options.duration);
  const warmup = seconds('warmup', options.warmup, true);
  const iterations = count('iterations', options.iterations);
  if (settings.model === 'open') {
    delete settings.concurrency;
    settings.ratePerSecond = rate ?? settings.ratePerSecond ?? 500;
    if (iterations !== undefined) throw usageError('--iterations needs the closed model.');
  } else {
    delete settings.ratePerSecond;
    if (vus !== undefined) settings.concurrency = vus;
    settings.concurrency ??= 10;
  }
  if (duration !== undefined) settings.durationSeconds = duration;
  if (warmup !== undefined) settings.warmupSeconds = warmup;
  if (iterations !== undefined) {
    settings.operations = iterations;
    if (duration === undefined) settings.durationSeconds = 0;
  }
  const users = count('users', options.users) ?? 100_000;
  const secret = options.authSecret ?? AUTH_SECRET;
  const manifests = k6OperatorManifests({
    scenario,
    parallelism,
    baseUrl: options.baseUrl,
    settings,
    context: {
      token: await issueToken('k6-operator', secret, 24 * 3600),
      usersRows: users,
      cursors: [], // only the in-process request builders read cursors
    },
    ...(options.name ? { name: options.name } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.image ? { image: options.image } : {}),
    ...(options.separate ? { separate: true } : {}),
    samples: options.samples ?? true,
  });
  const name = (manifests.testRun.metadata as { name: string }).name;
  const ns = options.namespace ? ` -n ${options.namespace}` : '';
  const how = [
    `Backend Benchmark Lab: scenario ${scenario.id} on ${parallelism} k6 runner pods (k6-operator),`,
    `each with 1/${parallelism} of the load (execution segments), against ${options.baseUrl}.`,
    `Apply: kubectl apply${ns} -f testrun.yaml   (needs the k6-operator installed in the cluster)`,
    ...(options.samples === false
      ? [
          'Raw samples are off (--no-samples): per-pod summaries only; their percentiles do not merge.',
        ]
      : [
          'Merge: for each runner pod, kubectl logs' +
            `${ns} <pod> > <pod>.log (pods labelled k6_cr=${name}),`,
          '       then pnpm lab k6-merge *.log  (percentiles of the union of every sample)',
        ]),
    `The TOKEN is valid for 24 h for LAB_AUTH_SECRET=${secret}.`,
  ].join('\n');
  io.out(operatorYaml(manifests, how));
  return EXIT.ok;
}

export interface MergeCommandOptions {
  json?: boolean;
}

/**
 * `lab k6-merge <file…>`: k6 JSON outputs (or runner pod logs holding them) merged: requests and
 * statuses added, latency percentiles from the added per-file HDR histograms.
 */
export async function k6MergeCommand(
  files: readonly string[],
  options: MergeCommandOptions,
  io: RunIo,
): Promise<number> {
  if (files.length === 0) throw usageError('lab k6-merge needs k6 JSON outputs or runner logs.');
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0) throw usageError(`no such file: ${missing.join(', ')}.`);
  const parts: Array<{ file: string; samples: K6Samples }> = [];
  for (const file of files) parts.push({ file, samples: await readK6Samples(file) });
  const empty = parts.filter((p) => p.samples.histogram.totalCount === 0).map((p) => p.file);
  if (empty.length > 0) {
    throw usageError(
      `no measured http_req_duration samples in ${empty.join(', ')} (a run with --out json and the lab's k6 scripts writes them).`,
    );
  }
  const merged = newLatencyHistogram();
  const statuses: Record<string, number> = {};
  let unexpected = 0;
  for (const { samples } of parts) {
    merged.add(samples.histogram);
    unexpected += samples.unexpected;
    for (const [status, n] of Object.entries(samples.statuses)) {
      statuses[status] = (statuses[status] ?? 0) + n;
    }
  }
  const starts = parts.map((p) => p.samples.firstStartMs).filter(Number.isFinite);
  const ends = parts.map((p) => p.samples.lastEndMs).filter(Number.isFinite);
  const spanSeconds = starts.length ? (Math.max(...ends) - Math.min(...starts)) / 1000 : 0;
  const latency = summarizeMicros(merged);
  const requests = merged.totalCount;
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          requests,
          failed: unexpected,
          statuses,
          spanSeconds,
          throughput: spanSeconds > 0 ? requests / spanSeconds : 0,
          latency,
          instances: parts.map((p) => ({
            file: p.file,
            requests: p.samples.histogram.totalCount,
            latency: summarizeMicros(p.samples.histogram),
          })),
        },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  const line = (label: string, n: number, l: LatencySummary) =>
    `${label.padEnd(24)} ${String(n).padStart(9)}  p50 ${l.p50.toFixed(3)}  p90 ${l.p90.toFixed(3)}  ` +
    `p99 ${l.p99.toFixed(3)}  p99.9 ${l.p999.toFixed(3)}  max ${l.max.toFixed(3)} ms`;
  for (const p of parts) {
    io.out(line(p.file, p.samples.histogram.totalCount, summarizeMicros(p.samples.histogram)));
  }
  io.out(line(`merged (${parts.length} instances)`, requests, latency));
  io.out(
    `statuses ${Object.entries(statuses)
      .map(([s, n]) => `${s}: ${n}`)
      .join(
        ', ',
      )}; ${unexpected} failed; ${Math.round(requests / (spanSeconds || 1))} req/s over ` +
      `${spanSeconds.toFixed(1)} s (first request start to last end, all instances)`,
  );
  return EXIT.ok;
}
