import type { Result } from '../load/result.ts';

/**
 * Plausibility checks on one HTTP result. Each failed check is a warning for the report, not an
 * error: the numbers may still be usable, but a reader must know they are suspect.
 *
 * - load generator CPU ≥ 90%: the generator, not the target, may be the bottleneck;
 * - Little's law (closed model): in-flight requests L = throughput × mean latency must match
 *   the configured concurrency; a gap means time spent outside the measured latency (generator
 *   queueing, think time, connection set-up) or mis-measured latency;
 * - open model: achieved throughput well below the offered rate means dropped or delayed
 *   arrivals (the generator could not keep the schedule);
 * - errors, failed checks and non-2xx statuses, with their rates.
 */
export interface SanityOptions {
  /** Load generator CPU use over the run, % of one core-set (0–100). Falls back to
   * `result.meta.loadGeneratorCpuPercent` when that is a number. */
  loadGeneratorCpuPercent?: number;
  /** Default 90. */
  cpuLimitPercent?: number;
  /** Allowed relative gap for Little's law and the open-model rate. Default 0.2 (20%). */
  tolerance?: number;
  /** Non-2xx statuses the scenario expects (e.g. `404` for a not-found scenario): no warning. */
  expectedStatuses?: readonly (string | number)[];
}

const pct = (x: number): string => `${Number((x * 100).toPrecision(3))}%`;
const num = (x: number): string => String(Number(x.toPrecision(3)));

export function sanityWarnings(result: Result, options: SanityOptions = {}): string[] {
  const warnings: string[] = [];
  const cpuLimit = options.cpuLimitPercent ?? 90;
  const tolerance = options.tolerance ?? 0.2;
  const metaCpu = result.meta.loadGeneratorCpuPercent;
  const cpu = options.loadGeneratorCpuPercent ?? (typeof metaCpu === 'number' ? metaCpu : null);

  if (cpu !== null && cpu >= cpuLimit) {
    warnings.push(
      `load generator CPU at ${num(cpu)}% (≥ ${cpuLimit}%): it may be the bottleneck, not the target`,
    );
  }

  const { settings, throughput, latency, requests } = result;
  if (requests === 0) {
    warnings.push('no completed requests');
  } else if (settings.model === 'closed' && settings.concurrency && throughput > 0) {
    const inFlight = throughput * (latency.mean / 1000);
    const gap = Math.abs(inFlight - settings.concurrency) / settings.concurrency;
    if (gap > tolerance) {
      warnings.push(
        `Little's law: concurrency ${settings.concurrency} but throughput × mean latency = ` +
          `${num(throughput)}/s × ${num(latency.mean)} ms = ${num(inFlight)} in flight ` +
          `(${pct(gap)} off, > ${pct(tolerance)})`,
      );
    }
  } else if (settings.model === 'open' && settings.ratePerSecond) {
    if (throughput < settings.ratePerSecond * (1 - tolerance)) {
      warnings.push(
        `throughput ${num(throughput)}/s is more than ${pct(tolerance)} below the offered rate ` +
          `${num(settings.ratePerSecond)}/s: arrivals were dropped or delayed`,
      );
    }
  }

  if (requests > 0 && result.errors > 0) {
    warnings.push(`error rate ${pct(result.errors / requests)} (${result.errors} of ${requests})`);
  }
  if (result.failedChecks > 0) warnings.push(`${result.failedChecks} failed checks`);

  const expected = new Set((options.expectedStatuses ?? []).map(String));
  const non2xx = Object.entries(result.statuses).filter(
    ([s, n]) => !s.startsWith('2') && !expected.has(s) && n > 0,
  );
  if (non2xx.length > 0) {
    const count = non2xx.reduce((sum, [, n]) => sum + n, 0);
    const total = Object.values(result.statuses).reduce((sum, n) => sum + n, 0);
    const list = non2xx.map(([s, n]) => `${s}×${n}`).join(', ');
    warnings.push(`non-2xx responses ${pct(count / total)} (${list})`);
  }
  return warnings;
}

/** The result with sanity warnings merged into `warnings` (no duplicates). */
export function withSanityWarnings(result: Result, options: SanityOptions = {}): Result {
  return {
    ...result,
    warnings: [...new Set([...result.warnings, ...sanityWarnings(result, options)])],
  };
}
