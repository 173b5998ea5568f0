import { envProblems } from '../config/lab-env.ts';

/**
 * Exit codes of `pnpm lab`:
 *   0  success (compare: no regression; doctor: everything required is present)
 *   1  the lab did its job and the answer is "no": a regression (compare), something required is
 *      missing (doctor, run), a measurement failed (run)
 *   2  the command line or an input file is wrong: unknown names, bad values, a results file that
 *      is missing, truncated or from an incompatible version
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** An error the user can fix; main.ts prints its message (one line, no stack) and exits. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.usage) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A wrong argument or input file: exit 2. */
export const usageError = (message: string): CliError => new CliError(message, EXIT.usage);

/** Something required is missing on this machine: exit 1. */
export const setupError = (message: string): CliError => new CliError(message, EXIT.failed);

/** A wrong LAB_* value in the environment: exit 2, one line per bad variable (config/lab-env.ts). */
export function requireValidEnv(env: NodeJS.ProcessEnv = process.env): void {
  const problems = envProblems(env);
  if (problems.length > 0) throw usageError(problems.join('\nlab: '));
}
