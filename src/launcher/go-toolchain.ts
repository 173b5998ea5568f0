import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { missingBuildOutputs, REPO_ROOT, TARGETS, type TargetDefinition } from './registry.ts';

/**
 * The Go toolchain and the Go targets' binaries, for `lab doctor` (the build itself is each
 * manifest's `build` step, run by `pnpm build:targets` and scripts/setup.sh).
 */

/** The oldest Go the Go targets' modules (go.mod `go 1.25.0`) build with. */
export const GO_MIN_MINOR = 25;

export const GO_FIX =
  'install Go ≥ 1.25 (https://go.dev/dl, into /usr/local/go), then `bash scripts/setup.sh`';

export type GoToolchain =
  | { path: string; version: string; ok: boolean }
  | { path?: undefined; reason: string };

/** `GO_BIN`, else `go` on PATH, else /usr/local/go/bin/go (where the official archive goes). */
export function findGo(env: NodeJS.ProcessEnv = process.env): GoToolchain {
  const candidates = env.GO_BIN ? [env.GO_BIN] : ['go', '/usr/local/go/bin/go'];
  for (const path of candidates) {
    const run = spawnSync(path, ['env', 'GOVERSION'], {
      encoding: 'utf8',
      timeout: 15_000,
      env: { ...env, GOTOOLCHAIN: 'local' },
    });
    const version = run.stdout?.trim();
    if (run.status === 0 && version) {
      const minor = Number(/^go1\.(\d+)/.exec(version)?.[1] ?? 0);
      return { path, version, ok: minor >= GO_MIN_MINOR };
    }
  }
  return { reason: `no Go toolchain found (tried ${candidates.join(', ')})` };
}

export const goTargets = (): TargetDefinition[] => TARGETS.filter((t) => t.language === 'go');

/** Newest modification time of the Go sources (every module under src/targets). */
function newestGoSource(dir = join(REPO_ROOT, 'src/targets')): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestGoSource(path));
    else if (/\.go$|^go\.(mod|sum)$/.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/** Go targets whose binary is missing or older than a Go source: `pnpm build:targets`. */
export function goBuildsToRedo(): { missing: string[]; stale: string[] } {
  const sources = newestGoSource();
  const missing: string[] = [];
  const stale: string[] = [];
  for (const target of goTargets()) {
    const outputs = target.build?.produces ?? [];
    if (missingBuildOutputs(target).length > 0) missing.push(target.name);
    else if (outputs.some((file) => statSync(join(REPO_ROOT, file)).mtimeMs < sources)) {
      stale.push(target.name);
    }
  }
  return { missing, stale };
}
