import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { verifyTarget } from '../conformance/index.ts';
import { InfraUnavailableError } from '../infra/errors.ts';
import { type Lab, startLab } from '../infra/lab.ts';
import { disposeSpec, type ProviderSpec, selectProvider } from '../infra/select-provider.ts';
import { EXTERNAL_ENVIRONMENT, externalRefusal, externalTarget } from '../launcher/external.ts';
import type { TargetDefinition } from '../launcher/registry.ts';
import { suiteAlpha } from '../load/alpha.ts';
import { familiesFromEnv } from '../load/families.ts';
import { AUTH_SECRET, type HttpEngine, scenarioSettings } from '../load/http-scenario.ts';
import { k6Availability } from '../load/k6/binary.ts';
import { generatorCpuLists } from '../load/k6/segments.ts';
import { pinningPlan } from '../load/pinning.ts';
import { budgetSeconds, runRanking, sliceSettings } from '../load/ranking-run.ts';
import type { LoadSettings, Result } from '../load/result.ts';
import { createCollector } from '../report/collector.ts';
import { formatRanking } from '../report/ranking-text.ts';
import {
  beginRun,
  type FinalizeOutcome,
  finalizeMessage,
  finalizeRun,
  type RunHandle,
} from '../report/run-report.ts';
import type { ScenarioDefinition } from '../scenarios/index.ts';
import { EXIT, requireValidEnv, setupError, usageError } from './errors.ts';
import { writeHtml } from './html.ts';
import { clock, Progress } from './progress.ts';
import { requireBuilt, selectScenarios, selectTargets, splitList } from './select.ts';

/**
 * `lab run`: a scenario × target selection outside vitest, the way the basic suites run it —
 * one lab (own PostgreSQL + Redis, seeded) per scenario, every target started, pinned and
 * conformance-checked, then a ranking with verdicts sampled in interleaved blocks until decided
 * or out of budget (src/load/ranking-run.ts) — recorded into a run directory and finalized into
 * the same `run-<timestamp>.json` / `.md` (and `.html`) as `pnpm bench`. The run's α is shared
 * by its scenarios (src/load/alpha.ts).
 *
 * Options map onto the LAB_* variables the suites read (so the report's environment records
 * them): --quick LAB_QUICK=1, --budget LAB_BUDGET (seconds of blocks per scenario), --duration
 * LAB_SLICE (seconds per slice), --vus LAB_VUS, --alpha LAB_ALPHA. --rounds caps the blocks per
 * family; --model closed / open measures only the throughput / latency family, --rate sets the
 * latency family's rate; --warmup the unmeasured seconds per target before the blocks.
 *
 * Ctrl-C: the first one writes a report of what was measured so far and exits 130; servers and
 * targets are process groups tracked by the cleanup watchdog, which removes them when this
 * process is gone. A second Ctrl-C exits at once.
 */
export interface RunCommandOptions {
  scenario?: string[];
  target?: string[];
  engine?: string;
  rounds?: string;
  budget?: string;
  alpha?: string;
  duration?: string;
  warmup?: string;
  quick?: boolean;
  model?: string;
  rate?: string;
  vus?: string;
  out?: string;
  generators?: string;
  /** Bring your own target: its base URL, name and (for the db scenarios) database URL. */
  targetUrl?: string;
  name?: string;
  targetDbUrl?: string;
}

export interface RunIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0)) {
    throw usageError(`--${name} must be a positive integer, got ${JSON.stringify(value)}.`);
  }
  return n;
}

function positiveNumber(
  name: string,
  value: string | undefined,
  allowZero = false,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isFinite(n) && (allowZero ? n >= 0 : n > 0)) || value.trim() === '') {
    throw usageError(
      `--${name} must be a number ${allowZero ? '≥ 0' : '> 0'} (seconds or requests/s), got ${JSON.stringify(value)}.`,
    );
  }
  return n;
}

interface Plan {
  scenario: ScenarioDefinition;
  settings: LoadSettings;
}

function describeResultProblem(r: Result): string | undefined {
  const what = `${r.scenario}/${r.target} ${String(r.meta.phase ?? '')} block ${Number(r.meta.block ?? 0) + 1}`;
  if (r.failure) return `${what}: failed: ${r.failure.split('\n')[0]}`;
  if (r.failedChecks > 0 || r.errors > 0) {
    return `${what}: ${r.failedChecks} failed checks, ${r.errors} errors of ${r.requests} requests`;
  }
  return undefined;
}

