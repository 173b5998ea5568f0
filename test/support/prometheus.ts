import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { trackDir } from '../../src/infra/guard.ts';
import {
  logTail,
  makeScratchDir,
  spawnServer,
  stopServer,
  waitUntilReady,
} from '../../src/infra/local/process.ts';
import { PortInUseError, withPortRetry } from '../../src/infra/ports.ts';
import { REPO_ROOT } from '../../src/launcher/registry.ts';

/**
 * A real Prometheus server for tests, run from the binary Debian's `prometheus` package installs
 * (or PROMETHEUS_BIN): own scratch dir for config and TSDB, free port, own process group tracked
 * by the cleanup watchdog. Its configuration is the repository's monitoring/prometheus.yml with
 * the paths and ports of this machine put in.
 */

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** PROMETHEUS_BIN, else `prometheus` on PATH; undefined when neither runs. */
export function findPrometheus(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.PROMETHEUS_BIN
    ? [env.PROMETHEUS_BIN]
    : (env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'prometheus'));
  for (const candidate of candidates) {
    if (!executable(candidate)) continue;
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore', timeout: 10_000 });
      return candidate;
    } catch {
      // not a working prometheus
    }
  }
  return undefined;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusServer {
  url: string;
  version: string;
  /** Where the lab-target job's file_sd reads from: pass it as LAB_PROMETHEUS_SD_DIR. */
  sdDir: string;
  /** An instant query; throws when Prometheus answers an error (bad PromQL included). */
  query(promql: string): Promise<PromSample[]>;
  logTail(): string;
  stop(): Promise<void>;
}

interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  file_sd_configs?: { files: string[] }[];
  static_configs?: { targets: string[] }[];
}

/** monitoring/prometheus.yml for a server on `port` whose lab-target file_sd reads `sdDir`. */
export function labPrometheusConfig(port: number, sdDir: string): string {
  const config = parse(readFileSync(join(REPO_ROOT, 'monitoring/prometheus.yml'), 'utf8')) as {
    scrape_configs: ScrapeConfig[];
  };
  for (const job of config.scrape_configs) {
    if (job.job_name === 'lab-target') {
      for (const sd of job.file_sd_configs ?? []) sd.files = [join(sdDir, '*.json')];
    }
    if (job.job_name === 'prometheus') job.static_configs = [{ targets: [`127.0.0.1:${port}`] }];
  }
  return stringify(config);
}

export async function startPrometheus(binary: string): Promise<PrometheusServer> {
  const dir = makeScratchDir('prometheus');
  const trackedDir = trackDir(dir);
  const logFile = join(dir, 'prometheus.log');
  const sdDir = join(dir, 'targets');
  mkdirSync(sdDir);
  const version = /prometheus, version (\S+)/.exec(
    execFileSync(binary, ['--version'], { encoding: 'utf8' }),
  )?.[1];
  const cleanDir = () => {
    rmSync(dir, { recursive: true, force: true });
    trackedDir.release();
  };
  try {
    const { server, url } = await withPortRetry(async (port) => {
      const configFile = join(dir, 'prometheus.yml');
      writeFileSync(configFile, labPrometheusConfig(port, sdDir));
      const url = `http://127.0.0.1:${port}`;
      const server = spawnServer(
        binary,
        [
          `--config.file=${configFile}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--web.enable-remote-write-receiver',
          '--storage.tsdb.retention.time=1h',
        ],
        logFile,
        undefined,
        'SIGTERM',
      );
      let ready = false;
      const poll = (async () => {
        while (!ready) {
          try {
            const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
            await response.arrayBuffer();
            ready = response.status === 200;
          } catch {
            // not listening yet
          }
          if (!ready) await sleep(50);
        }
      })();
      try {
        await waitUntilReady(server, () => ready, 'prometheus', logFile, 30_000);
      } catch (error) {
        ready = true; // ends the poll loop
        if (/address already in use/.test(logTail(logFile)))
          throw new PortInUseError(String(error));
        throw error;
      } finally {
        await poll;
      }
      return { server, url };
    });
    return {
      url,
      version: version ?? 'unknown',
      sdDir,
      async query(promql) {
        const response = await fetch(`${url}/api/v1/query`, {
          method: 'POST',
          body: new URLSearchParams({ query: promql }),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await response.json()) as {
          status: string;
          error?: string;
          data?: { resultType: string; result: PromSample[] };
        };
        if (body.status !== 'success' || !body.data) {
          throw new Error(`prometheus query ${promql} failed: ${body.error ?? response.status}`);
        }
        return body.data.result;
      },
      logTail: () => logTail(logFile),
      async stop() {
        await stopServer(server, 'SIGTERM', 5000);
        cleanDir();
      },
    };
  } catch (error) {
    cleanDir();
    throw error;
  }
}

/** Polls `check` until it returns something other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await sleep(250);
  }
}

/** Every PromQL expression of the provisioned Grafana dashboard, with its panel's title. */
export function dashboardQueries(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(
    readFileSync(
      join(REPO_ROOT, 'monitoring/grafana/dashboards/backend-benchmark-lab.json'),
      'utf8',
    ),
  ) as { panels: { title: string; targets?: { expr: string }[] }[] };
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
  );
}
