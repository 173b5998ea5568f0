import { isDeepStrictEqual } from 'node:util';
import type { HttpMethod } from '../contract/index.ts';
import type { HttpResponse } from './http.ts';
import { type ContractValidators, preview } from './schemas.ts';

/** A check's verdict when the target answered but not as the contract says. */
export class CheckFailed extends Error {}

export type ErrorCode =
  | 'invalid_json'
  | 'validation_failed'
  | 'invalid_cursor'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'bad_gateway'
  | 'internal_error';

export interface JsonExpectation {
  status: number;
  /** The contract operation whose documented response applies, e.g. `['post', '/users']`. */
  operation?: [HttpMethod, string];
  /** A component schema instead, for answers outside the contract's paths (unknown routes). */
  schema?: string;
  /** For errors: the `error.code` the status implies. */
  code?: ErrorCode;
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Checks status, Content-Type, the body against the contract's schema for that response (and
 * the documented headers), and the error code; throws CheckFailed listing every problem found,
 * each as "expected …, received …". Returns the parsed body.
 */
export function expectJson(
  validators: ContractValidators,
  res: HttpResponse,
  expected: JsonExpectation,
): unknown {
  const problems: string[] = [];
  if (res.status !== expected.status) {
    problems.push(`expected status ${expected.status}, received ${res.status}`);
    problems.push(`body: ${previewText(res.body)}`);
    throw new CheckFailed(problems.join('\n'));
  }
  const type = res.headers['content-type'];
  if (!type || !JSON_TYPE.test(type)) {
    problems.push(
      `expected Content-Type application/json, received ${type ? `"${type}"` : 'none'}`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    problems.push(`expected a JSON body, received ${previewText(res.body)}`);
    throw new CheckFailed(problems.join('\n'));
  }

  let codeMismatch = false;
  if (expected.code) {
    const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
    if (code !== expected.code) {
      codeMismatch = true;
      problems.push(`expected error.code "${expected.code}", received ${preview(code)}`);
    }
  }

  const [method, path] = expected.operation ?? [];
  const validator =
    method && path
      ? validators.response(method, path, expected.status)
      : validators.component(expected.schema ?? 'Error');
  if (!validator) {
    problems.push(
      `the contract documents no JSON response for ${method?.toUpperCase()} ${path} ${expected.status}`,
    );
  } else {
    // A wrong code is already reported above in plainer words.
    const errors = validator
      .validate(body)
      .filter((line) => !(codeMismatch && line.startsWith('/error/code ')));
    if (errors.length > 0) {
      problems.push(`expected a body matching ${validator.label}, received one where:`);
      problems.push(...errors.map((line) => `  ${line}`));
    }
  }

  if (method && path) {
    for (const rule of validators.headers(method, path, expected.status)) {
      const value = res.headers[rule.name.toLowerCase()];
      if (value === undefined) {
        if (rule.required) problems.push(`expected a ${rule.name} header, received none`);
        continue;
      }
      const errors = rule.validator.validate(value);
      if (errors.length > 0) {
        problems.push(
          `expected ${rule.name} to match the contract, received "${value}" (${errors.join('; ')})`,
        );
      }
    }
  }

  if (problems.length > 0) throw new CheckFailed(problems.join('\n'));
  return body;
}

/** Deep equality, reporting the first place where the values differ. */
export function expectEqual(what: string, expected: unknown, received: unknown): void {
  if (isDeepStrictEqual(expected, received)) return;
  const difference = firstDifference(expected, received, '');
  throw new CheckFailed(
    difference
      ? `${what} differs at ${difference.path || '(root)'}: expected ${preview(difference.expected)}, received ${preview(difference.received)}`
      : `expected ${what} ${preview(expected)}, received ${preview(received)}`,
  );
}

export function expectThat(condition: boolean, expectedVsReceived: string): void {
  if (!condition) throw new CheckFailed(expectedVsReceived);
}

interface Difference {
  path: string;
  expected: unknown;
  received: unknown;
}

function firstDifference(
  expected: unknown,
  received: unknown,
  path: string,
): Difference | undefined {
  if (isDeepStrictEqual(expected, received)) return undefined;
  const bothObjects =
    expected !== null &&
    received !== null &&
    typeof expected === 'object' &&
    typeof received === 'object' &&
    Array.isArray(expected) === Array.isArray(received);
  if (!bothObjects) return { path, expected, received };
  const a = expected as Record<string, unknown>;
  const b = received as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const escaped = key.replaceAll('~', '~0').replaceAll('/', '~1');
    if (!(key in b)) return { path: `${path}/${escaped}`, expected: a[key], received: undefined };
    const inner = firstDifference(a[key], b[key], `${path}/${escaped}`);
    if (inner) return inner;
  }
  return { path, expected, received };
}

function previewText(body: Buffer, max = 200): string {
  if (body.length === 0) return '(empty)';
  const text = body.subarray(0, max * 4).toString('utf8');
  return text.length > max ? `${JSON.stringify(text.slice(0, max))}…` : JSON.stringify(text);
}
