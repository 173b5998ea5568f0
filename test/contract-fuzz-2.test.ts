import { fuzzTargets, half } from './support/contract-fuzz.ts';

/** Contract fuzzing (test/support/contract-fuzz.ts) of half the registered targets; the other half: contract-fuzz-1.test.ts. */
fuzzTargets(half(1));
