// Scenario 21, soak with leak detection: a planted leak must be found, the same server without it
// cleared, no target flagged (quick runs soak the planted pair only).
// LAB_SOAK_SECONDS=3600 for an hour; docs/scenarios/21-soak.md.
import { defineSoakSuite } from '../../src/load/stress/suite.ts';

defineSoakSuite();
