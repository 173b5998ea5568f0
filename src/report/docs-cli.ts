import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CliError, EXIT, usageError } from '../cli/errors.ts';
import { REPO_ROOT } from '../launcher/registry.ts';
import { loadRunReport, RunReportError } from './load.ts';
import type { RunReport } from './types.ts';

/**
 * The command line the documentation generators share (scripts/docs-figures.ts,
 * scripts/seed-findings.ts): one run report (several where `several` is allowed), a few options;
 * anything wrong is one line on stderr and exit code 2, as in `pnpm lab`.
 */
export interface DocsArgs {
  /** The first report given. */
  report: RunReport;
  /** Every report given, in order. */
  reports: RunReport[];
  flags: Set<string>;
  values: Map<string, string>;
}

export function parseDocsArgs(
  argv: readonly string[],
  known: { flags?: readonly string[]; values?: readonly string[]; several?: boolean },
  usage: string,
): DocsArgs {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (known.flags?.includes(arg)) flags.add(arg);
    else if (known.values?.includes(arg)) {
      const value = argv[++i];
      if (value === undefined) throw usageError(`${arg} needs a value. ${usage}`);
      values.set(arg, value);
    } else if (arg.startsWith('--')) throw usageError(`unknown option ${arg}. ${usage}`);
    else files.push(arg);
  }
  if (files.length === 0 || (files.length > 1 && !known.several)) {
    throw usageError(
      `expected ${known.several ? 'one or more run reports' : 'one run report'}. ${usage}`,
    );
  }
  const reports = files.map((file) => loadRunReport(file));
  return { report: reports[0] as RunReport, reports, flags, values };
}

/** Runs a generator: its errors become one line and an exit code, never a stack. */
export function runDocsCommand(name: string, main: () => void): void {
  try {
    main();
  } catch (error) {
    if (error instanceof RunReportError || error instanceof CliError) {
      console.error(`${name}: ${error.message}`);
      process.exitCode = error instanceof CliError ? error.exitCode : EXIT.usage;
      return;
    }
    console.error(`${name}: ${(error as Error).message}`);
    process.exitCode = EXIT.failed;
  }
}

/**
 * Markdown in the repository's canonical form: the Biome that `pnpm check` runs, with its config,
 * so a generated page or section passes the check as written. `path` says where it will live.
 */
export function formatWithBiome(markdown: string, path: string): string {
  const out = spawnSync(
    join(REPO_ROOT, 'node_modules/.bin/biome'),
    ['format', `--stdin-file-path=${path}`],
    { cwd: REPO_ROOT, input: markdown, encoding: 'utf8' },
  );
  if (out.status !== 0) {
    const why = (out.stderr || String(out.error)).trim().split('\n')[0];
    throw new Error(`biome could not format the Markdown for ${path}: ${why}`);
  }
  return out.stdout;
}
