import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { trackDir } from '../infra/guard.ts';

/**
 * Prometheus file-based service discovery for targets the launcher starts (monitoring/README.md).
 * With `LAB_METRICS=1` and `LAB_PROMETHEUS_SD_DIR` in the target's environment, a running target
 * is announced as `<dir>/lab-<name>-<port>.json` (`[{ targets: ["127.0.0.1:<port>"], labels:
 * { lab_target: <name> } }]`), the format of Prometheus's `file_sd_configs`. The file is removed
 * when the target stops, and by the cleanup watchdog if the runner dies first.
 */
export interface ScrapeAnnouncement {
  file: string;
  withdraw(): void;
}

export function announceScrapeTarget(
  name: string,
  url: string,
  env: Record<string, string | undefined>,
): ScrapeAnnouncement | undefined {
  const dir = env.LAB_PROMETHEUS_SD_DIR;
  if (env.LAB_METRICS !== '1' || !dir) return undefined;
  const { host, port } = new URL(url);
  const file = join(resolve(dir), `lab-${name}-${port}.json`);
  mkdirSync(resolve(dir), { recursive: true });
  // The watchdog's dir entries are removed with rm -rf semantics, which covers a single file.
  const tracked = trackDir(file);
  // Written aside and renamed: Prometheus watches the dir and must never read half a file.
  const partial = `${file}.tmp`;
  writeFileSync(
    partial,
    `${JSON.stringify([{ targets: [host], labels: { lab_target: name } }])}\n`,
  );
  renameSync(partial, file);
  return {
    file,
    withdraw() {
      rmSync(file, { force: true });
      tracked.release();
    },
  };
}
