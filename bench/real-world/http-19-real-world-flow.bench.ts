// Scenario 19-real-world-flow over HTTP: every target declaring its contract group, through k6, one ranking per
// variant (src/scenarios/groups.ts). `pnpm vitest bench --run bench/real-world/http-19`; LAB_QUICK=1
// for short runs, LAB_TARGETS=fastify,express to narrow. In-process claims: bench/real-world/19-*.
import { defineGroupHttpSuite } from '../../src/load/http-suite.ts';

await defineGroupHttpSuite('19-real-world-flow');
