// Scenario 22, cold vs warm: the first requests after a fresh start, a cold database and an empty
// Redis, against the steady state, with a verdict per condition. docs/scenarios/22-cold-warm.md.
import { defineColdWarmSuite } from '../../src/load/stress/suite.ts';

defineColdWarmSuite();
