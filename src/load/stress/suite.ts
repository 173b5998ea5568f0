import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Lab } from '../../infra/lab.ts';
import { startUpstream, type Upstream } from '../../infra/upstream.ts';
import { useLab } from '../../infra/vitest.ts';
import { getTarget, type TargetDefinition } from '../../launcher/registry.ts';
import { type OpenTargetSession, openTargetSession } from '../../launcher/runner.ts';
import { noteInfra, recordStress } from '../../report/collector.ts';
import { getScenario, isQuick } from '../../scenarios/index.ts';
import type { ScenarioContext, ScenarioDefinition } from '../../scenarios/types.ts';
import { trivialDefinition } from '../calibration.ts';
import { runMeta, scenarioContext, targetEnv } from '../http-scenario.ts';
import { targetsFromEnv } from '../http-suite.ts';
import { createInProcessDriver } from '../inprocess/engine.ts';
import { k6SkipReason } from '../k6/binary.ts';
import { sweepSkipReason } from '../opt-in.ts';
import { budgetSeconds, sliceSettings } from '../ranking-run.ts';
import { testAlpha } from '../test-alpha.ts';
import { runColdWarm } from './cold-warm.ts';
import { coldWarmSettings, levelList, soakSettings, spikeProfile } from './knobs.ts';
import { requestSequence } from './series.ts';
import { runSoak } from './soak.ts';
import { runSpike } from './spike.ts';
import { runSweep } from './sweep.ts';
import type { SweepAxis } from './types.ts';

/**
 * The bodies of the bench files under bench/stress/: scenarios 20–22 on the default targets
 * (LAB_TARGETS to change), and the variant sweeps on one target (LAB_SWEEP_TARGET, default
 * fastify). Each test records its run for the report; a run that failed or answered with errors
 * fails its test. Knobs: src/load/stress/knobs.ts and docs/measurement.md.
 */

/** Bytes the planted-leak server keeps per request (in 4-KiB buffers). */
export const PLANTED_LEAK_BYTES = 64;
/** Its longest warm-up, seconds (JIT only). */
const PLANTED_WARMUP = 10;
/**
 * Its window in quick runs (unless LAB_SOAK_SECONDS): its slope was 7× the threshold in 30-s
 * windows (0.726–0.847 MiB per 10,000 requests, intervals within ±0.11), so half the window still
 * decides it, and the quick run keeps its 10-minute goal.
 */
const PLANTED_QUICK_SECONDS = 15;

interface StressFile {
  lab: Lab;
  suite: string;
  scenario: ScenarioDefinition;
  /** Started in beforeAll. */
  upstream: () => Upstream;
  context: () => ScenarioContext;
}

function stressFile(suite: string, scenarioId: string): StressFile {
  const scenario = getScenario(scenarioId);
  const lab = useLab({ fixtures: [...new Set(['users', ...scenario.fixtures])] });
  let upstream: Upstream | undefined;
  let context: ScenarioContext | undefined;
  beforeAll(async () => {
    noteInfra(lab, { suite });
    upstream = await startUpstream();
    context = await scenarioContext(lab);
  });
  afterAll(async () => {
    await upstream?.stop();
  });
  return {
    lab,
    suite,
    scenario,
    upstream: () => upstream as Upstream,
    context: () => context as ScenarioContext,
  };
}

/** Opens a session (this process generates the load), resets the database, warms it up. */
async function openWarm(
  file: StressFile,
  target: string | TargetDefinition,
  options: {
    verify?: boolean;
    extraEnv?: Record<string, string>;
    warmVus: number;
    /** Default the slices' warm-up (3 s quick, 5 s full). */
    warmSeconds?: number;
  },
): Promise<OpenTargetSession> {
  const session = await openTargetSession(target, targetEnv(file.lab, file.upstream()), {
    generator: 'inprocess',
    ...(options.verify === false ? { verify: false } : {}),
    ...(options.extraEnv ? { extraEnv: options.extraEnv } : {}),
  });
  try {
    await file.lab.reset();
    const driver = createInProcessDriver({
      baseUrl: session.url,
      settings: { model: 'closed', concurrency: options.warmVus, durationSeconds: 0 },
      request: requestSequence(file.scenario, file.context()),
    });
    try {
      await driver.phase(options.warmSeconds ?? sliceSettings().warmup, false);
    } finally {
      driver.close();
    }
    if (file.scenario.mutates) await file.lab.reset();
    return session;
  } catch (error) {
    await session.close();
    throw error;
  }
}

