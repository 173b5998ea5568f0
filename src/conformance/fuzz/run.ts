import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { contractPath, loadContract } from '../../contract/index.ts';
import { contractRoutes, isServed, type ServedContract } from '../../contract/routes.ts';
import { issueToken } from '../../targets/shared/auth.ts';

/**
 * Property-based fuzzing of a running target against the contract with Schemathesis, installed
 * from uv.lock next to this file into its own .venv (scripts/setup.sh: `uv sync --frozen`).
 * Schemathesis generates requests from src/contract/openapi.yaml (schema-valid and schema-invalid
 * ones, undeclared methods, missing auth) and checks every answer: no 5xx, every status and body
 * as documented, schema-invalid input refused, schema-valid input accepted (schemathesis.toml and
 * hooks.py hold the settings and the two documented refusals no schema can express).
 */

export const FUZZ_DIR = fileURLToPath(new URL('.', import.meta.url));

/**
 * The fixture sets a target's whole contract reads: `users`, those of scenarios 09–13, and the
 * aggregation and documents sets of 17–18.
 */
export const CONTRACT_FIXTURES = [
  'users',
  'columns',
  'blog',
  'bulk',
  'inventory',
  'aggregation',
  'documents',
] as const;
const SCHEMATHESIS = join(FUZZ_DIR, '.venv', 'bin', 'st');

export type FuzzPhase = 'examples' | 'coverage' | 'fuzzing' | 'stateful';

export interface FuzzOptions {
  /** Hypothesis seed (default 42); with `deterministic`, generation does not depend on it. */
  seed?: number;
  /** Test cases per operation and phase (default 20). */
  maxExamples?: number;
  /** Default: examples, coverage, fuzzing (stateful sequences for exploratory runs). */
  phases?: readonly FuzzPhase[];
  /** Derandomized generation: the same cases on every run (default true). */
  deterministic?: boolean;
  /** `LAB_AUTH_SECRET` of the target, to sign the bearer token (default `lab-secret`). */
  authSecret?: string;
  /** The whole run is killed past this (default 10 minutes). */
  timeoutMs?: number;
  /**
   * What the target serves (its manifest's groups, whether it has a Redis): only those paths are
   * fuzzed, the others are a target's 404 like any unknown path. Default: the whole contract.
   */
  served?: ServedContract;
}

export interface FuzzFinding {
  /** `GET /users/{id}`, or the operation a request was derived from. */
  operation: string;
  /** Schemathesis's code and title, e.g. `ST204 Wrong response to undeclared method`. */
  check: string;
  /** What failed, with the answer and a curl command that reproduces it. */
  detail: string;
}

export interface FuzzReport {
  baseUrl: string;
  /** The Schemathesis command line that reproduces the run (the token as `$LAB_FUZZ_TOKEN`). */
  command: string;
  operations: { tested: number; total: number };
  testCases: number;
  findings: FuzzFinding[];
  /** Errors of the run itself (unreachable target, schema problems, timeouts). */
  errors: string[];
  durationMs: number;
  ok: boolean;
}

/** Why fuzzing cannot run here, with the fix. */
export class FuzzUnavailableError extends Error {
  override name = 'FuzzUnavailableError';
}

export function schemathesisInstalled(): boolean {
  return existsSync(SCHEMATHESIS);
}

