// Scenario 20, spike: 10 → 100 → 10 users on every default target (LAB_TARGETS to change),
// per-phase throughput, p50/p99, errors and the recovery time. `pnpm vitest bench --run bench/stress/20`.
import { defineSpikeSuite } from '../../src/load/stress/suite.ts';

defineSpikeSuite();
