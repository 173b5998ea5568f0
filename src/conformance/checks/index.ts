import { basicHappyPath, echoBadInput, robustness, routingBadInput } from './basic.ts';
import type { Check } from './context.ts';
import { protectedBadInput, protectedHappyPath } from './protected.ts';
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

export type { Check, CheckContext } from './context.ts';
export { DB_CHECKS } from './db.ts';
