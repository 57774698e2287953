import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
const ticks = () => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return [Number(f[11]) + Number(f[12]), Number(f[13]) + Number(f[14])];
};
let start: number[] = [0, 0];
let t0 = 0;
beforeAll(() => { start = ticks(); t0 = Date.now(); });
afterAll(() => {
  const end = ticks();
  appendFileSync('/tmp/cpuacct/out.txt', `${((end[0]! - start[0]!) / 100).toFixed(2)} ${((end[1]! - start[1]!) / 100).toFixed(2)} ${((Date.now() - t0) / 1000).toFixed(1)} ${String(expect.getState().testPath).replace(/.*\/test\//, '')}\n`);
});