/**
 * What `--generators N` does here: N k6 processes (execution segments) on the generator CPUs,
 * sharing them when there are fewer CPUs than processes.
 */
export function generatorsNote(generators: number, plan = pinningPlan()): string {
  const cpus = plan.enabled ? plan.generatorCpus : undefined;
  const lists = generatorCpuLists(generators, cpus);
  const distinct = new Set(lists.filter(Boolean)).size;
  const where = cpus
    ? `pinned to generator CPU${distinct === 1 ? '' : 's'} ${[...new Set(lists)].join(',')}` +
      (distinct < generators ? ` (${generators} processes share ${distinct})` : ' (one each)')
    : 'unpinned';
  return (
    `  k6 on ${generators} generator process${generators === 1 ? '' : 'es'} (execution segments), ${where}; ` +
    'latency merged from every raw sample. k6 is CPU-bound on a small machine: the in-process ' +
    'engine remains the default for verdicts.'
  );
}

/** The infrastructure provider of a command; none available: exit 1 with the doctor hint. */
export async function providerFor(env: NodeJS.ProcessEnv): Promise<ProviderSpec> {
  try {
    return await selectProvider({ env });
  } catch (error) {
    if (error instanceof InfraUnavailableError) {
      throw setupError(`${error.message}\n(\`pnpm lab doctor\` shows what this machine has.)`);
    }
    throw error;
  }
}

/** The external target of `--target-url` (with `--name`, `--target-db-url`), if any. */
export function externalFromOptions(options: RunCommandOptions): TargetDefinition | undefined {
  if (options.targetUrl === undefined) {
    if (options.name !== undefined || options.targetDbUrl !== undefined) {
      throw usageError(
        '--name and --target-db-url describe an external target: give its --target-url.',
      );
    }
    return undefined;
  }
  try {
    return externalTarget({
      name: options.name ?? 'external',
      url: options.targetUrl,
      ...(options.targetDbUrl !== undefined ? { databaseUrl: options.targetDbUrl } : {}),
    });
  } catch (error) {
    throw usageError(`${(error as Error).message}.`);
  }
}

/**
 * Verifies an external target against the contract (the db group with its database URL) and
 * returns the line to print; refuses it (exit 1) with the failing checks.
 */
export async function verifyExternal(target: TargetDefinition): Promise<string> {
  const { url, databaseUrl } = target.external as NonNullable<TargetDefinition['external']>;
  const what = `${target.name} (${url})`;
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
  } catch (error) {
    const { cause } = error as { cause?: { code?: string; message?: string } };
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw setupError(`${what} does not answer (${why}): start it first, or fix --target-url.`);
  }
  const report = await verifyTarget(url, {
    authSecret: AUTH_SECRET,
    ...(databaseUrl ? { db: { databaseUrl } } : {}),
  });
  const total = report.passed.length + report.failed.length;
  if (!report.ok) {
    throw setupError(
      `${what} does not implement the contract: refused before measuring ` +
        `(${report.failed.length} of ${total} checks failed; it must run with LAB_AUTH_SECRET=${AUTH_SECRET} ` +
        'and UPSTREAM_URL at a lab upstream stub, e.g. from `pnpm lab serve`):\n' +
        report.failed
          .map((check) => `  ✗ ${check.id}: ${(check.detail ?? check.description).split('\n')[0]}`)
          .join('\n'),
    );
  }
  return (
    `  ${target.name}: ${url}, conforms (${total} checks${databaseUrl ? ', db group included' : '; db group skipped: no --target-db-url'}); ` +
    `${EXTERNAL_ENVIRONMENT}, never restarted`
  );
}

