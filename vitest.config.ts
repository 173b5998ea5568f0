import { defineConfig } from 'vitest/config';

/**
 * Project tests live in test/ (`pnpm test`), benchmark suites in bench/ (`pnpm bench`, or
 * `pnpm vitest bench bench/infra`). Both get their PostgreSQL/Redis provider from one globalSetup.
 */
export default defineConfig({
  test: {
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
