import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv';
import ajvModule from 'ajv';
import { RUN_REPORT_KIND, RUN_REPORT_SCHEMA_VERSION, type RunReport } from './types.ts';

/**
 * Reads a run report (`reports/run-*.json`) for the CLI (`lab compare`, HTML, history). Every
 * problem becomes a `RunReportError` whose message names the file and what is wrong with it;
 * callers print `error.message`, never a stack.
 */
export class RunReportError extends Error {
  override name = 'RunReportError';
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`Cannot load run report ${file}: ${problem}`);
    this.file = file;
  }
}

const Ajv = ajvModule.default;

/** Numbers that were NaN or ±Infinity are null in JSON. */
const num = { type: ['number', 'null'] };
const str = { type: 'string' };
const strings = { type: 'array', items: str };

/**
 * The parts later tools rely on. Not every field: new optional fields must not break old
 * readers, and Result's details (meta, statuses, resources) are the engines' business.
 */
const schema = {
  type: 'object',
  required: [
    'kind',
    'schemaVersion',
    'runId',
    'startedAt',
    'finishedAt',
    'environment',
    'results',
    'comparisons',
    'warnings',
  ],
  properties: {
    kind: { const: RUN_REPORT_KIND },
    schemaVersion: { const: RUN_REPORT_SCHEMA_VERSION },
    runId: str,
    startedAt: str,
    finishedAt: str,
    environment: {
      type: 'object',
      required: ['cpu', 'os', 'node', 'tools', 'git', 'config', 'pinning', 'infra'],
      properties: {
        cpu: {
          type: 'object',
          required: ['model', 'logicalCores'],
          properties: { model: str, logicalCores: { type: 'integer' } },
        },
        node: { type: 'object', required: ['version'], properties: { version: str } },
        git: {
          type: 'object',
          required: ['sha'],
          properties: { sha: { type: ['string', 'null'] } },
        },
        infra: {
          type: 'object',
          required: ['provider', 'postgres', 'redis'],
          properties: { postgres: { type: 'array' }, redis: { type: 'array' } },
        },
      },
    },
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['suite', 'result'],
        properties: {
          suite: str,
          result: {
            type: 'object',
            required: [
              'engine',
              'scenario',
              'target',
              'settings',
              'requests',
              'throughput',
              'latency',
              'errors',
              'failedChecks',
              'warnings',
            ],
            properties: {
              engine: str,
              scenario: str,
              target: str,
              variant: str,
              settings: { type: 'object', required: ['model'] },
              requests: num,
              throughput: num,
              latency: {
                type: 'object',
                required: ['p50', 'p95', 'p99'],
                properties: { p50: num, p95: num, p99: num },
              },
              errors: num,
              failedChecks: num,
              failure: str,
              warnings: strings,
            },
          },
        },
      },
    },
    comparisons: {
      type: 'array',
      items: {
        type: 'object',
        required: ['suite', 'scenario', 'claim', 'comparison'],
        properties: {
          suite: str,
          scenario: str,
          claim: {
            oneOf: [
              { type: 'null' },
              {
                type: 'object',
                required: ['expected', 'status'],
                properties: {
                  expected: strings,
                  // `inconclusive`: the name of `unconfirmed` before it was renamed.
                  status: { enum: ['passed', 'failed', 'unconfirmed', 'inconclusive'] },
                },
              },
            ],
          },
          comparison: {
            type: 'object',
            required: ['verdict', 'ratio', 'lower', 'upper', 'labels', 'metric', 'a', 'b'],
            properties: {
              verdict: { enum: ['faster', 'slower', 'no-difference', 'inconclusive'] },
              ratio: num,
              lower: num,
              upper: num,
              metric: str,
              labels: { type: 'object', required: ['a', 'b'] },
              a: { type: 'array', items: num },
              b: { type: 'array', items: num },
              warnings: strings,
            },
          },
        },
      },
    },
    warnings: strings,
  },
};

let validate: ReturnType<InstanceType<typeof Ajv>['compile']> | undefined;

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  const list = (errors ?? []).slice(0, 5).map((e) => {
    const where = e.instancePath || '(top level)';
    const detail =
      e.keyword === 'enum' || e.keyword === 'const'
        ? `${e.message} ${JSON.stringify(e.params.allowedValues ?? e.params.allowedValue)}`
        : e.message;
    return `${where} ${detail}`;
  });
  const more =
    (errors?.length ?? 0) > list.length ? ` (+${(errors?.length ?? 0) - list.length} more)` : '';
  return `${list.join('; ')}${more}`;
}

/** Parses and checks a run report's text; `file` names it in errors. */
export function parseRunReport(text: string, file: string): RunReport {
  if (text.trim() === '') throw new RunReportError(file, 'the file is empty');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RunReportError(
      file,
      `not valid JSON — truncated or corrupted? (${(error as Error).message})`,
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new RunReportError(file, 'not a run report (expected a JSON object)');
  }
  const record = data as Record<string, unknown>;
  if (record.kind !== RUN_REPORT_KIND && record.schemaVersion === undefined) {
    throw new RunReportError(
      file,
      `not a run report (no "kind": "${RUN_REPORT_KIND}" and no schemaVersion)`,
    );
  }
  if (record.schemaVersion !== RUN_REPORT_SCHEMA_VERSION) {
    throw new RunReportError(
      file,
      `schemaVersion ${JSON.stringify(record.schemaVersion)} is not supported (this version reads ${RUN_REPORT_SCHEMA_VERSION})`,
    );
  }
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
  if (!validate(data)) {
    throw new RunReportError(file, `invalid run report: ${describeErrors(validate.errors)}`);
  }
  const report = data as RunReport;
  for (const c of report.comparisons) {
    if (c.claim && (c.claim.status as string) === 'inconclusive') c.claim.status = 'unconfirmed';
  }
  return report;
}

export function loadRunReport(path: string): RunReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new RunReportError(path, problem);
  }
  return parseRunReport(text, path);
}
