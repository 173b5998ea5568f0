// Scenario 20, spike: 10 → 100 → 10 users on every default target (LAB_TARGETS to change),
// per-phase throughput, p50/p99, errors and the recovery time. `pnpm vitest bench --run bench/stress/20`;
// LAB_ENGINE=k6 for k6's ramping-vus (k6/stress/20-spike.js).
import { defineSpikeSuite } from '../../src/load/stress/suite.ts';

await defineSpikeSuite();
