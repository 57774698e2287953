// Builds what `npm start` runs: src/ bundled by esbuild into dist/main.js, with the packages
// left to node_modules. Node runs it directly: running the TypeScript through a loader at
// start cost every process about 40 MB of memory and a compile on each start.

import { build } from 'esbuild';

await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
