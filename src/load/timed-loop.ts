import { type LatencyHistogram, newLatencyHistogram, summarizeMicros } from './histogram.ts';
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

/** The Result of a timed loop: `seconds` of operation time, a failure if one threw. */
function loopResult(context: {
  scenario: string;
  target: string;
  variant?: string | undefined;
  concurrency: number;
  operations: number;
  histogram: LatencyHistogram;
  seconds: number;
  startedAt: string;
  failure: string | undefined;
  meta: Result['meta'];
}): Result {
  const requests = context.histogram.totalCount;
  return {
    engine: 'micro',
    scenario: context.scenario,
    target: context.target,
    ...(context.variant ? { variant: context.variant } : {}),
    settings: {
      model: 'closed',
      concurrency: context.concurrency,
      durationSeconds: 0,
      operations: context.operations,
    },
    requests,
    throughput: context.seconds > 0 ? requests / context.seconds : 0,
    latency: summarizeMicros(context.histogram),
    errors: context.failure ? 1 : 0,
    failedChecks: 0,
    statuses: {},
    warnings: [],
    startedAt: context.startedAt,
    meta: context.meta,
    ...(context.failure ? { failure: context.failure } : {}),
  };
}

/** One side of a paired loop: its operation and preparation, named for its Result. */
export interface LoopSide {
  target: string;
  variant?: string;
  operation: (i: number) => Promise<void>;
  prepare?: (i: number) => Promise<void>;
}

/**
 * Several operations timed in one loop, taking turns operation by operation (the order rotated
 * and reversed from one turn to the next), one Result each. The core this runs on changes
 * speed by 2–3× over seconds here (docs/measurement.md): taking turns every operation puts every
 * side through the same states, so the ratios of their medians over one loop are far steadier
 * than those of loops run one after the other. With `concurrency` c > 1 a turn is a batch of c
 * operations of one side in flight at once (each timed on its own), so each side is measured
 * under load and the sides still take turns batch by batch.
 */
export async function runInterleavedLoops(options: {
  scenario: string;
  sides: readonly LoopSide[];
  operations: number;
  warmupOperations?: number;
  concurrency?: number;
  meta?: Result['meta'];
}): Promise<Result[]> {
  const { sides } = options;
  const n = sides.length;
  const c = Math.max(1, Math.floor(options.concurrency ?? 1));
  const warmup = options.warmupOperations ?? 0;
  const startedAt = new Date().toISOString();
  const turn = (t: number): number[] => {
    const order = sides.map((_, k) => (k + t) % n);
    return t % 2 === 1 ? order.reverse() : order;
  };
  /** Operation numbers of batch t: c of them from t·c (warm-up: negative, from -1). */
  const batch = (t: number, total: number, sign: 1 | -1): number[] =>
    Array.from({ length: Math.min(c, total - t * c) }, (_, j) =>
      sign === 1 ? t * c + j : -(t * c + j + 1),
    );
  for (let t = 0; t * c < warmup; t++) {
    for (const k of turn(t + 1)) {
      const side = sides[k] as LoopSide;
      const ids = batch(t, warmup, -1);
      for (const i of ids) await side.prepare?.(i);
      await Promise.all(ids.map((i) => side.operation(i)));
    }
  }
  const histograms = sides.map(() => newLatencyHistogram());
  const busy = sides.map(() => 0);
  let failure: [number, string] | undefined;
  for (let t = 0; t * c < options.operations && !failure; t++) {
    for (const k of turn(t)) {
      const side = sides[k] as LoopSide;
      const ids = batch(t, options.operations, 1);
      for (const i of ids) await side.prepare?.(i);
      const began = performance.now();
      const outcomes = await Promise.allSettled(
        ids.map(async (i) => {
          const start = performance.now();
          await side.operation(i);
          return performance.now() - start;
        }),
      );
      busy[k] = (busy[k] ?? 0) + (performance.now() - began);
      const failed = outcomes.findIndex((o) => o.status === 'rejected');
      if (failed >= 0) {
        const reason = (outcomes[failed] as PromiseRejectedResult).reason;
        failure = [
          k,
          `operation ${ids[failed]} failed: ${reason instanceof Error ? reason.message : String(reason)}`,
        ];
        break;
      }
      for (const o of outcomes as PromiseFulfilledResult<number>[]) {
        (histograms[k] as LatencyHistogram).recordValue(Math.max(1, Math.round(o.value * 1000)));
      }
    }
  }
  const results = sides.map(
    (side, k): Result =>
      loopResult({
        scenario: options.scenario,
        target: side.target,
        variant: side.variant,
        concurrency: c,
        operations: options.operations,
        histogram: histograms[k] as LatencyHistogram,
        seconds: (busy[k] ?? 0) / 1000,
        startedAt,
        failure: failure?.[0] === k ? failure[1] : undefined,
        meta: {
          operations: options.operations,
          warmupOperations: warmup,
          interleaved: `${c === 1 ? 'operation by operation' : `in batches of ${c} in flight`} with ${n - 1} other variant${n > 2 ? 's' : ''}`,
          ...options.meta,
        },
      }),
  );
  for (const h of histograms) h.destroy();
  return results;
}

/** Two sides of runInterleavedLoops: A and B alternate A B, B A, A B, … */
export async function runPairedLoop(options: {
  scenario: string;
  a: LoopSide;
  b: LoopSide;
  operations: number;
  warmupOperations?: number;
  concurrency?: number;
  meta?: Result['meta'];
}): Promise<{ a: Result; b: Result }> {
  const [a, b] = await runInterleavedLoops({ ...options, sides: [options.a, options.b] });
  return { a: a as Result, b: b as Result };
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
  const result = loopResult({
    scenario: options.scenario,
    target: options.target,
    variant: options.variant,
    concurrency,
    operations: options.operations,
    histogram,
    seconds: (performance.now() - began) / 1000,
    startedAt,
    failure,
    meta: { operations: options.operations, warmupOperations: warmup, ...options.meta },
  });
  histogram.destroy();
  return result;
}