const TEST_SLACK_MS = 180_000;

/**
 * The targets of 20–22: `LAB_TARGETS`, else the default targets — in quick mode only the first of
 * them. A quick run shows each stress scenario working (and the planted leak found) on one
 * framework; each more target costs a soak's warm-up of 1–2 min, which made bench/stress ~15 min
 * of the quick run.
 */
export function stressTargets(env: NodeJS.ProcessEnv = process.env): string[] {
  const targets = targetsFromEnv(env);
  return env.LAB_TARGETS || !isQuick(env) ? targets : targets.slice(0, 1);
}
/** Seconds of load at the base before a spike (quick / full). */
const SPIKE_WARMUP = { quick: 3, full: 5 };

/** 20 spike on every selected target; `LAB_ENGINE=k6` for k6's ramping-vus. */
export async function defineSpikeSuite(): Promise<void> {
  const file = stressFile('bench/stress/20-spike', process.env.LAB_STRESS_SCENARIO ?? '03-db-read');
  const profile = spikeProfile();
  const seconds = profile.before + profile.rampUp + profile.hold + profile.rampDown + profile.after;
  const engine = process.env.LAB_ENGINE === 'k6' ? 'k6' : 'inprocess';
  const skip = engine === 'k6' ? await k6SkipReason() : undefined;
  for (const target of stressTargets()) {
    const title = `20 spike ${profile.base} → ${profile.peak} → ${profile.base} users: ${target} (${file.scenario.id}, ${engine})`;
    if (skip) {
      test.skip(`${title} — skipped: ${skip}`, () => {});
      continue;
    }
    test(
      title,
      async () => {
        // The pre-spike phase is the baseline: JIT and pools must be warm before it starts.
        const session = await openWarm(file, target, {
          warmVus: profile.base,
          warmSeconds: SPIKE_WARMUP[isQuick() ? 'quick' : 'full'],
        });
        try {
          const run = await runSpike({
            session,
            scenario: file.scenario,
            context: file.context(),
            profile,
            engine,
            meta: runMeta(file.lab, file.upstream()),
          });
          recordStress(run, { suite: file.suite });
          console.log(
            `[20-spike ${target}] ${run.phases.map((p) => `${p.phase} ${Math.round(p.throughput)}/s p99 ${p.p99.toFixed(1)} ms`).join(' | ')}; recovered ${run.recoverySeconds ?? 'never'} s`,
          );
          expect(run.failure).toBeUndefined();
          expect(run.phases.map((p) => p.errors)).toEqual([0, 0, 0]);
          expect(run.phases.every((p) => p.requests > 0)).toBe(true);
        } finally {
          await session.close();
        }
      },
      seconds * 1000 + TEST_SLACK_MS,
    );
  }
}

/**
 * The targets soaked by 21: those `LAB_TARGETS` names, in any mode; by default none (the planted
 * pair only). A real target's RSS grows for its first 170,000–300,000 requests, so a soak spends
 * 1–2 min warming it, and a 30-s window still ended inconclusive in 3 of 5 quick runs (express,
 * 2026-12-04): a soak that tells anything about a real target runs for many minutes
 * (`LAB_SOAK_SECONDS`), which no run's time goal holds for every target.
 */
export function soakTargets(env: NodeJS.ProcessEnv = process.env): string[] {
  return env.LAB_TARGETS ? targetsFromEnv(env) : [];
}

