// Scenario 06-middleware-chain: every target ranked with verdicts, in-process engine.
// `pnpm vitest bench --run bench/basic/06`; LAB_QUICK=1 for short runs, LAB_TARGETS=fastify,express
// to narrow, LAB_ENGINE=k6 to load through k6.
import { defineHttpSuite } from '../../src/load/http-suite.ts';

await defineHttpSuite('06-middleware-chain');
