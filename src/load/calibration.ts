import { cpus } from 'node:os';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { probit } from 'simple-statistics';
import type { Lab } from '../infra/lab.ts';
import { startUpstream } from '../infra/upstream.ts';
import { startTarget } from '../launcher/launch.ts';
import { getTarget, type TargetDefinition } from '../launcher/registry.ts';
import { getScenario } from '../scenarios/index.ts';
import { nominalLevel } from '../stats/sequential.ts';
import type { Verdict } from '../stats/verdict.ts';
import { DEFAULT_ALPHA } from './alpha.ts';
import { cpuModel } from './baseline/physical-limit.ts';
import { targetEnv } from './http-scenario.ts';
import { createInProcessDriver } from './inprocess/engine.ts';
import { allowedCpus, pinningPlan, pinProcess } from './pinning.ts';
import { groupCpuSeconds } from './proc-sampler.ts';
import { type FamilyRun, type RankingRun, runRanking } from './ranking-run.ts';
import type { Result } from './result.ts';

/**
 * `lab calibrate`: how well the lab's verdicts work on this machine, measured rather than
 * assumed. Each case is a two-target ranking repeated `repeats` times with the default budget,
 * exactly as a suite would run it (interleaved blocks, fresh processes every block, Pocock
 * intervals, throughput and median-latency families at α/2 each):
 *
 *   aa-trivial   the trivial node:http server against a second copy of itself (A/A);
 *   aa-target    a real target against itself (default fastify);
 *   planted-5    the trivial server against a copy that spins 5% more CPU per request;
 *   planted-10   the same with 10%.
 *
 * Per case and family it counts the verdicts, and derives from the per-block log-ratios the noise
 * (their spread) and the minimum detectable effect: the smallest true ratio that the default
 * budget calls `faster` four times in five.
 */
export type CaseId = 'aa-trivial' | 'aa-target' | 'planted-5' | 'planted-10';
export const CASE_IDS: readonly CaseId[] = ['aa-trivial', 'aa-target', 'planted-5', 'planted-10'];

export interface CaseOutcome {
  id: CaseId;
  description: string;
  phase: FamilyRun['phase'];
  /** The verdict a correct lab gives (A over B): no difference for A/A, A faster for planted. */
  expected: Verdict;
  /** The planted per-request CPU cost of B, as a fraction (0 for A/A), and in nanoseconds. */
  planted: number;
  spinNs: number;
  repeats: number;
  counts: Record<Verdict, number>;
  /** Blocks and seconds each repeat took (decided or not). */
  blocks: number[];
  seconds: number[];
  /** Spread (sd) of the per-block log-ratios, pooled over the repeats. */
  blockSd: number;
  /** Smallest true ratio called faster with 80% power within the median blocks of a repeat. */
  minimumDetectableRatio: number;
  /** Median ratio estimate over the repeats (A over B). */
  medianRatio: number;
  /** Each repeat that did not give the expected verdict, and why (budget, generator-bound…). */
  misses: string[];
}

export interface Calibration {
  kind: 'backend-benchmark-lab/calibration';
  at: string;
  machine: { cpu: string; cores: number };
  budgetSeconds: number;
  repeats: number;
  alpha: number;
  target: string;
  cpuPerRequestUs: number;
  cases: CaseOutcome[];
  seconds: number;
}

export interface CalibrationOptions {
  lab: Lab;
  repeats: number;
  budgetSeconds: number;
  cases: readonly CaseId[];
  /** The real target of `aa-target`. */
  target: string;
  log: (line: string) => void;
  /** Every repeat's ranking run (reports). */
  onRun?: (run: RankingRun) => void;
}

const TRIVIAL_FOLDER = 'src/load/baseline';

/**
 * The trivial server as a target definition (not a registered target: no contract); `spinNs`
 * plants CPU per request, `retainBytes` a memory leak per request (the soak suite's proof).
 */
export function trivialDefinition(name: string, spinNs = 0, retainBytes = 0): TargetDefinition {
  return {
    name,
    description: `node:http answering /health${spinNs ? `, ${spinNs} ns of planted CPU per request` : ''}${retainBytes ? `, ${retainBytes} bytes kept per request (planted leak)` : ''}`,
    folder: TRIVIAL_FOLDER,
    language: 'typescript',
    runtime: 'node',
    framework: 'node:http',
    version: { npm: 'undici' },
    adapter: null,
    server: 'node:http, one process',
    workers: 1,
    build: null,
    start: ['{node}', 'trivial-server.ts'],
    env: { TRIVIAL_SPIN_NS: String(spinNs), TRIVIAL_RETAIN_BYTES: String(retainBytes) },
    dataLayer: 'none',
    dataLayerDescription: 'none',
    supports: ['basic'],
    isDefault: false,
    defaultFramework: false,
  };
}

