// Scenario 16-auth over HTTP: every target declaring its contract group, through k6, one ranking per
// variant (src/scenarios/groups.ts). `pnpm vitest bench --run bench/auth/http-16`; LAB_QUICK=1
// for short runs, LAB_TARGETS=fastify,express to narrow. In-process claims: bench/auth/16-*.
import { defineGroupHttpSuite } from '../../src/load/http-suite.ts';

await defineGroupHttpSuite('16-auth');
