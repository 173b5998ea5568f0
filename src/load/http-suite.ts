import { beforeAll, expect, test } from 'vitest';
import { useLab } from '../infra/vitest.ts';
import { noteInfra, recordResult } from '../report/collector.ts';
import { HTTP_VARIANTS } from '../scenarios/db-http.ts';
import { getScenario } from '../scenarios/index.ts';
import { CLOSED_10_VUS_DB } from '../scenarios/load-profiles.ts';
import { frameworkTargetNames, getTarget, targetNames } from '../targets/registry.ts';
import {
  defaultRounds,
  type HttpEngine,
  runHttpScenario,
  scenarioSettings,
} from './http-scenario.ts';
import { k6SkipReason } from './k6/binary.ts';
import type { LoadSettings, Result } from './result.ts';

/**
 * The body of a basic HTTP bench file (bench/basic/0N-*.bench.ts): one scenario, every registered
 * target (or `LAB_TARGETS=fastify,express`), through k6 (or `LAB_ENGINE=inprocess`). Without k6
 * the suite is skipped with the reason in its name; under CI=true a missing k6 fails instead.
 * Any failed run or failed check fails the suite: a target that answers wrongly cannot look fast.
 */
export async function defineHttpSuite(scenarioId: string): Promise<void> {
  const scenario = getScenario(scenarioId);
  const engine = engineFromEnv();
  const targets = targetsFromEnv();
  // The conformance gate exercises /users on every target: `users` is always seeded.
  const lab = useLab({ fixtures: [...new Set(['users', ...scenario.fixtures])] });
  const title = `${scenario.id}: ${scenario.measures} — ${targets.join(', ')} (${engine})`;
  const skip = engine === 'k6' ? await k6SkipReason() : undefined;
  if (skip) {
    test.skip(`${title} — skipped: ${skip}`, () => {});
    return;
  }
  const suite = `bench/basic/${scenario.id}`;
  beforeAll(() => {
    noteInfra(lab, { suite });
  });
  const settings = scenarioSettings(scenario);
  const rounds = defaultRounds();
  const budgetMs = budgetFor(rounds, targets.length, settings);
  test(
    title,
    async () => {
      const results = await runHttpScenario({
        scenario,
        targets,
        lab,
        engine,
        rounds,
        settings,
        onResult: (result) => recordResult(result, { suite }),
      });
      expectNoProblems(results);
    },
    budgetMs,
  );
}

export function engineFromEnv(env: NodeJS.ProcessEnv = process.env): HttpEngine {
  const engine = env.LAB_ENGINE ?? 'k6';
  if (engine !== 'k6' && engine !== 'inprocess') {
    throw new Error(`LAB_ENGINE must be k6 or inprocess, got ${JSON.stringify(engine)}`);
  }
  return engine;
}

/** `LAB_TARGETS=a,b` selects targets; unknown names list the valid ones. */
export function targetsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const all = targetNames();
  if (!env.LAB_TARGETS) return frameworkTargetNames();
  const chosen = env.LAB_TARGETS.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = chosen.filter((name) => !all.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `LAB_TARGETS: unknown target${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}. ` +
        `Valid targets: ${all.join(', ')}.`,
    );
  }
  return chosen;
}

/**
 * The body of a db-advanced HTTP bench file (bench/db-advanced/http-*.bench.ts): one scenario,
 * one test per variant (strategy, shape…), across the framework × data layer targets
 * (`LAB_TARGETS` to narrow) through k6. Variants limited to some layers (UNNEST, COPY) run on
 * those targets only. Every database fixture the contract's /db routes read is seeded.
 */
export async function defineDbHttpSuite(scenarioId: string): Promise<void> {
  const scenario = getScenario(scenarioId);
  const variants = HTTP_VARIANTS[scenario.id] ?? [];
  const all = process.env.LAB_TARGETS ? targetsFromEnv() : targetNames();
  const lab = useLab({ fixtures: [...new Set(['users', ...scenario.fixtures])] });
  const suite = `bench/db-advanced/http-${scenario.id}`;
  beforeAll(() => {
    noteInfra(lab, { suite });
  });
  const skip = await k6SkipReason();
  // 09 keeps its in-process profile for the verdict suite; over HTTP it uses the db profile.
  const settings = scenarioSettings({ ...scenario, load: CLOSED_10_VUS_DB });
  // One round per variant by default (LAB_ROUNDS for more): the verdicts are in-process.
  const rounds = process.env.LAB_ROUNDS ? defaultRounds() : 1;
  for (const variant of variants) {
    const targets = all.filter(
      (name) => !variant.layers || variant.layers.includes(getTarget(name).dataLayer),
    );
    const title = `${scenario.id} ${variant.name}: ${targets.join(', ')} (k6)`;
    if (skip) {
      test.skip(`${title} — skipped: ${skip}`, () => {});
      continue;
    }
    const budgetMs = budgetFor(rounds, targets.length, settings);
    test(
      title,
      async () => {
        const results = await runHttpScenario({
          scenario,
          targets,
          lab,
          rounds,
          settings,
          variant,
          onResult: (result) => recordResult(result, { suite }),
        });
        expectNoProblems(results);
      },
      budgetMs,
    );
  }
}

/** Test timeout: every run with its warm-up, plus start-up and verification per target. */
function budgetFor(rounds: number, targets: number, settings: LoadSettings): number {
  return (
    rounds * targets * ((settings.warmupSeconds ?? 0) + settings.durationSeconds + 20) * 1000 +
    180_000
  );
}

/** A failed run or any failed check or error fails the suite, listing each. */
function expectNoProblems(results: readonly Result[]): void {
  const problems = results.flatMap((r) => {
    const what = `${r.target}${r.variant ? ` ${r.variant}` : ''} (round ${Number(r.meta.round) + 1})`;
    if (r.failure) return [`${what}: ${r.failure}`];
    if (r.failedChecks > 0 || r.errors > 0) {
      return [`${what}: ${r.failedChecks} failed checks, ${r.errors} errors of ${r.requests}`];
    }
    return [];
  });
  expect(problems, problems.join('\n')).toEqual([]);
}
