// Scenario 15-cache-miss-db over HTTP: every target declaring its contract group, through k6, one ranking per
// variant (src/scenarios/groups.ts). `pnpm vitest bench --run bench/caching/http-15`; LAB_QUICK=1
// for short runs, LAB_TARGETS=fastify,express to narrow. In-process claims: bench/caching/15-*.
import { defineGroupHttpSuite } from '../../src/load/http-suite.ts';

await defineGroupHttpSuite('15-cache-miss-db');
