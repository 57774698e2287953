// What `npm start` runs is the build (scripts/build.mjs → dist/main.js), not the TypeScript
// sources the other tests load: this proves the build starts and answers, bundled example
// config and demo data included.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/run-main.js';

describe('the build npm start runs', () => {
  it('starts in shell mode from dist/ and answers /audit status with the demo figures', () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-build-'));
    try {
      const run = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'main.js')], {
        cwd: ROOT,
        input: '/audit status\n',
        encoding: 'utf8',
        timeout: 60_000,
        env: { PATH: process.env.PATH ?? '', AUDIT_BOT_DB: path.join(dir, 'bot.db'), PORT: '0' },
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('20.1% (4,244 / 21,125)');
      expect(run.stdout).toContain('70.0% (10,878 / 15,540)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
