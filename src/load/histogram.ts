import hdr from 'hdr-histogram-js';
import type { LatencySummary } from './result.ts';

/**
 * Latency histograms in microseconds (HDR: constant memory, 3 significant digits), summarised in
 * milliseconds for the Result model.
 */
export function newLatencyHistogram() {
  // 1 µs to 60 s: enough range for a timed-out request.
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

export type LatencyHistogram = ReturnType<typeof newLatencyHistogram>;

export function summarizeMicros(histogram: LatencyHistogram): LatencySummary {
  const at = (percentile: number) => histogram.getValueAtPercentile(percentile) / 1000;
  const count = histogram.totalCount;
  return {
    count,
    min: count ? histogram.minNonZeroValue / 1000 : 0,
    mean: histogram.mean / 1000,
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: histogram.maxValue / 1000,
  };
}
