import { AUTH_CHECKS } from './auth.ts';
import { basicHappyPath, echoBadInput, robustness, routingBadInput } from './basic.ts';
import { CACHE_CHECKS } from './cache.ts';
import type { Check, ScenarioGroup } from './context.ts';
import { FLOW_CHECKS } from './flow.ts';
import { protectedBadInput, protectedHappyPath } from './protected.ts';
import { AGGREGATE_CHECKS, SEARCH_CHECKS } from './reports.ts';
import { uploadBadInput, uploadHappyPath } from './upload.ts';
import { uploadMalformed } from './upload-malformed.ts';
import { usersBadInput, usersHappyPath } from './users.ts';

/**
 * Every check, in the order they run: happy paths first (later ones use what earlier ones
 * learnt), then bad input, then whether the target survived it.
 */
export const CHECKS: readonly Check[] = [
  ...basicHappyPath,
  ...usersHappyPath,
  ...protectedHappyPath,
  ...uploadHappyPath,
  ...echoBadInput,
  ...usersBadInput,
  ...protectedBadInput,
  ...uploadBadInput,
  ...uploadMalformed,
  ...routingBadInput,
  ...robustness,
];

/** The checks of each contract group of scenarios 14–19, in the order the groups run. */
export const GROUP_CHECKS: Readonly<Record<ScenarioGroup, readonly Check[]>> = {
  cache: CACHE_CHECKS,
  auth: AUTH_CHECKS,
  aggregate: AGGREGATE_CHECKS,
  search: SEARCH_CHECKS,
  flow: FLOW_CHECKS,
};

export type { Check, CheckContext, ScenarioGroup } from './context.ts';
export { DB_CHECKS } from './db.ts';
