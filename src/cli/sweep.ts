import { resolve } from 'node:path';
import { InfraUnavailableError } from '../infra/errors.ts';
import { type Lab, startLab } from '../infra/lab.ts';
import { disposeSpec, type ProviderSpec, selectProvider } from '../infra/select-provider.ts';
import { suiteAlpha } from '../load/alpha.ts';
import { budgetSeconds, sliceSettings } from '../load/ranking-run.ts';
import { levelList } from '../load/stress/knobs.ts';
import { runSweep, takesWorkers } from '../load/stress/sweep.ts';
import type { SweepAxis, SweepRun } from '../load/stress/types.ts';
import { createCollector } from '../report/collector.ts';
import { beginRun, finalizeMessage, finalizeRun, type RunHandle } from '../report/run-report.ts';
import { SWEEP_HEADER, stepText, sweepRows, uslText } from '../report/stress-text.ts';
import { EXIT, setupError, usageError } from './errors.ts';
import { clock, Progress } from './progress.ts';
import type { RunIo } from './run.ts';
import { requireBuilt, selectScenarios, selectTargets, splitList } from './select.ts';

/**
 * `lab sweep`: the variant experiments (src/load/stress/sweep.ts) from the command line, e.g.
 *
 *   pnpm lab sweep --target fastify --vus 1,2,4,8,16,32,64
 *   pnpm lab sweep --target fastify,express --pool 5,10,20,50 --vus 10
 *   pnpm lab sweep --target fastify --workers 1,2 --cpus scaled
 *
 * Budget: 8 s (quick) or 20 s (full) of measured blocks per level and target, `--budget` to set.
 * One knob takes a list (the swept one); the others may take one value to fix them (defaults:
 * 10 users, pool 10, 1 worker). One lab (own PostgreSQL and Redis, seeded) for the run; each
 * target's sweep is recorded, and the usual run report (JSON, Markdown, HTML with the curves)
 * written. The run's α is shared by the targets' sweeps.
 */
export interface SweepCommandOptions {
  target?: string[];
  vus?: string;
  pool?: string;
  workers?: string;
  scenario?: string;
  budget?: string;
  duration?: string;
  cpus?: string;
  alpha?: string;
  quick?: boolean;
  out?: string;
}

const FIXED_DEFAULTS: Record<SweepAxis, number> = { vus: 10, pool: 10, workers: 1 };

/** The swept axis and its levels, and the fixed value of the others. */
export function sweepPlan(options: Pick<SweepCommandOptions, SweepAxis>): {
  axis: SweepAxis;
  values: number[];
  fixed: Record<SweepAxis, number>;
} {
  const axes: SweepAxis[] = ['vus', 'pool', 'workers'];
  const lists = axes.filter((a) => options[a]?.includes(','));
  if (lists.length !== 1) {
    throw usageError(
      lists.length === 0
        ? 'give one knob a list to sweep: --vus 1,2,4,8, --pool 5,10,20,50 or --workers 1,2.'
        : `sweep one knob at a time (got lists for ${lists.map((a) => `--${a}`).join(' and ')}); fix the others with one value.`,
    );
  }
  const axis = lists[0] as SweepAxis;
  const fixed = { ...FIXED_DEFAULTS };
  for (const a of axes) {
    const raw = options[a];
    if (a === axis || raw === undefined) continue;
    const value = Number(raw);
    if (!(Number.isInteger(value) && value > 0)) {
      throw usageError(
        `--${a} must be a positive integer (or a list to sweep), got ${JSON.stringify(raw)}.`,
      );
    }
    fixed[a] = value;
  }
  let values: number[];
  try {
    values = levelList(options[axis] as string, `--${axis}`);
  } catch (error) {
    throw usageError(`${(error as Error).message}.`);
  }
  return { axis, values, fixed };
}

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(Number.isFinite(n) && n > 0))
    throw usageError(`--${name} must be a number > 0, got ${JSON.stringify(raw)}.`);
  return n;
}

/** The sweep as text for the terminal: the table, the steps, the knee. */
export function formatSweep(run: SweepRun): string {
  const rows = [SWEEP_HEADER.slice(0, 6), ...sweepRows(run).map((r) => r.slice(0, 6))];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const lines = rows.map((r) =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  '),
  );
  const bound = run.points
    .filter((p) => p.generatorBound)
    .map((p) => `  ⚠ ${p.label}: generator-bound (${p.generatorBound})`);
  const usl = uslText(run);
  return [
    `${run.target}, ${run.axis} sweep (${run.scenario}):`,
    ...lines.map((l) => `  ${l}`),
    ...bound,
    ...run.steps.map((s) => `  ${stepText(s)}`),
    ...(usl ? [`  ${usl}`] : []),
    ...run.warnings.map((w) => `  ⚠ ${w.split('\n')[0]}`),
  ].join('\n');
}

