// Variant sweep of workers on LAB_SWEEP_TARGET (default fastify), adjacent levels compared by
// throughput; LAB_SWEEP_WORKERS=… for other levels. docs/scenarios/variants.md; `pnpm lab sweep` does the same.
import { defineSweepSuite } from '../../src/load/stress/suite.ts';

defineSweepSuite('workers');
