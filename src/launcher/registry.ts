import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedVersion } from '../targets/shared/meta.ts';
import {
  type BuildStep,
  type ContractGroup,
  ManifestError,
  parseManifest,
  type TargetManifest,
  type VersionSource,
} from './manifest.ts';

/**
 * Every benchmark target, discovered from the manifests `src/targets/<folder>/target.yaml`
 * (manifest.ts): the CLI, benches and reports read this list. A manifest declares one or more
 * data layers; each becomes a registered target: the first under the folder's name, the others
 * as `<name>+<layer>` (e.g. `fastify+typeorm`). The launcher passes the layer as
 * `LAB_DATA_LAYER`; it serves the `/db/…` routes of scenarios 09–13.
 */
export interface TargetDefinition {
  name: string;
  description: string;
  /** Folder holding the manifest, relative to `root` (the cwd of `start` and `build`). */
  folder: string;
  /**
   * The checkout the target comes from (absolute; `{root}` in its commands); default this
   * repository. `lab compare --base <dir>` starts a base checkout's targets beside this one's.
   */
  root?: string;
  language: string;
  runtime: string;
  framework: string;
  version: VersionSource;
  adapter: string | null;
  server: string;
  workers: number;
  build: BuildStep | null;
  /** Command and arguments, with placeholders (manifest.ts). */
  start: string[];
  /** Extra environment of the target process, with placeholders; `LAB_DATA_LAYER` is added. */
  env: Readonly<Record<string, string>>;
  dataLayer: string;
  dataLayerDescription: string;
  supports: readonly ContractGroup[];
  /** In the default target set of the basic suites and `lab run`. */
  isDefault: boolean;
  /** Its manifest is a default one: every data layer of it is in the db suites' default set. */
  defaultFramework: boolean;
  /**
   * A server the lab does not run (`lab run --target-url`, `LAB_TARGET_URL`): no process, no
   * pinning, no /proc sampling, no restarts (src/launcher/external.ts).
   */
  external?: { url: string; databaseUrl?: string };
}

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TARGETS_DIR = join(REPO_ROOT, 'src/targets');

/** The checkout a target comes from (absolute, no trailing slash). */
export function targetRoot(target: TargetDefinition): string {
  return (target.root ?? REPO_ROOT).replace(/\/$/, '');
}

/** The registered targets of one manifest, in its data-layer order. */
export function definitionsOf(
  manifest: TargetManifest,
  folder: string,
  root?: string,
): TargetDefinition[] {
  return Object.entries(manifest.dataLayers).map(([layer, layerDescription], index) => ({
    ...(root ? { root } : {}),
    name: index === 0 ? manifest.name : `${manifest.name}+${layer}`,
    description:
      index === 0 ? manifest.description : `${manifest.description}; /db on ${layerDescription}`,
    folder,
    language: manifest.language,
    runtime: manifest.runtime,
    framework: manifest.framework,
    version: manifest.version,
    adapter: manifest.adapter,
    server: manifest.server,
    workers: manifest.workers,
    build: manifest.build,
    start: manifest.start,
    env: { ...manifest.env, LAB_DATA_LAYER: layer },
    dataLayer: layer,
    dataLayerDescription: layerDescription,
    supports: manifest.supports,
    isDefault: manifest.default && index === 0,
    defaultFramework: manifest.default,
  }));
}

/**
 * Reads every `src/targets/<folder>/target.yaml` (folders without one are shared code). `root`:
 * another checkout of the lab, whose targets then start from there.
 */
export function discoverTargets(dir: string = TARGETS_DIR, root?: string): TargetDefinition[] {
  const targets: TargetDefinition[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const file = join(dir, entry.name, 'target.yaml');
    if (!existsSync(file)) continue;
    const manifest = parseManifest(readFileSync(file, 'utf8'), file, entry.name);
    targets.push(
      ...definitionsOf(manifest, relative(root ?? REPO_ROOT, join(dir, entry.name)), root),
    );
  }
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.name)) {
      throw new ManifestError(`two manifests register the target name ${target.name}`);
    }
    seen.add(target.name);
  }
  // Stable order: default targets first (the order reports list them in), then by name.
  return targets.sort(
    (a, b) => Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name),
  );
}