export async function sweepCommand(options: SweepCommandOptions, io: RunIo): Promise<number> {
  const env = io.env ?? process.env;
  const { axis, values, fixed } = sweepPlan(options);
  const targets = selectTargets(splitList(options.target ?? ['fastify']));
  const [scenario] = selectScenarios(splitList(options.scenario ?? '03-db-read'), 'inprocess');
  if (!scenario || splitList(options.scenario).length > 1)
    throw usageError('--scenario takes one scenario.');
  if (options.cpus !== undefined && options.cpus !== 'fixed' && options.cpus !== 'scaled') {
    throw usageError(`--cpus must be fixed or scaled, got ${JSON.stringify(options.cpus)}.`);
  }
  if (axis === 'workers') {
    const refused = targets.filter((t) => !takesWorkers(t));
    if (refused.length > 0) {
      throw usageError(
        `${refused.map((t) => t.name).join(', ')} cannot sweep --workers: no {workers} in the manifest (Go targets use GOMAXPROCS = their pinned CPUs).`,
      );
    }
  }
  const budget = positive('budget', options.budget);
  const duration = positive('duration', options.duration);
  if (options.quick) env.LAB_QUICK = '1';
  if (budget !== undefined) env.LAB_BUDGET = String(budget);
  if (duration !== undefined) env.LAB_SLICE = String(duration);
  if (options.alpha !== undefined) env.LAB_ALPHA = options.alpha;
  env.LAB_VERDICT_SUITES = '1';
  let alpha: number;
  let perTarget: number;
  let slices: ReturnType<typeof sliceSettings>;
  try {
    alpha = suiteAlpha(undefined, env) / targets.length;
    perTarget = budgetSeconds(env, { quick: 8 * values.length, full: 20 * values.length });
    slices = sliceSettings(env);
  } catch (error) {
    throw usageError((error as Error).message);
  }
  requireBuilt(targets);
  const reportsDir = options.out ? resolve(options.out) : undefined;
  const warmup = Math.min(2, slices.warmup);
  const planned = targets.map(() => perTarget + values.length * warmup);
  io.out(
    `lab sweep: ${axis} ${values.join(', ')} on ${targets.map((t) => t.name).join(', ')} (${scenario.id}; ` +
      `fixed: ${Object.entries(fixed)
        .filter(([a]) => a !== axis)
        .map(([a, v]) => `${a} ${v}`)
        .join(', ')}${axis === 'workers' ? `, ${options.cpus ?? 'fixed'} CPUs` : ''}); ` +
      `in-process engine, ${slices.slice}-s slices until adjacent levels are decided, at most ${clock(planned.reduce((s, x) => s + x, 0))} of load; α ${alpha} per target`,
  );

  let spec: ProviderSpec | undefined;
  let run: RunHandle | undefined;
  let lab: Lab | undefined;
  let progress: Progress | undefined;
  const problems: string[] = [];
  try {
    try {
      spec = await selectProvider({ env });
    } catch (error) {
      if (error instanceof InfraUnavailableError) throw setupError(error.message);
      throw error;
    }
    run = beginRun({
      env,
      provider: { kind: spec.kind, tried: spec.tried },
      ...(reportsDir ? { reportsDir } : {}),
    });
    const collector = createCollector(run.runDir);
    const fixtures = [...new Set(['users', ...scenario.fixtures])];
    progress = new Progress({ planned });
    progress.status(`starting PostgreSQL + Redis, seeding ${fixtures.join(', ')}`);
    lab = await startLab({ fixtures, spec });
    collector.noteInfra(lab, { suite: 'lab sweep' });
    for (const target of targets) {
      const active = progress;
      try {
        const sweep = await runSweep({
          target: target.name,
          axis,
          values,
          fixed,
          cpuMode: options.cpus === 'scaled' ? 'scaled' : 'fixed',
          scenario,
          lab,
          budgetSeconds: perTarget,
          sliceSeconds: slices.slice,
          rewarmSeconds: slices.rewarm,
          warmupSeconds: warmup,
          alpha,
          log: (line) => active.log(line),
        });
        collector.recordStress(sweep, { suite: 'lab sweep' });
        active.tick();
        active.log(formatSweep(sweep));
        for (const p of sweep.points)
          if (p.errors > 0) problems.push(`${target.name} ${p.label}: ${p.errors} errors`);
      } catch (error) {
        if (error instanceof InfraUnavailableError) throw setupError(error.message);
        problems.push(
          `${target.name}: ${((error as Error).message ?? String(error)).split('\n')[0]}`,
        );
        active.log(`[sweep ${target.name}] FAILED: ${(error as Error).message}`);
      }
    }
    progress.stop();
  } finally {
    progress?.stop();
    await lab?.stop();
    if (run) {
      const outcome = finalizeRun(run.runDir, reportsDir ? { reportsDir } : {});
      io.out(finalizeMessage(outcome));
    }
    if (spec) disposeSpec(spec);
  }
  if (problems.length > 0) {
    io.err(`lab sweep: ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
    for (const p of problems) io.err(`  - ${p}`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
