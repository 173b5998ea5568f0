// Scenario 04-db-write across every target through k6. `pnpm vitest bench --run bench/basic/04`;
// LAB_QUICK=1 for short runs, LAB_TARGETS=fastify,express to narrow, LAB_ENGINE=inprocess.
import { defineHttpSuite } from '../../src/load/http-suite.ts';

await defineHttpSuite('04-db-write');