export async function fuzzTarget(baseUrl: string, options: FuzzOptions = {}): Promise<FuzzReport> {
  if (!schemathesisInstalled()) {
    throw new FuzzUnavailableError(
      `Schemathesis is not installed at ${SCHEMATHESIS}: run bash scripts/setup.sh ` +
        `(or: cd src/conformance/fuzz && UV_PYTHON_DOWNLOADS=never uv sync --frozen)`,
    );
  }
  const seed = options.seed ?? 42;
  const phases = options.phases ?? ['examples', 'coverage', 'fuzzing'];
  const reports = mkdtempSync(join(tmpdir(), 'lab-fuzz-'));
  const args = [
    'run',
    options.served ? servedContractFile(options.served, reports) : contractPath,
    `--url=${baseUrl}`,
    `--seed=${seed}`,
    `--max-examples=${options.maxExamples ?? 20}`,
    `--phases=${phases.join(',')}`,
    ...((options.deterministic ?? true) ? ['--generation-deterministic'] : []),
    '--workers=1',
    '--no-color',
  ];
  const token = await issueToken('fuzz', options.authSecret ?? 'lab-secret', 24 * 3600);
  const started = performance.now();
  try {
    const run = await runSchemathesis(
      [...args, '--report=json,junit', `--report-dir=${join(reports, 'out')}`],
      { ...process.env, LAB_FUZZ_TOKEN: token },
      options.timeoutMs ?? 600_000,
    );
    const summary = readReport(join(reports, 'out'), '.json') as SchemathesisSummary | undefined;
    const junit = readReport(join(reports, 'out'), '.xml') as string | undefined;
    const errors = [
      ...(run.failure ? [run.failure] : []),
      ...(summary?.errors ?? []).map((error) => JSON.stringify(error)),
      ...(summary ? [] : [`no Schemathesis report was written; output:\n${tail(run.output)}`]),
    ];
    const findings = junit ? junitFindings(junit) : [];
    return {
      baseUrl,
      command: `cd ${FUZZ_DIR} && LAB_FUZZ_TOKEN=… ${SCHEMATHESIS} ${args.join(' ')}`,
      operations: {
        tested: summary?.operations.tested ?? 0,
        total: summary?.operations.total ?? 0,
      },
      testCases: summary?.test_cases.generated ?? 0,
      findings,
      errors,
      durationMs: performance.now() - started,
      ok: findings.length === 0 && errors.length === 0 && summary?.exit_code === 0,
    };
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
}

/** The contract without the paths a target does not serve, written into `dir`. */
function servedContractFile(served: ServedContract, dir: string): string {
  const doc = loadContract();
  const kept = new Set(
    contractRoutes(doc)
      .filter((route) => isServed(route, served))
      .map((route) => route.template),
  );
  const paths = Object.fromEntries(Object.entries(doc.paths).filter(([path]) => kept.has(path)));
  const file = join(dir, 'openapi.served.yaml');
  writeFileSync(file, stringify({ ...doc, paths }));
  return file;
}

interface SchemathesisSummary {
  exit_code: number;
  operations: { total: number; tested: number };
  test_cases: { generated: number };
  errors: unknown[];
}

function runSchemathesis(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ output: string; failure?: string }> {
  return new Promise((resolve) => {
    // cwd: Schemathesis reads schemathesis.toml from it and imports hooks.py from it.
    execFile(
      SCHEMATHESIS,
      args,
      { cwd: FUZZ_DIR, env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        // Exit code 1 means findings, which the reports list; anything else is the run failing.
        const code = (error as { code?: unknown } | null)?.code;
        if (error && (error as { killed?: boolean }).killed) {
          resolve({ output, failure: `Schemathesis did not finish within ${timeoutMs} ms` });
        } else if (error && code !== 1) {
          resolve({ output, failure: `Schemathesis failed (${code}): ${tail(output)}` });
        } else {
          resolve({ output });
        }
      },
    );
  });
}

function readReport(dir: string, extension: '.json' | '.xml'): unknown {
  if (!existsSync(dir)) return undefined;
  const file = readdirSync(dir).find((name) => name.endsWith(extension));
  if (!file) return undefined;
  const text = readFileSync(join(dir, file), 'utf8');
  return extension === '.json' ? JSON.parse(text) : text;
}

const ENTITIES: Record<string, string> = {
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&apos;': "'",
  '&amp;': '&',
};
const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (e) => ENTITIES[e] ?? e);

/** Schemathesis's JUnit report: one testcase per operation, its failures as text. */
export function junitFindings(xml: string): FuzzFinding[] {
  const findings: FuzzFinding[] = [];
  // Passing operations are self-closing `<testcase …/>`; only the others have a body.
  for (const testcase of xml.matchAll(
    /<testcase name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g,
  )) {
    const operation = unescapeXml(testcase[1] ?? '');
    for (const failure of (testcase[2] ?? '').matchAll(/<(failure|error)[^>]*>([\s\S]*?)<\/\1>/g)) {
      const text = unescapeXml(failure[2] ?? '');
      // One element may hold several numbered cases ("1. Test Case ID: …", "2. …").
      for (const block of text.split(/\n(?=\d+\. Test Case ID: )/)) {
        const check = /^- (ST\d+ .+)$/m.exec(block)?.[1] ?? /^- (.+)$/m.exec(block)?.[1] ?? 'error';
        findings.push({ operation, check, detail: block.trim() });
      }
    }
  }
  return findings;
}

/** A report as text: the figures, then every finding with its reproduction. */
export function formatFuzzReport(report: FuzzReport, name = report.baseUrl): string {
  const lines = [
    `Fuzzing ${name}: ${report.operations.tested}/${report.operations.total} operations, ` +
      `${report.testCases} test cases, ${(report.durationMs / 1000).toFixed(1)} s: ` +
      (report.ok
        ? 'no findings'
        : `${report.findings.length} finding(s), ${report.errors.length} error(s)`),
  ];
  for (const finding of report.findings) {
    lines.push('', `✗ ${finding.operation} — ${finding.check}`, indent(finding.detail));
  }
  for (const error of report.errors) lines.push('', `✗ run error`, indent(error));
  if (!report.ok) lines.push('', `Reproduce the run: ${report.command}`);
  return lines.join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

const tail = (text: string) => text.trimEnd().split('\n').slice(-30).join('\n');
