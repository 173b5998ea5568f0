// Scenario 14-cache-hit over HTTP: every target declaring its contract group, through k6, one ranking per
// variant (src/scenarios/groups.ts). `pnpm vitest bench --run bench/caching/http-14`; LAB_QUICK=1
// for short runs, LAB_TARGETS=fastify,express to narrow. In-process claims: bench/caching/14-*.
import { defineGroupHttpSuite } from '../../src/load/http-suite.ts';

await defineGroupHttpSuite('14-cache-hit');
