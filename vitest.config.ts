import { defineConfig } from 'vitest/config';

/**
 * Project tests live in test/ (`pnpm test`), benchmark suites in bench/ (`pnpm bench`, or
 * `pnpm vitest bench bench/infra`). Both get their PostgreSQL/Redis provider from one globalSetup.
 */
const ci = process.env.CI === 'true' || process.env.CI === '1';
// `vitest bench`: suites measure, so they run one at a time (two suites loading a 2-core machine
// at once would measure each other) and get long timeouts.
const benchmarking = process.argv.slice(2).includes('bench');

export default defineConfig({
  test: {
    // CI gets machine-readable results next to the human ones; .ci/run reads the JSON.
    reporters: [
      'default',
      ...(ci ? ['json', 'junit'] : []),
      ...(benchmarking ? ['./src/report/progress-reporter.ts'] : []),
    ],
    outputFile: ci ? { json: 'reports/vitest.json', junit: 'reports/junit.xml' } : {},
    include: ['test/**/*.test.ts'],
    globalSetup: ['src/infra/global-setup.ts'],
    pool: 'forks',
    // Every file starts its own servers; two at a time keeps a 2-core machine responsive.
    maxWorkers: benchmarking ? 1 : 2,
    fileParallelism: !benchmarking,
    testTimeout: benchmarking ? 1_800_000 : 60_000,
    hookTimeout: 120_000,
    benchmark: {
      include: ['bench/**/*.bench.ts'],
    },
  },
});
