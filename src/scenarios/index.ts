import { BASIC_SCENARIOS } from './basic.ts';
import { DB_HTTP_SCENARIOS } from './db-http.ts';
import { DB_PAGINATION } from './db-pagination.ts';
import { GROUP_SCENARIOS } from './groups.ts';
import type { ScenarioDefinition } from './types.ts';

export type { ScenarioContext, ScenarioDefinition, ScenarioLoad } from './types.ts';

/** Every scenario of the lab, in catalogue order. */
export const SCENARIOS: readonly ScenarioDefinition[] = [
  ...BASIC_SCENARIOS,
  DB_PAGINATION,
  ...DB_HTTP_SCENARIOS,
  ...GROUP_SCENARIOS,
];

export function scenarioIds(): string[] {
  return SCENARIOS.map((scenario) => scenario.id);
}

/** By id (`03-db-read`) or number (`3`, `03`); unknown names list the valid ones. */
export function getScenario(idOrNumber: string): ScenarioDefinition {
  const found = SCENARIOS.find(
    (scenario) =>
      scenario.id === idOrNumber ||
      (/^\d+$/.test(idOrNumber) && scenario.number === Number(idOrNumber)),
  );
  if (!found) {
    throw new Error(
      `Unknown scenario ${JSON.stringify(idOrNumber)}. Valid scenarios: ${scenarioIds().join(', ')}.`,
    );
  }
  return found;
}

/** The quick or full load of a scenario: quick when LAB_QUICK=1. */
export function isQuick(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.LAB_QUICK === '1' || env.LAB_QUICK === 'true';
}
