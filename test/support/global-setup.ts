// One folder for every file a test run writes (databases, configs, scripts), removed when the
// run ends, whatever the tests left behind. It is on a RAM file system where there is one
// (Linux's /dev/shm): the bot's database waits for the disk at each commit (synchronous=FULL,
// for power loss, which no test cuts), which cost 0.3 ms a commit and 7 ms a new database on
// this project's CI disk, over hundreds of bots. A kill -9 keeps what was written either way.

import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Read by tempDir() in the workers, which inherit the environment. */
export const TEST_FILES_ENV = 'AUDIT_BOT_TEST_FILES';

function ramOrTemp(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

export default function setup(): () => void {
  const root = mkdtempSync(path.join(ramOrTemp(), 'audit-bot-tests-'));
  process.env[TEST_FILES_ENV] = root;
  return () => rmSync(root, { recursive: true, force: true });
}
