import { fileURLToPath } from 'node:url';
import { installedVersion } from './shared/meta.ts';

/**
 * Every benchmark target, in one list: the CLI, benches and reports read it. Adding a target is
 * one folder under src/targets/ plus one entry here.
 */
export interface TargetDefinition {
  name: string;
  language: 'typescript';
  framework: string;
  /** npm package whose installed version is reported as the framework version. */
  frameworkPackage: string;
  adapter: string | null;
  dataLayer: 'pg';
  /** Entry file, relative to the repository root; started as `node [nodeArgs] <entry>`. */
  entry: string;
  nodeArgs: string[];
  description: string;
}

export const TARGETS: readonly TargetDefinition[] = [
  {
    name: 'express',
    language: 'typescript',
    framework: 'express',
    frameworkPackage: 'express',
    adapter: null,
    dataLayer: 'pg',
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
    entry: 'build/nestjs/targets/nestjs-fastify/main.js',
    nodeArgs: [],
    description: 'NestJS 12 on Fastify: the same application code, Fastify adapter',
  },
];

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function targetNames(): string[] {
  return TARGETS.map((target) => target.name);
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
