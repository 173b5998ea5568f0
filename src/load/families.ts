import { isQuick } from '../scenarios/index.ts';

/**
 * Which rankings a suite makes: `LAB_MODEL=closed` throughput only, `open` median latency only
 * (at `LAB_RATE` requests/s each, default half the slowest target's throughput), unset both —
 * except in quick mode, where unset means throughput only (the latency ranking doubles a suite's
 * time; ask for it with LAB_MODEL=open).
 */
export function familiesFromEnv(env: NodeJS.ProcessEnv = process.env): {
  phases: Array<'throughput' | 'latency'>;
  latencyRate: number | undefined;
} {
  const model = env.LAB_MODEL;
  if (model !== undefined && model !== 'closed' && model !== 'open') {
    throw new Error(`LAB_MODEL must be closed or open, got ${JSON.stringify(model)}`);
  }
  let latencyRate: number | undefined;
  if (env.LAB_RATE !== undefined) {
    latencyRate = Number(env.LAB_RATE);
    if (!(latencyRate > 0)) {
      throw new Error(`LAB_RATE must be > 0 requests/s, got ${JSON.stringify(env.LAB_RATE)}`);
    }
  }
  const phases: Array<'throughput' | 'latency'> =
    model === 'closed' || (model === undefined && isQuick(env))
      ? ['throughput']
      : model === 'open'
        ? ['latency']
        : ['throughput', 'latency'];
  return { phases, latencyRate };
}