/** CPU time per request of the trivial server, µs (schedstat over 3 s of load after 2 s). */
export async function trivialCpuPerRequest(lab: Lab): Promise<number> {
  const upstream = await startUpstream();
  const plan = pinningPlan();
  const target = await startTarget(trivialDefinition('trivial-probe'), targetEnv(lab, upstream), {
    ...(plan.targetCpus ? { cpus: plan.targetCpus } : {}),
  });
  const restore = allowedCpus('self');
  if (plan.generatorCpus) pinProcess(process.pid, plan.generatorCpus);
  const driver = createInProcessDriver({
    baseUrl: target.url,
    settings: { model: 'closed', concurrency: 10, durationSeconds: 0 },
    request: () => ({ method: 'GET', path: '/health' }),
  });
  try {
    await driver.phase(2, false);
    const before = groupCpuSeconds(target.pid) ?? 0;
    const tally = await driver.phase(3, true);
    const after = groupCpuSeconds(target.pid) ?? before;
    return ((after - before) / Math.max(1, tally.requests)) * 1e6;
  } finally {
    driver.close();
    if (restore) pinProcess(process.pid, restore);
    await target.stop();
    await upstream.stop();
  }
}

function caseTargets(
  id: CaseId,
  cpuUs: number,
  target: string,
): {
  a: TargetDefinition;
  b: TargetDefinition;
  planted: number;
  spinNs: number;
  description: string;
} {
  switch (id) {
    case 'aa-trivial':
      return {
        a: trivialDefinition('trivial-a'),
        b: trivialDefinition('trivial-b'),
        planted: 0,
        spinNs: 0,
        description: 'A/A: the trivial node:http server against a second copy of itself',
      };
    case 'aa-target': {
      const real = getTarget(target);
      return {
        a: { ...real, name: `${target}-a` },
        b: { ...real, name: `${target}-b` },
        planted: 0,
        spinNs: 0,
        description: `A/A: ${target} against a second copy of itself`,
      };
    }
    default: {
      const planted = id === 'planted-5' ? 0.05 : 0.1;
      const spinNs = Math.round(planted * cpuUs * 1000);
      return {
        a: trivialDefinition('trivial'),
        b: trivialDefinition(`trivial+${Math.round(planted * 100)}%`, spinNs),
        planted,
        spinNs,
        description: `the trivial server against a copy spending ${Math.round(planted * 100)}% more CPU per request (${spinNs} ns)`,
      };
    }
  }
}

