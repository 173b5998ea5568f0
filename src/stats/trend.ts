import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { linearRegression } from 'simple-statistics';

/**
 * The slope of a time series with an interval that survives autocorrelation: is memory growing?
 *
 * Memory samples taken every 250 ms are anything but independent — a garbage-collected heap
 * climbs for seconds and drops at once (saw-teeth), allocation bursts last several samples — so
 * the textbook OLS interval of the slope, which assumes independent residuals, is far too narrow
 * and would call every saw-tooth a leak. The method of batch means fixes that: the series is
 * cut into k consecutive batches of equal sample count, each batch is reduced to its mean time
 * and mean value, and the slope is the OLS slope of those k points with a Student t interval on
 * k − 2 degrees of freedom. Batches much longer than the series' correlation time (GC cycles of
 * a second or two; a batch of a several-minute soak lasts tens of seconds) have nearly
 * independent means, and the t interval with few degrees of freedom is honest about how few
 * independent pieces of evidence there are. A correlation longer than a batch inflates the
 * residuals of the batch means, which widens the interval rather than faking a trend.
 *
 * Hand-written on simple-statistics' regression and stdlib's t quantile: no maintained JS
 * library offers autocorrelation-robust (HAC or batch-means) intervals of a regression slope.
 *
 * The leak verdict (`classifyTrend`) is an equivalence decision like the speed verdicts:
 *   growing   the whole interval is above +threshold           (a leak)
 *   flat      the whole interval is within ±threshold          (no leak)
 *   inconclusive  anything else (too short, too noisy, or a slope near the threshold)
 */
export interface SlopeOptions {
  /** Batches (k ≥ 4); default 10. Fewer samples than 2 per batch use one batch per 2 samples. */
  batches?: number;
  /** Two-sided confidence of the interval; default 0.95. */
  confidence?: number;
}

export interface SlopeInterval {
  /** Units of y per unit of x (e.g. MiB per minute). */
  slope: number;
  lower: number;
  upper: number;
  confidence: number;
  /** Batches the regression used and samples behind them. */
  batches: number;
  samples: number;
  /** x range covered (first to last sample). */
  span: number;
  /** Intercept of the batch-means regression (for drawing the fitted line). */
  intercept: number;
}

export const DEFAULT_BATCHES = 10;
/** Fewest batches: t on 2 degrees of freedom is already very wide. */
export const MIN_BATCHES = 4;

/** Slope of y on x by batch means (see above). Throws when there are too few samples. */
export function slopeInterval(
  x: readonly number[],
  y: readonly number[],
  options: SlopeOptions = {},
): SlopeInterval {
  if (x.length !== y.length) throw new Error(`x has ${x.length} values, y ${y.length}`);
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new Error(`confidence ${confidence} not in (0,1)`);
  const n = x.length;
  const k = Math.min(options.batches ?? DEFAULT_BATCHES, Math.floor(n / 2));
  if (k < MIN_BATCHES) {
    throw new Error(
      `a trend needs at least ${2 * MIN_BATCHES} samples (${MIN_BATCHES} batches of 2), got ${n}`,
    );
  }
  const order = x.map((_, i) => i).sort((a, b) => (x[a] as number) - (x[b] as number));
  const points: Array<[number, number]> = [];
  for (let b = 0; b < k; b++) {
    const from = Math.floor((b * n) / k);
    const to = Math.floor(((b + 1) * n) / k);
    let sx = 0;
    let sy = 0;
    for (let i = from; i < to; i++) {
      const j = order[i] as number;
      sx += x[j] as number;
      sy += y[j] as number;
    }
    points.push([sx / (to - from), sy / (to - from)]);
  }
  const { m, b } = linearRegression(points);
  const meanX = points.reduce((s, [px]) => s + px, 0) / k;
  let sxx = 0;
  let rss = 0;
  for (const [px, py] of points) {
    sxx += (px - meanX) ** 2;
    rss += (py - (m * px + b)) ** 2;
  }
  if (!(sxx > 0)) throw new Error('a trend needs samples at more than one x');
  const se = Math.sqrt(rss / (k - 2) / sxx);
  const half = tQuantile(1 - (1 - confidence) / 2, k - 2) * se;
  const first = x[order[0] as number] as number;
  const last = x[order[n - 1] as number] as number;
  return {
    slope: m,
    lower: m - half,
    upper: m + half,
    confidence,
    batches: k,
    samples: n,
    span: last - first,
    intercept: b,
  };
}

export type TrendVerdict = 'growing' | 'flat' | 'inconclusive';

/** Equivalence-style decision against a threshold > 0 (same units as the slope). */
export function classifyTrend(
  interval: Pick<SlopeInterval, 'lower' | 'upper'>,
  threshold: number,
): TrendVerdict {
  if (!(threshold > 0)) throw new Error(`threshold must be > 0, got ${threshold}`);
  if (interval.lower > threshold) return 'growing';
  if (interval.lower >= -threshold && interval.upper <= threshold) return 'flat';
  return 'inconclusive';
}
