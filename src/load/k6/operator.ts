import { readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../../launcher/registry.ts';
import type { ScenarioContext, ScenarioDefinition } from '../../scenarios/types.ts';
import type { LoadSettings } from '../result.ts';
import { K6_IMAGE } from './container.ts';
import { settingsEnv } from './run.ts';

/**
 * `lab k6-operator`: one scenario as a k6-operator `TestRun` (apiVersion k6.io/v1alpha1) plus the
 * ConfigMap that holds its script, so a Kubernetes cluster runs it on `parallelism` runner pods,
 * each with its execution segment (the operator assigns them, as `lab run --generators` does
 * locally). Field names follow the operator's CRD (config/crd/bases/k6.io_testruns.yaml of
 * grafana/k6-operator): `spec.parallelism`, `spec.script.configMap.{name,file}`, `spec.separate`,
 * `spec.arguments`, `spec.runner.{image,env}`, `spec.cleanup`.
 *
 * ConfigMap keys cannot hold a `/`, and the operator mounts them side by side in /test/: the
 * script's relative imports and opened files (`../lib/options.js`, the echo payload) become keys
 * of their own and the script refers to them as `./<name>`.
 *
 * The load model and the scenario's parameters go to the runners as environment variables
 * (`k6 run` reads them into `__ENV`). With `samples` (default), every runner also writes its raw
 * samples to stdout (`--out json=-`): `kubectl logs` of the runner pods, merged with
 * `pnpm lab k6-merge`, gives the percentiles of the union — the per-pod summaries cannot.
 */
export interface OperatorOptions {
  scenario: ScenarioDefinition;
  /** Runner pods (k6 processes), each running 1/parallelism of the load. */
  parallelism: number;
  /** The target as the pods reach it, e.g. http://my-api.default.svc:3000. */
  baseUrl: string;
  settings: LoadSettings;
  /** Token and table sizes the script's parameters need (see scenarioContext). */
  context: ScenarioContext;
  /** metadata.name of both objects; default `lab-<scenario id>`. */
  name?: string;
  namespace?: string;
  /** Runner image; default the image of the lab's k6 version (grafana/k6:2.2.0). */
  image?: string;
  /** One runner per node (`spec.separate`). */
  separate?: boolean;
  /** Raw samples on the runners' stdout for `lab k6-merge` (default true). */
  samples?: boolean;
}

export interface OperatorManifests {
  configMap: Record<string, unknown>;
  testRun: Record<string, unknown>;
  /** ConfigMap data: file name → content (the script and what it imports or opens). */
  files: Record<string, string>;
  /** The script's key in the ConfigMap. */
  scriptFile: string;
  env: Record<string, string>;
}

/** Kubernetes object names: lower-case alphanumerics and '-', at most 63 characters. */
export function k8sName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (!name) throw new Error(`cannot make a Kubernetes name of ${JSON.stringify(raw)}`);
  return name;
}

/** Relative module specifiers and `open()` paths of a k6 script. */
const RELATIVE = /(from\s+|open\(\s*(?:[^'"()]*\|\|\s*)?)(['"])(\.\.?\/[^'"]+)\2/g;

/**
 * The script and every file it reaches by a relative path, flattened to one directory: each file
 * under its base name, references rewritten to `./<base name>`.
 */
export function flattenScript(script: string): { files: Record<string, string>; main: string } {
  const files: Record<string, string> = {};
  const origin = new Map<string, string>();
  const add = (file: string): string => {
    const key = basename(file);
    const known = origin.get(key);
    if (known !== undefined) {
      if (known !== file) {
        throw new Error(
          `two files named ${key} (${relative(REPO_ROOT, known)}, ${relative(REPO_ROOT, file)})`,
        );
      }
      return key;
    }
    origin.set(key, file);
    files[key] = ''; // reserves the key before recursing (imports may be circular)
    const text = readFileSync(file, 'utf8');
    files[key] = file.endsWith('.js')
      ? text.replace(RELATIVE, (_match, lead: string, quote: string, path: string) => {
          const target = add(resolve(dirname(file), path));
          return `${lead}${quote}./${target}${quote}`;
        })
      : text;
    return key;
  };
  const main = add(resolve(REPO_ROOT, script));
  return { files, main };
}

export function k6OperatorManifests(options: OperatorOptions): OperatorManifests {
  const { scenario, parallelism } = options;
  if (!scenario.k6) throw new Error(`${scenario.id} has no k6 script`);
  if (!(Number.isInteger(parallelism) && parallelism >= 1)) {
    throw new Error(`parallelism must be a positive integer, got ${parallelism}`);
  }
  if (!/^https?:\/\/[^/]/.test(options.baseUrl)) {
    throw new Error(`the base URL must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
  }
  const name = k8sName(options.name ?? `lab-${scenario.id}`);
  const { files, main } = flattenScript(scenario.k6.script);
  const env: Record<string, string> = {
    ...settingsEnv(options.settings),
    ...scenario.k6.env?.(options.context),
    BASE_URL: options.baseUrl,
  };
  const metadata = {
    name,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    labels: { 'app.kubernetes.io/part-of': 'backend-benchmark-lab', 'lab/scenario': scenario.id },
  };
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: files };
  const samples = options.samples ?? true;
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata,
    spec: {
      parallelism,
      separate: options.separate ?? false,
      script: { configMap: { name, file: main } },
      arguments: [`--tag lab_scenario=${scenario.id}`, ...(samples ? ['--out json=-'] : [])].join(
        ' ',
      ),
      // The runner pods (and their raw samples in the logs) stay until the TestRun is deleted.
      runner: {
        image: options.image ?? K6_IMAGE,
        env: Object.entries(env).map(([key, value]) => ({ name: key, value })),
      },
    },
  };
  return { configMap, testRun, files, scriptFile: main, env };
}

/** The two objects as one YAML stream (`kubectl apply -f -`). */
export function operatorYaml(manifests: OperatorManifests, comment?: string): string {
  const header = comment
    ? `${comment
        .split('\n')
        .map((line) => `# ${line}`.trimEnd())
        .join('\n')}\n`
    : '';
  return `${header}---\n${stringify(manifests.configMap, { lineWidth: 0 })}---\n${stringify(manifests.testRun, { lineWidth: 0 })}`;
}