export async function runCommand(options: RunCommandOptions, io: RunIo): Promise<number> {
  const env = io.env ?? process.env;
  requireValidEnv(env);
  const generators = positiveInteger('generators', options.generators);
  if (generators !== undefined && options.engine !== undefined && options.engine !== 'k6') {
    throw usageError(
      `--generators splits the load across k6 processes: it needs --engine k6, got --engine ${options.engine}.`,
    );
  }
  // --generators is a k6-engine path: it implies --engine k6.
  const engineName =
    generators !== undefined ? 'k6' : (options.engine ?? env.LAB_ENGINE ?? 'inprocess');
  if (engineName !== 'k6' && engineName !== 'inprocess') {
    throw usageError(`--engine must be k6 or inprocess, got ${JSON.stringify(engineName)}.`);
  }
  const engine: HttpEngine = engineName;
  const scenarios = selectScenarios(splitList(options.scenario), engine);
  const targets = selectTargets(splitList(options.target));
  const external = externalFromOptions(options);
  for (const scenario of scenarios) {
    const refusal = external ? externalRefusal(external, scenario) : undefined;
    if (refusal) throw usageError(`${refusal}.`);
  }
  const rounds = positiveInteger('rounds', options.rounds);
  if (rounds !== undefined && rounds < 3) {
    throw usageError(`--rounds must be ≥ 3 (blocks before the first verdict), got ${rounds}.`);
  }
  const budget = positiveNumber('budget', options.budget);
  const duration = positiveNumber('duration', options.duration);
  const warmup = positiveNumber('warmup', options.warmup, true);
  const rate = positiveNumber('rate', options.rate);
  const vus = positiveInteger('vus', options.vus);
  if (options.model !== undefined && options.model !== 'closed' && options.model !== 'open') {
    throw usageError(`--model must be closed or open, got ${JSON.stringify(options.model)}.`);
  }

  const ranked = [...targets.map((t) => t.name), ...(external ? [external.name] : [])];
  if (ranked.length < 2) {
    throw usageError(`a ranking needs at least two targets, got ${ranked.join(', ') || 'none'}.`);
  }

  // The suites' own variables: the report's environment records them.
  if (options.quick) env.LAB_QUICK = '1';
  if (budget !== undefined) env.LAB_BUDGET = String(budget);
  if (duration !== undefined) env.LAB_SLICE = String(duration);
  if (options.alpha !== undefined) env.LAB_ALPHA = options.alpha;
  if (vus !== undefined) env.LAB_VUS = String(vus);
  env.LAB_ENGINE = engine;
  if (generators !== undefined) env.LAB_K6_GENERATORS = String(generators);
  env.LAB_TARGETS = targets.map((t) => t.name).join(',');
  if (external?.external) {
    // Recorded in the report's environment (the database URL is not: it may hold a password).
    env.LAB_TARGET_URL = external.external.url;
    env.LAB_TARGET_NAME = external.name;
  }
  env.LAB_VERDICT_SUITES = String(scenarios.length);
  // The suites' rule: quick runs rank throughput unless --model says otherwise.
  const { phases } = familiesFromEnv({ ...env, LAB_MODEL: options.model });
  if (options.model === 'open' && rate === undefined) {
    throw usageError('--model open needs --rate <requests/s>: the rate every target gets.');
  }

  let plans: Plan[];
  let scenarioBudget: number;
  let alpha: number;
  let slices: ReturnType<typeof sliceSettings>;
  try {
    scenarioBudget = budgetSeconds(env);
    alpha = suiteAlpha(undefined, env);
    slices = sliceSettings(env);
    plans = scenarios.map((scenario) => ({ scenario, settings: scenarioSettings(scenario, env) }));
  } catch (error) {
    // An invalid LAB_* value from the environment.
    throw usageError((error as Error).message);
  }
  const warmupSeconds = warmup ?? slices.warmup;
  requireBuilt(targets);
  if (engine === 'k6') {
    const k6 = await k6Availability(env);
    if (!k6.available) {
      throw setupError(
        `k6 is not available: ${k6.reason}. Fix: ${k6.fix} — or measure with --engine inprocess.`,
      );
    }
  }
  const reportsDir = options.out ? resolve(options.out) : undefined;
  // Bring your own target: it must conform before anything starts.
  if (external) io.out(await verifyExternal(external));

  // At most: each scenario's budget plus every target's warm-up (sampling may stop sooner).
  const planned = plans.map(() => scenarioBudget + ranked.length * warmupSeconds);
  const plannedSeconds = planned.reduce((s, x) => s + x, 0);
  io.out(
    `lab run: ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'} × ${ranked.length} targets ` +
      `(${ranked.join(', ')}), engine ${engine}, ranked by ${phases.join(' and ')}; ` +
      `sampled until decided, at most ${clock(plannedSeconds)} of load plus start-ups; α ${alpha} per scenario`,
  );
  for (const p of plans) {
    io.out(
      `  ${p.scenario.id}: ${p.settings.concurrency ?? 10} connections, ${slices.slice}-s slices, budget ${scenarioBudget} s`,
    );
  }
  if (generators !== undefined) io.out(generatorsNote(generators));

  let spec: ProviderSpec | undefined;
  let run: RunHandle | undefined;
  let progress: Progress | undefined;
  let finished = false;
  const finalize = (): FinalizeOutcome | undefined => {
    if (!run || finished) return undefined;
    finished = true;
    return finalizeRun(run.runDir, reportsDir ? { reportsDir } : {});
  };
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress?.stop();
    io.err(
      `\nlab run: ${signal}: writing a report of what was measured so far; servers and targets are removed by the cleanup watchdog.`,
    );
    try {
      const outcome = finalize();
      if (outcome) io.err(finalizeMessage(outcome));
    } catch (error) {
      io.err(`Reports: could not be written (${(error as Error).message})`);
    }
    if (spec) disposeSpec(spec);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const problems: string[] = [];
  try {
    spec = await providerFor(env);
    run = beginRun({
      env,
      provider: { kind: spec.kind, tried: spec.tried },
      ...(reportsDir ? { reportsDir } : {}),
    });
    const collector = createCollector(run.runDir);
    // Each target build is verified once per run (src/launcher/verified.ts).
    env.LAB_VERIFIED_DIR = join(run.runDir, 'verified');
    progress = new Progress({ planned });
    for (const plan of plans) {
      const { scenario } = plan;
      const suite = `lab run ${scenario.id}`;
      const fixtures = [...new Set(['users', ...scenario.fixtures])];
      progress.status(
        `${scenario.id}: starting PostgreSQL + Redis, seeding ${fixtures.join(', ')}`,
      );
      let lab: Lab | undefined;
      // Scenarios 14–19 measure only the targets that declare their contract group.
      const group = scenario.group;
      const candidates = [...targets, ...(external ? [external] : [])];
      const measured = group ? candidates.filter((t) => t.supports.includes(group)) : candidates;
      if (measured.length < 2) {
        problems.push(
          `${scenario.id}: needs two targets declaring the contract group ${group}; of those chosen, ${measured.map((t) => t.name).join(', ') || 'none'} do`,
        );
        progress.tick();
        continue;
      }
      try {
        lab = await startLab({
          fixtures,
          spec,
          ...(scenario.setScales ? { setScales: scenario.setScales } : {}),
        });
        collector.noteInfra(lab, { suite });
        progress.status(`${scenario.id}: starting ${measured.map((t) => t.name).join(', ')}`);
        const activeProgress = progress;
        const ranking = await runRanking({
          scenario,
          targets: measured.map((t) => (t.external ? t : t.name)),
          lab,
          engine,
          ...(generators !== undefined ? { generators } : {}),
          alpha,
          budgetSeconds: scenarioBudget,
          phases,
          settings: plan.settings,
          warmupSeconds,
          ...(rate !== undefined ? { latencyRate: rate } : {}),
          ...(rounds !== undefined ? { maxBlocks: rounds } : {}),
          ...(duration !== undefined ? { sliceSeconds: duration } : {}),
          log: (line) => activeProgress.log(line),
          onResult: (result) => collector.recordResult(result, { suite }),
        });
        collector.recordRanking(ranking, { suite });
        activeProgress.tick();
        activeProgress.log(formatRanking(ranking));
        for (const result of ranking.results) {
          const problem = describeResultProblem(result);
          if (problem) problems.push(problem);
        }
      } catch (error) {
        if (error instanceof InfraUnavailableError) throw setupError(error.message);
        const message = (error as Error).message ?? String(error);
        problems.push(`${scenario.id}: ${message.split('\n')[0]}`);
        progress.log(`[${scenario.id}] FAILED: ${message}`);
      } finally {
        await lab?.stop();
      }
    }
    progress.stop();
    const outcome = finalize();
    if (outcome) {
      io.out(finalizeMessage(outcome));
      if (outcome.written) {
        const html = outcome.json.replace(/\.json$/, '.html');
        if (existsSync(html)) io.out(`HTML: ${html}`);
        else {
          try {
            const written = await writeHtml(html, outcome.report);
            io.out(written.written ? `HTML: ${html}` : `HTML: not written — ${written.reason}`);
          } catch (error) {
            io.err(`HTML: not written — ${(error as Error).message}`);
          }
        }
      }
    }
  } finally {
    progress?.stop();
    // An error ended the run early: keep what was measured.
    if (run && !finished) {
      try {
        const outcome = finalize();
        if (outcome) io.err(finalizeMessage(outcome));
      } catch (error) {
        io.err(`Reports: could not be written (${(error as Error).message})`);
      }
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (spec) disposeSpec(spec);
  }
  if (problems.length > 0) {
    io.err(`lab run: ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
    for (const p of problems) io.err(`  - ${p}`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
