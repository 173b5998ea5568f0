import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ajvModule from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { findK6, k6SkipReason } from '../src/load/k6/binary.ts';
import { flattenScript, k6OperatorManifests } from '../src/load/k6/operator.ts';
import { getScenario } from '../src/scenarios/index.ts';
import { CLI, runChild, useFastify } from './support/cli-child.ts';

/**
 * `lab k6-operator` and `lab k6-merge`: the TestRun + ConfigMap have the k6-operator CRD's shape,
 * the ConfigMap is a self-contained script directory (what the runner pods mount at /test/), and
 * two segments of it, run by k6 as the pods run them, merge into exactly the requested work.
 */
const Ajv = ajvModule.default;
const root = mkdtempSync(join(tmpdir(), 'lab-k6-operator-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = runChild;

/**
 * The part of the k6-operator TestRun CRD (k6.io/v1alpha1, config/crd/bases/k6.io_testruns.yaml in
 * grafana/k6-operator) that the lab writes, as a JSON schema: field names and types as the CRD
 * declares them; any other field under spec is refused, so a misspelt one fails here.
 */
const TESTRUN_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'k6.io/v1alpha1' },
    kind: { const: 'TestRun' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' } },
    },
    spec: {
      type: 'object',
      required: ['parallelism', 'script'],
      additionalProperties: false,
      properties: {
        arguments: { type: 'string' },
        cleanup: { enum: ['post'] },
        parallelism: { type: 'integer', minimum: 1, maximum: 2147483647 },
        paused: { type: 'string' },
        quiet: { type: 'string' },
        separate: { type: 'boolean' },
        script: {
          type: 'object',
          additionalProperties: false,
          properties: {
            configMap: {
              type: 'object',
              required: ['name'],
              additionalProperties: false,
              properties: { name: { type: 'string' }, file: { type: 'string' } },
            },
          },
        },
        runner: {
          type: 'object',
          properties: {
            image: { type: 'string' },
            env: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name'],
                additionalProperties: false,
                properties: { name: { type: 'string' }, value: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
} as const;

describe('lab k6-operator', () => {
  it('prints a ConfigMap and a TestRun of the CRD’s shape', async () => {
    const outcome = await run(process.execPath, [
      CLI,
      'k6-operator',
      '--scenario',
      '2',
      '--parallelism',
      '4',
      '--base-url',
      'http://my-api.default.svc:3000',
      '--vus',
      '40',
      '--duration',
      '30',
      '--namespace',
      'bench',
    ]);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    const docs = parseAllDocuments(outcome.stdout).map((d) => d.toJS());
    expect(docs).toHaveLength(2);
    const [configMap, testRun] = docs as [
      { kind: string; metadata: { name: string; namespace: string }; data: Record<string, string> },
      {
        spec: {
          parallelism: number;
          script: { configMap: { name: string; file: string } };
          arguments: string;
          runner: { env: Array<{ name: string; value: string }>; image: string };
        };
      },
    ];
    expect(configMap).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    expect(configMap.metadata).toMatchObject({ name: 'lab-02-json-payload', namespace: 'bench' });

    const validate = new Ajv({ allErrors: true }).compile(TESTRUN_SCHEMA);
    expect(validate(testRun), JSON.stringify(validate.errors)).toBe(true);
    expect(testRun.spec.parallelism).toBe(4);
    // The script the pods run is a key of the ConfigMap, its imports and payload beside it.
    expect(testRun.spec.script.configMap).toEqual({
      name: configMap.metadata.name,
      file: '02-json-payload.js',
    });
    expect(Object.keys(configMap.data).sort()).toEqual([
      '02-json-payload.js',
      'echo-payload.json',
      'options.js',
    ]);
    for (const key of Object.keys(configMap.data)) expect(key).toMatch(/^[-._a-zA-Z0-9]+$/);
    expect(configMap.data['02-json-payload.js']).not.toMatch(/'\.\.\//);
    expect(configMap.data['02-json-payload.js']).toContain("from './options.js'");
    // The load over all pods; the operator splits it into segments.
    const env = Object.fromEntries(testRun.spec.runner.env.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      BASE_URL: 'http://my-api.default.svc:3000',
      MODEL: 'closed',
      VUS: '40',
      DURATION: '30s',
    });
    expect(testRun.spec.arguments).toContain('--out json=-');
    expect(testRun.spec.runner.image).toMatch(/^grafana\/k6:\d/);
    expect(outcome.stdout).toMatch(/^# .*lab k6-merge/m);
  });

  it('refuses a wrong invocation with one line and exit 2', async () => {
    const noUrl = await run(process.execPath, [CLI, 'k6-operator', '--scenario', '1']);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/^lab: --base-url is required/);
    const two = await run(process.execPath, [
      CLI,
      'k6-operator',
      '--scenario',
      '1,2',
      '--base-url',
      'http://x:1',
    ]);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/exactly one --scenario/);
    const zero = await run(process.execPath, [
      CLI,
      'k6-operator',
      '-s',
      '1',
      '--base-url',
      'http://x:1',
      '--parallelism',
      '0',
    ]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--parallelism must be an integer ≥ 1/);
  });

  it('flattens every script so that each is complete on its own (no relative path left)', () => {
    for (const id of ['01-lightweight', '08-concurrent-mixed', '13-db-transactions']) {
      const { files, main } = flattenScript(getScenario(id).k6?.script as string);
      expect(files[main]).toBeDefined();
      for (const [name, text] of Object.entries(files)) {
        if (name.endsWith('.js')) expect(text, name).not.toMatch(/(from\s+|open\()[^;]*'\.\.\//);
      }
    }
  });
});

// Several k6 processes need the binary (the grafana/k6 image runs one at a time).
const skip = (await k6SkipReason()) ?? (findK6() ? undefined : 'no k6 binary (K6_BIN or PATH)');

describe.skipIf(skip !== undefined)(
  `the TestRun's script, run as the runner pods run it${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const fastify = useFastify();

    it('two segments of the ConfigMap’s script, logs merged by lab k6-merge: the requested work', async () => {
      const k6 = findK6() as NonNullable<ReturnType<typeof findK6>>;
      const manifests = k6OperatorManifests({
        scenario: getScenario('02-json-payload'),
        parallelism: 2,
        baseUrl: fastify().url,
        settings: { model: 'closed', durationSeconds: 0, concurrency: 4, operations: 600 },
        context: { token: 'unused', usersRows: 1000, cursors: [] },
      });
      // The ConfigMap as mounted in a pod: its keys as files of one directory.
      const mount = join(root, 'test');
      mkdirSync(mount, { recursive: true });
      for (const [name, text] of Object.entries(manifests.files)) {
        writeFileSync(join(mount, name), text);
      }
      const spec = manifests.testRun.spec as { arguments: string };
      const logs: string[] = [];
      // What the operator runs in runner i of 2: its segment, the TestRun's arguments and env.
      const segments = [
        ['0:1/2', '0,1/2,1'],
        ['1/2:1', '0,1/2,1'],
      ];
      const outcomes = await Promise.all(
        segments.map(([segment, sequence]) =>
          run(
            k6.path,
            [
              'run',
              '--quiet',
              '--no-usage-report',
              ...spec.arguments.split(' '),
              '--execution-segment',
              segment as string,
              '--execution-segment-sequence',
              sequence as string,
              join(mount, manifests.scriptFile),
            ],
            manifests.env,
          ),
        ),
      );
      for (const [i, outcome] of outcomes.entries()) {
        expect(outcome.code, outcome.stderr).toBe(0);
        const log = join(root, `runner-${i}.log`);
        writeFileSync(log, outcome.stdout);
        logs.push(log);
      }
      const merged = await run(process.execPath, [CLI, 'k6-merge', '--json', ...logs]);
      expect(merged.code, merged.stderr).toBe(0);
      const report = JSON.parse(merged.stdout) as {
        requests: number;
        failed: number;
        statuses: Record<string, number>;
        instances: Array<{ requests: number }>;
        latency: { p50: number; p99: number; max: number };
      };
      expect(report.requests).toBe(600);
      expect(report.instances.map((i) => i.requests)).toEqual([300, 300]);
      expect(report.statuses).toEqual({ '200': 600 });
      expect(report.failed).toBe(0);
      expect(report.latency.p50).toBeGreaterThan(0);
      expect(report.latency.p99).toBeLessThanOrEqual(report.latency.max);
    }, 120_000);

    it('lab k6-merge refuses files without samples', async () => {
      const empty = join(root, 'empty.log');
      writeFileSync(empty, 'measured: 0 requests\n');
      const outcome = await run(process.execPath, [CLI, 'k6-merge', empty]);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toMatch(/no measured http_req_duration samples/);
    });
  },
);
