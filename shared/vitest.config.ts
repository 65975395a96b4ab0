import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    coverage: {
      provider: 'istanbul',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text'],
      // Every number a user sees comes from here: every branch is exercised.
      thresholds: { branches: 100, functions: 100, lines: 100, statements: 100 },
    },
  },
});
