import { createRequire } from 'node:module';

/** `GET /meta`: what reports need to name a target precisely. */
export interface TargetMeta {
  target: string;
  framework: string;
  frameworkVersion: string;
  adapter: string | null;
  dataLayer: string;
  runtime: 'node';
  runtimeVersion: string;
  pid: number;
  dbPool: number;
}

const require = createRequire(import.meta.url);

/** The installed version of a package (what actually runs, not what package.json asks for). */
export function installedVersion(pkg: string): string {
  try {
    const entry = require.resolve(pkg);
    const marker = `/node_modules/${pkg}/`;
    const root = entry.slice(0, entry.lastIndexOf(marker) + marker.length);
    return (require(`${root}package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function targetMeta(
  fields: Omit<TargetMeta, 'runtime' | 'runtimeVersion' | 'pid'>,
): TargetMeta {
  return { ...fields, runtime: 'node', runtimeVersion: process.versions.node, pid: process.pid };
}

/**
 * The `/meta` target name of a process: its framework target's name on raw pg, else
 * `<name>+<layer>`, as the registry names framework × data layer entries.
 */
export function targetNameFor(frameworkTarget: string, dataLayer: string): string {
  return dataLayer === 'pg' ? frameworkTarget : `${frameworkTarget}+${dataLayer}`;
}
