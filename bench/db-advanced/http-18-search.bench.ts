// Scenario 18-search over HTTP: every target declaring its contract group, through k6, one ranking per
// variant (src/scenarios/groups.ts). `pnpm vitest bench --run bench/db-advanced/http-18`; LAB_QUICK=1
// for short runs, LAB_TARGETS=fastify,express to narrow. In-process claims: bench/db-advanced/18-*.
import { defineGroupHttpSuite } from '../../src/load/http-suite.ts';

await defineGroupHttpSuite('18-search');
