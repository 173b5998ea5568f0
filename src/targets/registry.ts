import { fileURLToPath } from 'node:url';
import type { DataLayerName } from '../data/types.ts';
import { installedVersion } from './shared/meta.ts';

/**
 * Every benchmark target, in one list: the CLI, benches and reports read it. A target is a
 * framework × data layer: adding a framework is one folder under src/targets/ plus one entry
 * here; the same entry file runs on another data layer with `env: { LAB_DATA_LAYER }` (the
 * layer serves the `/db/…` routes of scenarios 09–13; `/users` stays on raw pg everywhere).
 * Names: the framework target's name for raw pg, `<framework target>+<layer>` otherwise.
 */
export interface TargetDefinition {
  name: string;
  language: 'typescript';
  framework: string;
  /** npm package whose installed version is reported as the framework version. */
  frameworkPackage: string;
  adapter: string | null;
  dataLayer: DataLayerName;
  /** Entry file, relative to the repository root; started as `node [nodeArgs] <entry>`. */
  entry: string;
  nodeArgs: string[];
  /** Extra environment of the target process (e.g. `LAB_DATA_LAYER`); the launcher sets it. */
  env?: Readonly<Record<string, string>>;
  description: string;
}

const FRAMEWORK_TARGETS: readonly TargetDefinition[] = [
  {
    name: 'express',
    language: 'typescript',
    framework: 'express',
    frameworkPackage: 'express',
    adapter: null,
    dataLayer: 'pg',
    env: { LAB_DATA_LAYER: 'pg' },
    entry: 'src/targets/express/main.ts',
    nodeArgs: [],
    description: 'Express 5, route handlers calling the data layer directly',
  },
  {
    name: 'fastify',
    language: 'typescript',
    framework: 'fastify',
    frameworkPackage: 'fastify',
    adapter: null,
    dataLayer: 'pg',
    env: { LAB_DATA_LAYER: 'pg' },
    entry: 'src/targets/fastify/main.ts',
    nodeArgs: [],
    description: 'Fastify 5 with JSON schemas for validation and serialization',
  },
  // NestJS needs legacy decorators + emitted metadata, which Node's type stripping lacks: the
  // entries are tsc output (`pnpm build:targets`, src/targets/nestjs/tsconfig.build.json).
  {
    name: 'nestjs-express',
    language: 'typescript',
    framework: 'nestjs',
    frameworkPackage: '@nestjs/core',
    adapter: 'express',
    dataLayer: 'pg',
    env: { LAB_DATA_LAYER: 'pg' },
    entry: 'build/nestjs/targets/nestjs-express/main.js',
    nodeArgs: [],
    description: 'NestJS 12 on Express: modules, DI, controllers → services → repository, pipes',
  },
  {
    name: 'nestjs-fastify',
    language: 'typescript',
    framework: 'nestjs',
    frameworkPackage: '@nestjs/core',
    adapter: 'fastify',
    dataLayer: 'pg',
    env: { LAB_DATA_LAYER: 'pg' },
    entry: 'build/nestjs/targets/nestjs-fastify/main.js',
    nodeArgs: [],
    description: 'NestJS 12 on Fastify: the same application code, Fastify adapter',
  },
];

const LAYER_DESCRIPTIONS: Record<Exclude<DataLayerName, 'pg'>, string> = {
  typeorm: 'TypeORM 1 (EntitySchema, repositories, QueryBuilder)',
  mikroorm: 'MikroORM 7 (defineEntity, forked EntityManager, unit of work)',
};

/** The same framework target with its `/db/…` routes on an ORM data layer. */
function onLayer(name: string, layer: Exclude<DataLayerName, 'pg'>): TargetDefinition {
  const base = FRAMEWORK_TARGETS.find((target) => target.name === name) as TargetDefinition;
  return {
    ...base,
    name: `${name}+${layer}`,
    dataLayer: layer,
    env: { ...base.env, LAB_DATA_LAYER: layer },
    description: `${base.description}; /db routes on ${LAYER_DESCRIPTIONS[layer]}`,
  };
}

export const TARGETS: readonly TargetDefinition[] = [
  ...FRAMEWORK_TARGETS,
  onLayer('fastify', 'typeorm'),
  onLayer('fastify', 'mikroorm'),
  onLayer('nestjs-fastify', 'typeorm'),
  onLayer('nestjs-fastify', 'mikroorm'),
];

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function targetNames(): string[] {
  return TARGETS.map((target) => target.name);
}

/**
 * The framework targets (raw pg data layer): what the basic HTTP suites (scenarios 01–08, which
 * never touch the data layer) and `lab run` measure by default.
 */
export function frameworkTargets(): TargetDefinition[] {
  return TARGETS.filter((target) => target.dataLayer === 'pg');
}

export function frameworkTargetNames(): string[] {
  return frameworkTargets().map((target) => target.name);
}

export function getTarget(name: string): TargetDefinition {
  const target = TARGETS.find((candidate) => candidate.name === name);
  if (!target) {
    throw new Error(
      `Unknown target ${JSON.stringify(name)}. Valid targets: ${targetNames().join(', ')}.`,
    );
  }
  return target;
}

export function frameworkVersion(target: TargetDefinition): string {
  return installedVersion(target.frameworkPackage);
}
