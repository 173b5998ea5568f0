// Scenario 11-db-n-plus-one over HTTP: every framework × data layer target through k6, one test per variant.
// `pnpm vitest bench --run bench/db-advanced/http-11`; LAB_QUICK=1 for short runs,
// LAB_TARGETS=fastify,fastify+typeorm to narrow. In-process verdicts: bench/db-advanced/11-*.
import { defineDbHttpSuite } from '../../src/load/http-suite.ts';

await defineDbHttpSuite('11-db-n-plus-one');
