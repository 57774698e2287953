import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Test files go to one folder per run, on a RAM file system where there is one.
    globalSetup: ['test/support/global-setup.ts'],
    // Many end-to-end tests wait on servers, child processes and timers rather than the CPU, so
    // more workers than cores overlap those waits. Each worker loads the modules and warms up
    // the code again: on 2 cores, 4 workers took 77-87 s of CPU where 6 took 89-96 s, for the
    // same or a shorter run.
    pool: 'forks',
    maxWorkers: 4,
    // A worker keeps the modules it loaded (Bolt, Express, the Notion client, zod…) for its
    // next test file instead of loading them again for each: that import time was about a
    // third of the suite's CPU. Tests share no module state: every bot, store and fake server
    // is created per test or per file, and spies are restored.
    isolate: false,
    // End-to-end tests start child processes and servers; a slow CI machine needs headroom.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
