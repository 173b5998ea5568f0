/**
 * Framework overhead without sockets: every target built as its main.ts builds it, requests
 * injected in-process (Fastify's inject(), light-my-request for Express), so what is timed is
 * routing, middleware, parsing, validation and serialization, not the kernel's TCP stack.
 *
 *   pnpm build:targets && pnpm vitest bench --run bench/micro      (LAB_QUICK=1: ~300 ms each)
 *
 * Bench functions are `async` on purpose: tinybench awaits a task by its function kind, so a
 * plain arrow returning a promise would overlap runs. Every response's status is checked (a
 * broken target throws instead of looking fast); the first response is checked in full.
 * Targets run one after another in registry order, each with its own warm-up.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { echoPayloadPath, loadEchoPayload } from '../../src/contract/index.ts';
import { useLab } from '../../src/infra/vitest.ts';
import {
  createInProcessApp,
  IN_PROCESS_TARGETS,
  type InProcessApp,
  type InProcessRequest,
  type InProcessResponse,
} from '../../src/load/micro/inject.ts';
import { microResult } from '../../src/load/micro/result.ts';
import type { Result } from '../../src/load/result.ts';
import { recordResult } from '../../src/report/collector.ts';
import { issueToken } from '../../src/targets/shared/auth.ts';

const quick = process.env.LAB_QUICK === '1' || process.env.LAB_QUICK === 'true';
const RUN = quick
  ? { time: 300, iterations: 50, warmupTime: 100, warmupIterations: 50 }
  : { time: 1000, iterations: 500, warmupTime: 500, warmupIterations: 200 };
/** Samples are kept for p90/p95; `throws` stops at the first failed check. */
const RUN_OPTIONS = { ...RUN, retainSamples: true, throws: true };

/** Every Result of this run, engine `micro`: reports are built elsewhere. */
export const microResults: Result[] = [];

// Real pg URL (the pools are created as in production; these scenarios never query).
const lab = useLab({ fixtures: ['users'], scale: 0.01 });
const apps = new Map<string, InProcessApp>();
let token = '';

beforeAll(async () => {
  const env = {
    ...process.env,
    DATABASE_URL: lab.pg.url,
    // Required by the config; /health, /echo and /protected never call the upstream.
    UPSTREAM_URL: 'http://127.0.0.1:9',
  };
  for (const name of IN_PROCESS_TARGETS) apps.set(name, await createInProcessApp(name, env));
  token = await issueToken('micro-bench', (apps.get('fastify') as InProcessApp).config.authSecret);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([...apps.values()].map((app) => app.close()));
});

interface MicroScenario {
  id: string;
  request: () => InProcessRequest;
  status: number;
  /** Full check of one response before timing. */
  verify(response: InProcessResponse): void;
}

const ECHO_BODY = readFileSync(echoPayloadPath, 'utf8');

const SCENARIOS: MicroScenario[] = [
  {
    id: '01-lightweight',
    request: () => ({ method: 'GET', url: '/health' }),
    status: 200,
    verify: (response) => expect(JSON.parse(response.body)).toEqual({ status: 'ok' }),
  },
  {
    id: '02-json-payload',
    request: () => ({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: ECHO_BODY,
    }),
    status: 200,
    verify: (response) => expect(JSON.parse(response.body)).toEqual(loadEchoPayload()),
  },
  {
    id: '06-middleware-chain',
    request: () => ({
      method: 'GET',
      url: '/protected',
      headers: { authorization: `Bearer ${token}` },
    }),
    status: 200,
    verify: (response) =>
      expect(JSON.parse(response.body)).toMatchObject({ subject: 'micro-bench' }),
  },
];

/** ops/s = samples / measured time (1 / mean latency); "vs fastest" compares medians. */
function printTable(scenario: string, rows: Array<{ target: string; result: Result }>): void {
  const fastest = Math.min(...rows.map((row) => row.result.latency.p50));
  const lines = [
    `[micro] ${scenario} (${quick ? 'quick' : 'full'}, in-process, no sockets)`,
    `  ${'target'.padEnd(16)}${'median µs'.padStart(11)}${'mean µs'.padStart(10)}${'ops/s'.padStart(10)}${'vs fastest'.padStart(12)}${'samples'.padStart(9)}`,
  ];
  for (const { target, result } of rows) {
    const median = result.latency.p50;
    lines.push(
      `  ${target.padEnd(16)}${(median * 1000).toFixed(1).padStart(11)}${(result.latency.mean * 1000).toFixed(1).padStart(10)}${Math.round(result.throughput).toString().padStart(10)}${`${(median / fastest).toFixed(2)}×`.padStart(12)}${result.requests.toString().padStart(9)}`,
    );
  }
  console.log(lines.join('\n'));
}

for (const scenario of SCENARIOS) {
  test(`${scenario.id}: framework overhead in-process`, async ({ bench }) => {
    const request = scenario.request();
    for (const [name, app] of apps) {
      const response = await app.inject(request);
      expect(response.statusCode, `${name}: ${response.body.slice(0, 200)}`).toBe(scenario.status);
      scenario.verify(response);
    }
    const registrations = [...apps].map(([name, app]) =>
      bench(name, async () => {
        const response = await app.inject(request);
        if (response.statusCode !== scenario.status) {
          throw new Error(
            `${name} ${scenario.id}: status ${response.statusCode}, expected ${scenario.status}: ${response.body.slice(0, 200)}`,
          );
        }
      }),
    );
    const startedAt = new Date().toISOString();
    const results = await bench.compare(...registrations, RUN_OPTIONS);
    const rows = [...apps].map(([target, app]) => {
      const result = microResult(results.get(target), {
        scenario: scenario.id,
        target,
        startedAt,
        expectedStatus: scenario.status,
        warmupSeconds: RUN.warmupTime / 1000,
        durationSeconds: RUN.time / 1000,
        meta: { dbPool: app.config.dbPool, quick },
      });
      microResults.push(result);
      recordResult(result, { suite: 'bench/micro/framework-overhead' });
      return { target, result };
    });
    printTable(scenario.id, rows);
  });
}