/**
 * 21 soak: the detector on a planted pair — the trivial server keeping PLANTED_LEAK_BYTES per
 * request must be called a leak, the same server without the plant must be called no leak (both
 * decided: an inconclusive answer fails) — then every soaked target, which must not be called a
 * leak (a target's soak is a measurement: inconclusive is reported, not asserted away).
 */
export function defineSoakSuite(): void {
  const file = stressFile(
    'bench/stress/21-soak',
    process.env.LAB_SOAK_SCENARIO ?? '08-concurrent-mixed',
  );
  const health = getScenario('01-lightweight');
  const probe = soakSettings(0.05);
  const timeout = (probe.maxWarmupSeconds + probe.durationSeconds) * 1000 + TEST_SLACK_MS;
  /** A registered target, or the trivial server keeping `retainBytes` per request (0: none). */
  const soak = async (target: string | { trivial: string; retainBytes: number }) => {
    const trivial = typeof target !== 'string';
    const name = typeof target === 'string' ? target : target.trivial;
    const runtime = typeof target === 'string' ? getTarget(target).runtime : 'node';
    const session = await openWarm(
      trivial ? { ...file, scenario: health } : file,
      typeof target === 'string'
        ? target
        : trivialDefinition(target.trivial, 0, target.retainBytes),
      {
        verify: !trivial,
        // The Node targets' V8 heap, from /metrics; other runtimes: RSS only.
        ...(runtime === 'node' && !trivial ? { extraEnv: { LAB_METRICS: '1' } } : {}),
        warmVus: probe.vus,
      },
    );
    try {
      const run = await runSoak({
        session,
        scenario: trivial ? health : file.scenario,
        context: file.context(),
        // The planted server's RSS grows from the start, never settling: its warm-up is the JIT's
        // only. The unplanted one warms up as a target does (it is cleared only once settled).
        settings: {
          ...soakSettings(testAlpha()),
          ...(trivial && target.retainBytes > 0
            ? {
                maxWarmupSeconds: PLANTED_WARMUP,
                ...(isQuick() && process.env.LAB_SOAK_SECONDS === undefined
                  ? { durationSeconds: PLANTED_QUICK_SECONDS }
                  : {}),
              }
            : {}),
        },
        heap: runtime === 'node' && !trivial,
        meta: {
          ...runMeta(file.lab, file.upstream()),
          ...(typeof target === 'string' ? {} : { 'planted.bytesPerRequest': target.retainBytes }),
        },
      });
      recordStress(run, { suite: file.suite });
      console.log(
        `[21-soak ${name}] ${run.verdict}: ${run.trends
          .map(
            (t) =>
              `${t.series} ${t.per10kRequests.slope.toFixed(3)} [${t.per10kRequests.lower.toFixed(3)}, ${t.per10kRequests.upper.toFixed(3)}] MiB/10k req`,
          )
          .join('; ')}`,
      );
      expect(run.failure).toBeUndefined();
      expect(run.errors).toBe(0);
      return run;
    } finally {
      await session.close();
    }
  };
  test(
    `21 soak: a planted leak of ${PLANTED_LEAK_BYTES} bytes per request is called a leak`,
    async () => {
      const run = await soak({ trivial: 'planted-leak', retainBytes: PLANTED_LEAK_BYTES });
      expect(run.verdict).toBe('leak');
    },
    timeout,
  );
  test(
    '21 soak: the same server without the plant is called no leak',
    async () => {
      const run = await soak({ trivial: 'unplanted', retainBytes: 0 });
      expect(run.verdict).toBe('no-leak');
    },
    timeout,
  );
  for (const target of soakTargets()) {
    test(
      `21 soak: ${target} is not called a leak (${file.scenario.id})`,
      async () => {
        const run = await soak(target);
        expect(run.verdict).not.toBe('leak');
      },
      timeout,
    );
  }
}

