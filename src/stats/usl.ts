import { levenbergMarquardt } from 'ml-levenberg-marquardt';

/**
 * Gunther's Universal Scalability Law fitted to a concurrency sweep: throughput at concurrency N
 *
 *   X(N) = λN / (1 + σ(N − 1) + κN(N − 1))
 *
 * λ: throughput of one client without contention; σ: contention (the serial share, Amdahl);
 * κ: coherency (crosstalk that makes throughput fall again). With κ > 0 throughput peaks at
 * N* = √((1 − σ)/κ), the knee the sweep reports. Fitted by Levenberg–Marquardt (mljs) with σ, κ
 * in [0, 1], on throughput scaled to its maximum (so the three parameters have similar sizes),
 * from a few starting points, keeping the smallest residual.
 */
export interface UslPoint {
  n: number;
  throughput: number;
}

export interface UslFit {
  lambda: number;
  sigma: number;
  kappa: number;
  /** Concurrency of peak throughput; Infinity when κ ≈ 0 (no peak). */
  peakN: number;
  /** Modelled throughput at the peak (at the largest N measured when there is none). */
  peakThroughput: number;
  /** Coefficient of determination of the fit on the points. */
  r2: number;
  points: number;
  /** Why the fit should be read with care (few points, poor fit, extrapolated peak). */
  notes: string[];
}

export const USL_MIN_POINTS = 3;
const KAPPA_ZERO = 1e-9;

export function uslThroughput(fit: Pick<UslFit, 'lambda' | 'sigma' | 'kappa'>, n: number): number {
  return (fit.lambda * n) / (1 + fit.sigma * (n - 1) + fit.kappa * n * (n - 1));
}

export function fitUsl(points: readonly UslPoint[]): UslFit {
  const usable = points.filter((p) => p.n > 0 && p.throughput > 0 && Number.isFinite(p.throughput));
  if (usable.length < USL_MIN_POINTS) {
    throw new Error(`a USL fit needs ${USL_MIN_POINTS} points, got ${usable.length}`);
  }
  const scale = Math.max(...usable.map((p) => p.throughput));
  const x = usable.map((p) => p.n);
  const y = usable.map((p) => p.throughput / scale);
  const model =
    ([lambda, sigma, kappa]: number[]) =>
    (n: number): number =>
      ((lambda as number) * n) /
      (1 + (sigma as number) * (n - 1) + (kappa as number) * n * (n - 1));
  const jacobian =
    ([lambda, sigma, kappa]: number[]) =>
    (n: number): number[] => {
      const d = 1 + (sigma as number) * (n - 1) + (kappa as number) * n * (n - 1);
      const f = ((lambda as number) * n) / (d * d);
      return [n / d, -f * (n - 1), -f * n * (n - 1)];
    };
  const smallest = usable.reduce((a, p) => (p.n < a.n ? p : a));
  const lambda0 = smallest.throughput / scale / smallest.n;
  let best: number[] | undefined;
  let bestRss = Number.POSITIVE_INFINITY;
  for (const [sigma0, kappa0] of [
    [0.05, 0.0001],
    [0.3, 0.001],
    [0.01, 0.01],
    [0.8, 0],
  ] as const) {
    const { parameterValues } = levenbergMarquardt({ x, y }, model, {
      initialValues: [lambda0, sigma0, kappa0],
      minValues: [0, 0, 0],
      maxValues: [Number.MAX_VALUE, 1, 1],
      jacobianFunction: jacobian,
      maxIterations: 500,
      errorTolerance: 1e-12,
    });
    const f = model(parameterValues);
    const rss = x.reduce((s, n, i) => s + ((y[i] as number) - f(n)) ** 2, 0);
    if (rss < bestRss) {
      bestRss = rss;
      best = parameterValues;
    }
  }
  const [lambdaScaled, sigma, kappa] = best as [number, number, number];
  const lambda = lambdaScaled * scale;
  const meanY = y.reduce((s, v) => s + v, 0) / y.length;
  const tss = y.reduce((s, v) => s + (v - meanY) ** 2, 0);
  const r2 = tss > 0 ? 1 - bestRss / tss : 1;
  const maxN = Math.max(...x);
  const peakN = kappa > KAPPA_ZERO ? Math.sqrt((1 - sigma) / kappa) : Number.POSITIVE_INFINITY;
  const fit = { lambda, sigma, kappa };
  const notes: string[] = [];
  if (usable.length < 5) {
    notes.push(`only ${usable.length} points: σ and κ are weakly determined`);
  }
  if (r2 < 0.9) notes.push(`poor fit (R² ${r2.toFixed(2)}): the USL does not describe this curve`);
  if (!Number.isFinite(peakN)) {
    notes.push('κ ≈ 0: no retrograde throughput in the range, so no peak (a plateau at most)');
  } else if (peakN > 2 * maxN) {
    notes.push(`the peak (N ≈ ${peakN.toFixed(0)}) is extrapolated far beyond N = ${maxN}`);
  }
  return {
    ...fit,
    peakN,
    peakThroughput: uslThroughput(fit, Number.isFinite(peakN) ? peakN : maxN),
    r2,
    points: usable.length,
    notes,
  };
}
