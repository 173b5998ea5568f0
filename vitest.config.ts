import { defineConfig } from 'vitest/config';

/**
 * Project tests live in test/ (`pnpm test`), benchmark suites in bench/ (`pnpm bench`, or
 * `pnpm vitest bench bench/infra`). Both get their PostgreSQL/Redis provider from one globalSetup.
 */
const ci = process.env.CI === 'true' || process.env.CI === '1';

export default defineConfig({
  test: {
    // CI gets machine-readable results next to the human ones; .ci/run reads the JSON.
    reporters: ci ? ['default', 'json', 'junit'] : ['default'],
    outputFile: ci ? { json: 'reports/vitest.json', junit: 'reports/junit.xml' } : {},
    include: ['test/**/*.test.ts'],
    globalSetup: ['src/infra/global-setup.ts'],
    pool: 'forks',
    // Every file starts its own servers; two at a time keeps a 2-core machine responsive.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    benchmark: {
      include: ['bench/**/*.bench.ts'],
    },
  },
});
