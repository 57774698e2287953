import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests start child processes and servers; a slow CI machine needs headroom.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