/** 22 cold vs warm on every selected target. */
export function defineColdWarmSuite(): void {
  const file = stressFile(
    'bench/stress/22-cold-warm',
    // One kind of request (a cheap SELECT), so the first requests and the steady state compare
    // like with like; LAB_STRESS_SCENARIO=08-concurrent-mixed for the original's mixed workload.
    process.env.LAB_STRESS_SCENARIO ?? '03-db-read',
  );
  const probe = coldWarmSettings(0.05);
  for (const target of stressTargets()) {
    test(
      `22 cold vs warm: ${target} (${file.scenario.id}, ${probe.repetitions} repetitions per condition)`,
      async () => {
        const session = await openWarm(file, target, { warmVus: probe.vus });
        try {
          const run = await runColdWarm({
            session,
            lab: file.lab,
            scenario: file.scenario,
            context: file.context(),
            settings: coldWarmSettings(testAlpha()),
            meta: runMeta(file.lab, file.upstream()),
            log: (line) => console.log(line),
          });
          recordStress(run, { suite: file.suite });
          expect(run.warnings).toEqual([]);
          for (const condition of run.conditions) {
            expect(condition.errors, condition.condition).toBe(0);
            expect(condition.cold.length, condition.condition).toBe(probe.repetitions);
          }
        } finally {
          await session.close();
        }
      },
      probe.repetitions * 3 * (probe.measureSeconds + probe.warmSeconds + 5) * 1000 + TEST_SLACK_MS,
    );
  }
}

const SWEEP_DEFAULTS: Record<SweepAxis, { quick: number[]; full: number[] }> = {
  vus: { quick: [1, 4, 16, 64], full: [1, 2, 4, 8, 16, 32, 64] },
  pool: { quick: [5, 20], full: [5, 10, 20, 50] },
  workers: { quick: [1, 2], full: [1, 2] },
};

/** One sweep (LAB_SWEEP_VUS / _POOL / _WORKERS to change its levels) on LAB_SWEEP_TARGET. */
export function defineSweepSuite(axis: SweepAxis): void {
  const env = process.env;
  const scenarioId = getScenario(env.LAB_SWEEP_SCENARIO ?? '03-db-read').id;
  const target = env.LAB_SWEEP_TARGET ?? 'fastify';
  const variable = `LAB_SWEEP_${axis.toUpperCase()}`;
  const raw = env[variable];
  const values = raw
    ? levelList(raw, variable)
    : SWEEP_DEFAULTS[axis][isQuick(env) ? 'quick' : 'full'];
  // Seconds of blocks per level: 3–5 blocks (about 8 s), in a full run too — its seven levels of
  // users fit the run's time goal so (docs/measurement.md, "What a run costs").
  const budget = budgetSeconds(env, { quick: 8 * values.length, full: 8 * values.length });
  const cpuMode = env.LAB_SWEEP_CPUS === 'scaled' ? 'scaled' : 'fixed';
  const title = `sweep of ${axis} ${values.join(', ')}: ${target} (${scenarioId}${axis === 'workers' ? `, ${cpuMode} CPUs` : ''})`;
  const skip = sweepSkipReason(env);
  if (skip) {
    // Before stressFile: a skipped sweep starts no servers.
    test.skip(`${title} — skipped: ${skip}`, () => {});
    return;
  }
  const file = stressFile(`bench/stress/sweep-${axis}`, scenarioId);
  test(
    title,
    async () => {
      const slices = sliceSettings();
      const run = await runSweep({
        target,
        axis,
        values,
        fixed: { vus: 10, pool: 10, workers: 1 },
        cpuMode,
        scenario: file.scenario,
        lab: file.lab,
        budgetSeconds: budget,
        sliceSeconds: slices.slice,
        rewarmSeconds: slices.rewarm,
        warmupSeconds: Math.min(2, slices.warmup),
        alpha: testAlpha(),
        log: (line) => console.log(line),
      });
      recordStress(run, { suite: file.suite });
      expect(run.failure).toBeUndefined();
      expect(run.points.map((p) => p.errors)).toEqual(values.map(() => 0));
      if (axis === 'vus') expect(run.usl, run.warnings.join('\n')).toBeDefined();
    },
    budget * 1500 + values.length * 30_000 + TEST_SLACK_MS,
  );
}
