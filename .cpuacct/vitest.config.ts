import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../vitest.config.ts';
export default mergeConfig(base, defineConfig({ root: '/work/wt/speed', test: { setupFiles: ['/work/wt/speed/.cpuacct/setup.ts'], maxWorkers: 1 } }));