/** Per-block log-ratios A over B of one family of a run (oriented: positive = A better). */
export function blockLogRatios(
  run: RankingRun,
  phase: FamilyRun['phase'],
  a: string,
  b: string,
): number[] {
  const byBlock = new Map<number, { a?: Result; b?: Result }>();
  for (const r of run.results) {
    if (r.meta.phase !== phase || r.failure) continue;
    const block = Number(r.meta.block);
    const entry = byBlock.get(block) ?? {};
    if (r.target === a) entry.a = r;
    if (r.target === b) entry.b = r;
    byBlock.set(block, entry);
  }
  const out: number[] = [];
  for (const { a: ra, b: rb } of byBlock.values()) {
    if (!ra || !rb) continue;
    out.push(
      phase === 'throughput'
        ? Math.log(ra.throughput / rb.throughput)
        : Math.log(rb.latency.p50 / ra.latency.p50),
    );
  }
  return out;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export async function runCalibration(options: CalibrationOptions): Promise<Calibration> {
  const started = performance.now();
  const scenario = getScenario('01-lightweight');
  options.log('measuring the trivial server’s CPU time per request…');
  const cpuUs = await trivialCpuPerRequest(options.lab);
  options.log(`trivial server: ${cpuUs.toFixed(2)} µs of CPU per request`);
  const outcomes: CaseOutcome[] = [];
  for (const id of options.cases) {
    const spec = caseTargets(id, cpuUs, options.target);
    const expected: Verdict = spec.planted > 0 ? 'faster' : 'no-difference';
    const perPhase = new Map<
      FamilyRun['phase'],
      { runs: FamilyRun[]; d: number[][]; seconds: number[]; misses: string[] }
    >();
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      options.log(`${id}: repeat ${repeat + 1}/${options.repeats} — ${spec.description}`);
      const run = await runRanking({
        scenario,
        targets: [spec.a, spec.b],
        verify: id === 'aa-target',
        lab: options.lab,
        engine: 'inprocess',
        alpha: DEFAULT_ALPHA,
        budgetSeconds: options.budgetSeconds,
        log: () => {},
      });
      options.onRun?.(run);
      for (const family of run.families) {
        const entry = perPhase.get(family.phase) ?? { runs: [], d: [], seconds: [], misses: [] };
        entry.runs.push(family);
        entry.d.push(blockLogRatios(run, family.phase, spec.a.name, spec.b.name));
        entry.seconds.push(family.seconds);
        perPhase.set(family.phase, entry);
        const pair = family.reported[0];
        const oriented = pair && pair.a === spec.a.name ? pair.verdict : flipVerdict(pair?.verdict);
        const line = `${oriented} ${pair ? `${(pair.a === spec.a.name ? pair.ratio : 1 / pair.ratio).toFixed(3)}×` : ''} after ${family.blocks} blocks (${Math.round(family.seconds)} s)`;
        const why = oriented === expected ? '' : missReason(run, family);
        if (why) entry.misses.push(`repeat ${repeat + 1}: ${line}; ${why}`);
        options.log(`  ${family.phase}: ${line}${why ? `; ${why}` : ''}`);
      }
    }
    for (const [phase, entry] of perPhase) {
      const counts: Record<Verdict, number> = {
        faster: 0,
        slower: 0,
        'no-difference': 0,
        inconclusive: 0,
      };
      const ratios: number[] = [];
      for (const family of entry.runs) {
        const pair = family.reported[0];
        if (!pair) continue;
        const aFirst = pair.a === spec.a.name;
        counts[aFirst ? pair.verdict : flipVerdict(pair.verdict)]++;
        ratios.push(aFirst ? pair.ratio : 1 / pair.ratio);
      }
      // Pooled within-repeat spread of the block log-ratios.
      let ss = 0;
      let df = 0;
      for (const d of entry.d) {
        if (d.length < 2) continue;
        const m = d.reduce((s, x) => s + x, 0) / d.length;
        ss += d.reduce((s, x) => s + (x - m) ** 2, 0);
        df += d.length - 1;
      }
      const blockSd = df > 0 ? Math.sqrt(ss / df) : Number.NaN;
      const blocks = entry.runs.map((f) => f.blocks);
      const maxLooks = Math.max(3, Math.round(median(entry.runs.map((f) => f.plan.maxLooks))));
      const first = entry.runs[0];
      const alpha = first?.alpha ?? DEFAULT_ALPHA / 2;
      const minRatio = first?.minRatio ?? 1.05;
      const nominal = nominalLevel({ minLooks: 3, maxLooks }, alpha);
      const t = tQuantile(1 - nominal / 2, maxLooks - 1);
      outcomes.push({
        id,
        description: spec.description,
        phase,
        expected,
        planted: spec.planted,
        spinNs: spec.spinNs,
        repeats: entry.runs.length,
        counts,
        blocks,
        seconds: entry.seconds.map((s) => Math.round(s)),
        blockSd,
        minimumDetectableRatio:
          minRatio * Math.exp(((t + probit(0.8)) * blockSd) / Math.sqrt(maxLooks)),
        medianRatio: median(ratios),
        misses: entry.misses,
      });
    }
  }
  return {
    kind: 'backend-benchmark-lab/calibration',
    at: new Date().toISOString(),
    machine: { cpu: cpuModel(), cores: cpus().length },
    budgetSeconds: options.budgetSeconds,
    repeats: options.repeats,
    alpha: DEFAULT_ALPHA,
    target: options.target,
    cpuPerRequestUs: cpuUs,
    cases: outcomes,
    seconds: Math.round((performance.now() - started) / 1000),
  };
}

/** Why a repeat's family ended without the expected verdict, from what the run recorded. */
export function missReason(run: RankingRun, family: FamilyRun): string {
  const reasons: string[] = [];
  const note = family.reported[0]?.note;
  if (note) reasons.push(note);
  const stopped = {
    decided: 'stopped: nothing left to decide',
    looks: 'all planned blocks used',
    time: 'budget ran out',
    failed: 'stopped by a failure',
  }[family.stoppedBy];
  reasons.push(stopped);
  for (const [target, bound] of Object.entries(family.generatorBound ?? {})) {
    reasons.push(
      `${target}: ${bound.slices} of ${family.blocks} slices not counted (${bound.why})`,
    );
  }
  const problems = run.problems.filter(
    (p) => p.startsWith(`${family.phase} block `) || p.includes(` ${family.phase} block `),
  );
  if (problems.length > 0) {
    reasons.push(`${problems.length} slice(s) with errors (${problems[0]})`);
  }
  return reasons.join('; ');
}

function flipVerdict(v: Verdict | undefined): Verdict {
  if (v === 'faster') return 'slower';
  if (v === 'slower') return 'faster';
  return v ?? 'inconclusive';
}
