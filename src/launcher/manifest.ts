import { Ajv } from 'ajv';
import { parse } from 'yaml';

/**
 * A target is a folder under src/targets/ with a `target.yaml` manifest, whatever its language
 * (TechEmpower's per-framework `benchmark_config.json` is the model): what it is, how to build
 * and start it, and which data layers serve its `/db` routes. The registry discovers manifests;
 * the launcher starts any `start` command the same way (pinned, sampled, stopped as a process
 * group). Adding a target is one folder, no edit elsewhere.
 *
 *   name: fastify                      # the folder's name; data-layer variants are `name+layer`
 *   description: Fastify 5 with JSON schemas for validation and serialization
 *   language: typescript               # typescript | python | go | …
 *   runtime: node                      # what `GET /meta` reports as runtime
 *   framework: fastify
 *   version: { npm: fastify }          # where the framework version is read: npm | pypi | go
 *   adapter: null                      # HTTP platform under the framework (NestJS), else null
 *   server: node:http                  # the HTTP server, recorded with every result
 *   workers: 1                         # serving processes ({workers} in start)
 *   build: null                        # or { command: [...], produces: [files] } (cwd: folder)
 *   start: ['{node}', main.ts]         # cwd: the folder; placeholders below
 *   env: {}                            # extra environment, placeholders allowed
 *   dataLayers:                        # first = default (target `fastify`), others `fastify+…`
 *     pg: raw node-postgres
 *   supports: [basic, db]              # contract groups served (CONTRACT_GROUPS)
 *   default: true                      # in the default target set of the basic suites
 *
 * Placeholders in `start`, `build.command` and `env`: `{node}` (this Node binary), `{root}`
 * (repository root), `{dir}` (the target folder), `{port}`, `{host}`, `{workers}`, and
 * `{cpuCount}` (CPUs the target is pinned to; e.g. `GOMAXPROCS: '{cpuCount}'`).
 */
export interface TargetManifest {
  name: string;
  description: string;
  language: string;
  runtime: string;
  framework: string;
  version: VersionSource;
  adapter: string | null;
  server: string;
  workers: number;
  build: BuildStep | null;
  start: string[];
  env: Record<string, string>;
  dataLayers: Record<string, string>;
  supports: ContractGroup[];
  default: boolean;
}

/** Where a framework's installed version is read (never from the network). */
export type VersionSource =
  | { npm: string }
  | { pypi: string; lock: string }
  | { go: string; modfile?: string };

export interface BuildStep {
  /** Run in the target folder. */
  command: string[];
  /** Files (relative to the repository root) the build produces; missing = not built. */
  produces: string[];
}

/**
 * Contract groups a target serves (docs/contract.md): 01–08 (`basic`), the `/db` routes of 09–13
 * (`db`), and scenarios 14–19: `cache` (14–15), `auth` (16), `aggregate` (17), `search` (18),
 * `flow` (19, which needs `auth`'s sessions). The verifier checks and the suites measure a target
 * only on the groups it lists.
 */
export const CONTRACT_GROUPS = [
  'basic',
  'db',
  'cache',
  'auth',
  'aggregate',
  'search',
  'flow',
] as const;
export type ContractGroup = (typeof CONTRACT_GROUPS)[number];

/** Groups another group needs: the flow logs in and out through `auth`'s session endpoints. */
export const GROUP_REQUIRES: Readonly<Partial<Record<ContractGroup, readonly ContractGroup[]>>> = {
  flow: ['auth'],
};

const NAME = '^[a-z][a-z0-9-]*$';

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [
    'name',
    'description',
    'language',
    'runtime',
    'framework',
    'version',
    'start',
    'dataLayers',
    'supports',
  ],
  properties: {
    name: { type: 'string', pattern: NAME },
    description: { type: 'string', minLength: 1 },
    language: { type: 'string', pattern: NAME },
    runtime: { type: 'string', pattern: NAME },
    framework: { type: 'string', minLength: 1 },
    version: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['npm'],
          properties: { npm: { type: 'string', minLength: 1 } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['pypi', 'lock'],
          properties: {
            pypi: { type: 'string', minLength: 1 },
            lock: { type: 'string', minLength: 1 },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['go'],
          properties: {
            go: { type: 'string', minLength: 1 },
            modfile: { type: 'string', minLength: 1 },
          },
        },
      ],
    },
    adapter: { type: ['string', 'null'], minLength: 1 },
    server: { type: 'string', minLength: 1 },
    workers: { type: 'integer', minimum: 1 },
    build: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['command', 'produces'],
          properties: {
            command: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
            produces: { type: 'array', items: { type: 'string', minLength: 1 } },
          },
        },
      ],
    },
    start: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    env: { type: 'object', additionalProperties: { type: 'string' } },
    dataLayers: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: NAME },
      additionalProperties: { type: 'string', minLength: 1 },
    },
    supports: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { enum: [...CONTRACT_GROUPS] },
    },
    default: { type: 'boolean' },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(SCHEMA);

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Parses and validates one manifest; errors name the file and every problem. */
export function parseManifest(text: string, file: string, folderName: string): TargetManifest {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new ManifestError(`${file}: not valid YAML: ${(error as Error).message}`);
  }
  if (!validate(raw)) {
    const problems = (validate.errors ?? [])
      .map((e) => `${e.instancePath || '(top level)'} ${e.message ?? 'is invalid'}`)
      .join('; ');
    throw new ManifestError(`${file}: ${problems}`);
  }
  const manifest = raw as unknown as Partial<TargetManifest> & Pick<TargetManifest, 'name'>;
  if (manifest.name !== folderName) {
    throw new ManifestError(
      `${file}: name ${JSON.stringify(manifest.name)} must be the folder's name (${folderName})`,
    );
  }
  const supports = manifest.supports ?? [];
  for (const group of supports) {
    const missing = (GROUP_REQUIRES[group] ?? []).filter((needed) => !supports.includes(needed));
    if (missing.length > 0) {
      throw new ManifestError(`${file}: supports ${group} needs ${missing.join(', ')} too`);
    }
  }
  return {
    adapter: null,
    server: 'unspecified',
    workers: 1,
    build: null,
    env: {},
    default: false,
    ...manifest,
  } as TargetManifest;
}

/** Values for the placeholders of `start`, `build.command` and `env`. */
export type Placeholders = Partial<
  Record<'node' | 'root' | 'dir' | 'port' | 'host' | 'workers' | 'cpuCount', string>
>;

/** Replaces `{name}` placeholders; an unknown or unset one is an error naming it. */
export function fillPlaceholders(value: string, values: Placeholders, where: string): string {
  return value.replace(/\{([A-Za-z]+)\}/g, (_, key: string) => {
    const filled = values[key as keyof Placeholders];
    if (filled === undefined) {
      throw new ManifestError(`${where}: placeholder {${key}} has no value here`);
    }
    return filled;
  });
}
