// Refusals at start: `npm start` (src/main.ts as a child process) with a bad config, a bad
// environment variable, a corrupt database or a token Slack rejects ends with one line on
// stderr and a non-zero exit code, never a stack trace or a secret.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/bot.js';
import { FakeSlack } from '../support/fake-slack.js';
import { runMain } from '../support/run-main.js';

describe('refusals at start', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });

  it('refuses a bad config with one line per problem and exit code 2', async () => {
    const file = path.join(dir, 'bad.yml');
    writeFileSync(
      file,
      [
        'timezone: Mars/Olympus',
        'probes:',
        '  - { id: a, kind: push }',
        '  - { id: b, kind: push }',
        '  - { id: c, kind: sqlite, path: x.db, total_sql: "SELECT 1", covered_sql: "SELECT 1", target: 80 }',
        'colour: red',
      ].join('\n'),
    );
    const result = await runMain({ env: { AUDIT_BOT_CONFIG: file, AUDIT_BOT_DB: path.join(dir, 'cfg.db') } });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'audit-bot: timezone: must be an IANA time zone such as Europe/Berlin or UTC',
      'audit-bot: probes[2].target: must be between 0 and 1',
      'audit-bot: colour: unknown key',
    ]);
    expect(result.stdout).toBe('');
  });

  it('refuses a bad environment variable without echoing its value', async () => {
    const result = await runMain({ env: { SLACK_BOT_TOKEN: 'xoxp-user-SECRET', SLACK_SIGNING_SECRET: 's' } });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('audit-bot: SLACK_BOT_TOKEN: must be a bot token starting with xoxb-');
  });

  it('names a corrupt database file in one line and exits 1', async () => {
    const file = path.join(dir, 'corrupt.db');
    writeFileSync(file, 'this is not a database, it is a shopping list\n'.repeat(200));
    const result = await runMain({ env: { AUDIT_BOT_DB: file } });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `audit-bot: cannot open the database ${file}: the file is not an SQLite database (corrupt, or another kind of file)`,
    );
  });

  it('exits 1 with one line when Slack rejects the token, without a stack trace', async () => {
    const slack = await FakeSlack.start({ tokens: ['xoxb-the-right-one'] });
    try {
      const result = await runMain({
        env: {
          SLACK_BOT_TOKEN: 'xoxb-wrong-SECRET',
          SLACK_SIGNING_SECRET: 'signing',
          SLACK_API_URL: slack.apiUrl,
          AUDIT_BOT_DB: path.join(dir, 'auth.db'),
        },
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `audit-bot: Slack rejected SLACK_BOT_TOKEN on auth.test at ${slack.apiUrl}: invalid_auth`,
      );
    } finally {
      await slack.stop();
    }
  });
});
