import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fillPlaceholders } from './manifest.ts';
import { TARGETS, type TargetDefinition, targetRoot } from './registry.ts';

/**
 * `pnpm build:targets`: runs the build step of every target manifest that has one (NestJS: tsc;
 * Go: go build), each distinct command once (both NestJS targets share one tsc build), in the
 * target's folder. `node src/launcher/build.ts nestjs-fastify gin` builds only those. A failed
 * build names the target and exits 1.
 */
export function buildTargets(targets: readonly TargetDefinition[]): number {
  const done = new Set<string>();
  for (const target of targets) {
    if (!target.build) continue;
    const cwd = join(targetRoot(target), target.folder);
    const values = { node: process.execPath, root: targetRoot(target), dir: cwd };
    const [command, ...args] = target.build.command.map((part) =>
      fillPlaceholders(part, values, `target ${target.name} (build)`),
    );
    const key = JSON.stringify([cwd, command, args]);
    if (done.has(key)) continue;
    done.add(key);
    console.log(`[build] ${target.name}: ${[command, ...args].join(' ')}`);
    const run = spawnSync(command as string, args, { cwd, stdio: 'inherit' });
    if (run.error || run.status !== 0) {
      const why =
        (run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
          ? `${command} not found on PATH; bash scripts/setup.sh says what to install`
          : run.error
            ? run.error.message
            : `exit ${run.status ?? run.signal}`;
      console.error(`[build] ${target.name}: build failed (${why})`);
      return 1;
    }
  }
  return 0;
}

if (import.meta.main) {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
  if (unknown.length > 0) {
    console.error(
      `Unknown target ${unknown.join(', ')}. Valid: ${TARGETS.map((t) => t.name).join(', ')}`,
    );
    process.exit(2);
  }
  process.exit(
    buildTargets(names.length ? TARGETS.filter((t) => names.includes(t.name)) : TARGETS),
  );
}
