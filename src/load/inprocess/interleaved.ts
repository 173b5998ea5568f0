import { groupCpuSeconds, processGroupMembers } from '../proc-sampler.ts';
import { type InProcessDriver, mergeTallies, type PhaseTally } from './engine.ts';

/**
 * One block of finely interleaved load on several targets: for `cycles` cycles, every target in
 * turn gets `subSliceSeconds` of load (after `rewarmSeconds` unmeasured), the order rotated each
 * cycle and reversed every other one. Each target keeps its connection pool open (driver), so a
 * switch costs nothing but the re-warm.
 *
 * Why: on this machine the speed of the target core drifts by 2–3× over seconds (host noise,
 * lag-1 autocorrelation of 1-s slices ≈ 0.7; docs/measurement.md). Slices of a second, one target
 * after another, give per-block log-ratios with a 20% spread; alternating every 100 ms puts every
 * target through the same slow and fast phases, so their ratio is what remains.
 *
 * The target's CPU time is read from schedstat around each of its sub-slices, so the block also
 * gives its CPU time per request and CPU use while loaded.
 */
export interface InterleavedSide {
  name: string;
  driver: InProcessDriver;
  /** Process group of the target (its pid), for CPU time; undefined for an external target. */
  pid: number | undefined;
}

export interface InterleavedOptions {
  sides: readonly InterleavedSide[];
  cycles: number;
  subSliceSeconds: number;
  rewarmSeconds: number;
  /** Rotation offset (e.g. the block number), so that blocks do not always start alike. */
  offset?: number;
  /** Stops early (a target died): the block's tallies are partial. */
  signal?: AbortSignal;
}

/**
 * A turn that takes this many times its length (at least 2 s) ends the block: the target stalls
 * (a hung dependency, answers taking seconds), and finishing the block would take minutes.
 */
const STALL_FACTOR = 20;
const STALL_FLOOR_MS = 2000;

export interface InterleavedBlock {
  sides: Map<string, InterleavedSideResult>;
  /** Set when the block ended early because a turn stalled. */
  stalled?: string;
}

export interface InterleavedSideResult {
  tally: PhaseTally;
  /** CPU seconds the target's process group used during its measured sub-slices. */
  targetCpuSeconds: number;
  /** Per measured sub-slice: start (ms since the block began), CPU % of the target, RSS unknown. */
  samples: Array<{ tMs: number; cpuPercent: number }>;
}

export async function runInterleavedBlock(options: InterleavedOptions): Promise<InterleavedBlock> {
  const { sides, cycles } = options;
  const tallies = new Map<string, PhaseTally[]>(sides.map((s) => [s.name, []]));
  const cpu = new Map<string, number>(sides.map((s) => [s.name, 0]));
  const samples = new Map<string, InterleavedSideResult['samples']>(sides.map((s) => [s.name, []]));
  // Group members once per block: a /proc scan takes milliseconds.
  const members = new Map(
    sides.map((s) => [s.name, s.pid === undefined ? [] : processGroupMembers(s.pid)]),
  );
  // An external target (no pid): no CPU time to read.
  const cpuSeconds = (side: InterleavedSide): number | undefined =>
    side.pid === undefined ? 0 : groupCpuSeconds(side.pid, members.get(side.name));
  const began = performance.now();
  const stallMs = Math.max(STALL_FLOOR_MS, STALL_FACTOR * options.subSliceSeconds * 1000);
  let stalled: string | undefined;
  for (let c = 0; c < cycles && !options.signal?.aborted && !stalled; c++) {
    const shift = ((options.offset ?? 0) + c) % sides.length;
    const order = sides.map((_, i) => sides[(i + shift) % sides.length] as InterleavedSide);
    if (c % 2 === 1) order.reverse();
    for (const side of order) {
      if (options.signal?.aborted || stalled) break;
      if (options.rewarmSeconds > 0) await side.driver.phase(options.rewarmSeconds, false);
      const at = performance.now();
      const before = cpuSeconds(side) ?? 0;
      const tally = await side.driver.phase(options.subSliceSeconds, true);
      const took = performance.now() - at;
      if (took > stallMs) {
        stalled = `${side.name}'s ${options.subSliceSeconds * 1000}-ms turn took ${(took / 1000).toFixed(1)} s: block stopped early`;
      }
      const used = (cpuSeconds(side) ?? before) - before;
      tallies.get(side.name)?.push(tally);
      cpu.set(side.name, (cpu.get(side.name) ?? 0) + used);
      samples.get(side.name)?.push({
        tMs: Math.round(at - began),
        cpuPercent:
          tally.elapsedSeconds > 0 ? Math.round((used / tally.elapsedSeconds) * 1000) / 10 : 0,
      });
    }
  }
  return {
    sides: new Map(
      sides.map((side) => [
        side.name,
        {
          tally: mergeTallies(tallies.get(side.name) ?? []),
          targetCpuSeconds: cpu.get(side.name) ?? 0,
          samples: samples.get(side.name) ?? [],
        },
      ]),
    ),
    ...(stalled ? { stalled } : {}),
  };
}
