import {
  defaultTargets,
  getTarget,
  missingBuildOutputs,
  resolveTargetNames,
  type TargetDefinition,
} from '../launcher/registry.ts';
import type { HttpEngine } from '../load/http-scenario.ts';
import { SCENARIOS, type ScenarioDefinition } from '../scenarios/index.ts';
import { setupError, usageError } from './errors.ts';

/** Comma- or space-separated names, repeated options merged: `01,03` `--scenario 1 --scenario 3`. */
export function splitList(values: readonly string[] | string | undefined): string[] {
  const list = typeof values === 'string' ? [values] : (values ?? []);
  return [
    ...new Set(
      list
        .flatMap((v) => v.split(/[\s,]+/))
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
}

/** Whether `lab run` can measure a scenario with an engine (HTTP scenarios only). */
export function runnableWith(scenario: ScenarioDefinition, engine: HttpEngine): boolean {
  return engine === 'k6' ? scenario.k6 !== undefined : scenario.request !== undefined;
}

export function httpScenarios(): ScenarioDefinition[] {
  return SCENARIOS.filter((s) => s.k6 !== undefined || s.request !== undefined);
}

function findScenario(name: string): ScenarioDefinition | undefined {
  return SCENARIOS.find((s) => s.id === name || (/^\d+$/.test(name) && s.number === Number(name)));
}

/**
 * Scenarios for `lab run`, by id (`03-db-read`) or number (`3`, `03`); default: every HTTP
 * scenario. Unknown names list the valid ones; non-HTTP scenarios say how to run them instead.
 */
export function selectScenarios(
  names: readonly string[],
  engine: HttpEngine,
): ScenarioDefinition[] {
  const valid = httpScenarios().filter((s) => runnableWith(s, engine));
  const validText = valid.map((s) => s.id).join(', ');
  if (names.length === 0) return valid;
  const unknown = names.filter((n) => !findScenario(n));
  if (unknown.length > 0) {
    throw usageError(
      `Unknown scenario${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')}. ` +
        `Valid scenarios: ${validText} (a number works too: --scenario 1,3).`,
    );
  }
  const chosen = [...new Set(names.map((n) => findScenario(n) as ScenarioDefinition))];
  for (const scenario of chosen) {
    if (runnableWith(scenario, engine)) continue;
    if (scenario.k6 === undefined && scenario.request === undefined) {
      throw usageError(
        `${scenario.id} is not an HTTP scenario, so \`lab run\` cannot measure it; run its suite: ` +
          `pnpm vitest bench --run bench/${scenario.category}/${String(scenario.number).padStart(2, '0')}. ` +
          `Scenarios for lab run: ${validText}.`,
      );
    }
    throw usageError(
      `${scenario.id} cannot run with --engine ${engine}. Scenarios for --engine ${engine}: ${validText}.`,
    );
  }
  return chosen;
}

/**
 * Targets by name or group (`all`, `default`, a language such as `python`); default: the
 * default targets. Unknown names list the valid ones.
 */
export function selectTargets(names: readonly string[]): TargetDefinition[] {
  if (names.length === 0) return defaultTargets();
  try {
    return resolveTargetNames(names).map(getTarget);
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

/** Whether a target's build outputs exist (NestJS: tsc output; Go: binaries). */
export function targetBuilt(target: TargetDefinition): boolean {
  return missingBuildOutputs(target).length === 0;
}

export function requireBuilt(targets: readonly TargetDefinition[]): void {
  const missing = targets.filter((t) => !targetBuilt(t));
  if (missing.length > 0) {
    throw setupError(
      `${missing.map((t) => t.name).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not built ` +
        `(${missing.flatMap(missingBuildOutputs).join(', ')} missing). Fix: run \`pnpm build:targets\` first.`,
    );
  }
}