export const TARGETS: readonly TargetDefinition[] = discoverTargets();

export function targetNames(): string[] {
  return TARGETS.map((target) => target.name);
}

/**
 * The default targets (`default: true` in their manifests, first data layer): what the basic
 * HTTP suites and `lab run` measure when no target is named.
 */
export function defaultTargets(): TargetDefinition[] {
  return TARGETS.filter((target) => target.isDefault);
}

export function defaultTargetNames(): string[] {
  return defaultTargets().map((target) => target.name);
}

/**
 * The default targets of the db-advanced HTTP suites: every data-layer variant of the default
 * frameworks that serve the `/db` routes (`LAB_TARGETS=all` adds the other languages).
 */
export function dbTargetNames(): string[] {
  return TARGETS.filter((t) => t.defaultFramework && t.supports.includes('db')).map((t) => t.name);
}

/**
 * Names or groups → targets: a target's name, a language (`typescript`, `python`, `go`),
 * `default`, or `all`. Unknown names throw, listing the valid ones.
 */
export function resolveTargetNames(names: readonly string[]): string[] {
  const languages = [...new Set(TARGETS.map((t) => t.language))];
  const chosen: string[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    if (name === 'all') chosen.push(...targetNames());
    else if (name === 'default') chosen.push(...defaultTargetNames());
    else if (languages.includes(name)) {
      chosen.push(
        ...TARGETS.filter((t) => t.language === name && isFrameworkDefault(t)).map((t) => t.name),
      );
    } else if (TARGETS.some((t) => t.name === name)) chosen.push(name);
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    throw new Error(
      `Unknown target${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')}. ` +
        `Valid targets: ${targetNames().join(', ')} (or a group: default, all, ${languages.join(', ')}).`,
    );
  }
  return [...new Set(chosen)];
}

/** The first data layer of its manifest: one entry per framework, not per layer. */
function isFrameworkDefault(target: TargetDefinition): boolean {
  return !target.name.includes('+');
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

/** Files the target's build must have produced that are missing (empty: ready to start). */
export function missingBuildOutputs(target: TargetDefinition): string[] {
  return (target.build?.produces ?? []).filter(
    (file) => !existsSync(join(targetRoot(target), file)),
  );
}

/** The installed framework version, read locally (package.json, uv.lock, go.mod). */
export function frameworkVersion(target: TargetDefinition): string {
  const source = target.version;
  if ('npm' in source) return installedVersion(source.npm);
  if ('pypi' in source)
    return lockedPythonVersion(join(REPO_ROOT, target.folder, source.lock), source.pypi);
  return goModuleVersion(join(REPO_ROOT, target.folder, source.modfile ?? 'go.mod'), source.go);
}

/**
 * A package's version in a uv.lock (TOML): `[[package]]` tables start with `name = "…"` and
 * `version = "…"`. A regular expression over those two lines is enough; no TOML parser needed.
 */
export function lockedPythonVersion(lockFile: string, distribution: string): string {
  try {
    const text = readFileSync(lockFile, 'utf8');
    const name = distribution.toLowerCase().replace(/[-_.]+/g, '-');
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const match = new RegExp(
      `\\[\\[package\\]\\]\\s*\\nname = "${escaped}"\\s*\\nversion = "([^"]+)"`,
    ).exec(text);
    return match?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A module's required version in go.mod (`require mod vX` or inside a `require (…)` block). */
export function goModuleVersion(modFile: string, module: string): string {
  try {
    const text = readFileSync(modFile, 'utf8');
    const escaped = module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(text);
    return match?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
