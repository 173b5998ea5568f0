import { loadRunReport, RunReportError } from '../report/load.ts';
import type { RunReport } from '../report/types.ts';
import { usageError } from './errors.ts';

/** A results file, or a usage error (exit 2) whose one line says what is wrong with it. */
export function loadResults(file: string): RunReport {
  try {
    return loadRunReport(file);
  } catch (error) {
    if (error instanceof RunReportError) throw usageError(error.message.replace(/\s*\n\s*/g, ' '));
    throw usageError(`Cannot load run report ${file}: ${(error as Error).message}`);
  }
}
