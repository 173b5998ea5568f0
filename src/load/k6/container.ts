import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../launcher/registry.ts';

/**
 * k6 from the `grafana/k6` image through testcontainers, for machines with a Docker runtime but
 * no k6 binary. The image tag matches the version setup.sh builds, so both paths run the same
 * k6. The container uses the host network (targets listen on 127.0.0.1) and gets the k6 scripts
 * plus the contract payloads they `open()` copied in, at the same relative paths as in the repo.
 * The summary comes back through a bind-mounted scratch dir, so the Docker daemon must be local.
 */
export const K6_IMAGE = 'grafana/k6:2.2.0';
const IN_CONTAINER_ROOT = '/lab';

export interface ContainerRun {
  exit: number | string;
  output: string;
}

/** Rewrites repository paths to where the container sees them. */
export function containerPath(repoRelative: string): string {
  return `${IN_CONTAINER_ROOT}/${repoRelative.replace(/^\.?\/+/, '')}`;
}

/**
 * Runs `k6 <args>` in the container; `scratchDir` is mounted at the same path so SUMMARY_FILE
 * works unchanged. Resolves when the container has exited (a one-shot startup). `env` is k6's
 * environment in the container (the Prometheus remote-write settings, when on).
 */
export async function runK6Container(
  args: readonly string[],
  scratchDir: string,
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<ContainerRun> {
  const { GenericContainer, Wait } = await import('testcontainers');
  // The image runs as an unprivileged user: it must be able to write the summary.
  chmodSync(scratchDir, 0o777);
  const container = new GenericContainer(K6_IMAGE)
    .withNetworkMode('host')
    .withEnvironment(env)
    .withCopyDirectoriesToContainer([
      { source: join(REPO_ROOT, 'k6'), target: containerPath('k6') },
      { source: join(REPO_ROOT, 'src/contract'), target: containerPath('src/contract') },
    ])
    .withBindMounts([{ source: scratchDir, target: scratchDir, mode: 'rw' }])
    .withCommand([...args])
    .withWaitStrategy(Wait.forOneShotStartup())
    .withStartupTimeout(timeoutMs);
  try {
    const started = await container.start();
    const logs = await started.logs();
    let output = '';
    for await (const chunk of logs) output += String(chunk);
    await started.stop();
    return { exit: 0, output };
  } catch (error) {
    // A non-zero exit (e.g. 99, thresholds crossed) rejects the one-shot wait.
    const message = error instanceof Error ? error.message : String(error);
    const code = /exit code (\d+)/i.exec(message)?.[1];
    return { exit: code ? Number(code) : message, output: message };
  }
}
