import type { Result } from '../load/result.ts';

/** Named metrics of a `Result`; `median` is the p50 latency. */
export type MetricName = 'median' | 'mean' | 'p90' | 'p95' | 'p99' | 'throughput';

/** A custom metric: a name for messages, its direction, and how to read it from a `Result`. */
export interface CustomMetric {
  name: string;
  higherIsBetter: boolean;
  /** Needed only when the runners return `Result`s (not plain numbers). */
  of?: (result: Result) => number;
}

export type Metric = MetricName | CustomMetric;

export function metricName(metric: Metric): string {
  return typeof metric === 'string' ? metric : metric.name;
}

/** Throughput-like metrics are better when higher; latencies when lower. */
export function higherIsBetter(metric: Metric): boolean {
  return typeof metric === 'string' ? metric === 'throughput' : metric.higherIsBetter;
}

export function metricValue(result: Result, metric: Metric): number {
  if (typeof metric !== 'string') {
    if (!metric.of) throw new Error(`metric ${metric.name} has no 'of' to read it from a Result`);
    return metric.of(result);
  }
  switch (metric) {
    case 'throughput':
      return result.throughput;
    case 'median':
      return result.latency.p50;
    default:
      return result.latency[metric];
  }
}
