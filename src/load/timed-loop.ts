import { newLatencyHistogram, summarizeMicros } from './histogram.ts';
import type { Result } from './result.ts';

/**
 * In-process timing of an async operation (a query, a data-layer call) into the Result model,
 * for scenarios measured without HTTP. `concurrency` workers each run operations back to back;
 * warm-up operations run first and are not recorded. Any thrown error fails the run: a variant
 * that errors must never look fast.
 */
export interface TimedLoopOptions {
  scenario: string;
  target: string;
  variant?: string;
  /** Measured operations (all workers together). */
  operations: number;
  warmupOperations?: number;
  concurrency?: number;
  /** Operation number `i` (warm-up operations get negative numbers). */
  operation: (i: number) => Promise<void>;
  /** Untimed preparation before operation `i` (e.g. emptying a table for the next insert). */
  prepare?: (i: number) => Promise<void>;
  meta?: Result['meta'];
}

export async function runTimedLoop(options: TimedLoopOptions): Promise<Result> {
  const concurrency = options.concurrency ?? 1;
  const warmup = options.warmupOperations ?? 0;
  const startedAt = new Date().toISOString();
  for (let i = 1; i <= warmup; i++) {
    await options.prepare?.(-i);
    await options.operation(-i);
  }

  const histogram = newLatencyHistogram();
  let next = 0;
  let failure: string | undefined;
  const worker = async () => {
    while (next < options.operations && failure === undefined) {
      const i = next++;
      await options.prepare?.(i);
      const began = performance.now();
      try {
        await options.operation(i);
      } catch (error) {
        failure = `operation ${i} failed: ${error instanceof Error ? error.message : String(error)}`;
        return;
      }
      histogram.recordValue(Math.max(1, Math.round((performance.now() - began) * 1000)));
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - began) / 1000;
  const requests = histogram.totalCount;
  const result: Result = {
    engine: 'micro',
    scenario: options.scenario,
    target: options.target,
    ...(options.variant ? { variant: options.variant } : {}),
    settings: { model: 'closed', concurrency, durationSeconds: 0, operations: options.operations },
    requests,
    throughput: seconds > 0 ? requests / seconds : 0,
    latency: summarizeMicros(histogram),
    errors: failure ? 1 : 0,
    failedChecks: 0,
    statuses: {},
    warnings: [],
    startedAt,
    meta: { operations: options.operations, warmupOperations: warmup, ...options.meta },
    ...(failure ? { failure } : {}),
  };
  histogram.destroy();
  return result;
}
