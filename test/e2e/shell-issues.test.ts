// Issue flows in shell mode: `npm start` without Slack tokens as a child process with piped
// stdin, and without Notion: the /audit issue form and Approve on a proposal from the report
// keep local drafts.

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/bot.js';
import { runMain } from '../support/run-main.js';

describe('shell mode issues as a child process', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });

  it('/audit issue asks for the five fields and keeps a local draft without Notion', async () => {
    const input = [
      '/audit issue Eagle export misses BPM tags',
      '',
      '3',
      'Bug',
      '1',
      'The export drops BPM tags.',
      'Seen on 2026-01-18.',
      '.',
    ];
    const result = await runMain({
      input: `${input.join('\n')}\n`,
      env: { AUDIT_BOT_DB: path.join(dir, 'issue.db') },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Title [Eagle export misses BPM tags]:');
    expect(result.stdout).toContain('Priority (1 High, 2 Medium, 3 Low) [Medium]:');
    expect(result.stdout).toContain('Type (1 Internal Issue, 2 Bug, 3 Question, 4 Task) [Internal Issue]:');
    expect(result.stdout).toContain(
      'Check (1 fingerprint-coverage, 2 djay-id-sync, 3 drivesheets-tests, 4 dashboard-modules, 5 audit-report) (optional: Enter for none):',
    );
    expect(result.stdout).toContain('kept as a local draft in the issues channel');
    // The draft is proposed in #C0ISSUES with Low priority, type Bug, the check it tracks and
    // both description lines.
    const draft = result.stdout.slice(result.stdout.lastIndexOf('*Eagle export misses BPM tags*'));
    expect(draft).toContain('Low · Bug');
    expect(draft).toContain('Tracks the check _Fingerprint coverage (Eagle)_');
    expect(draft).toContain('The export drops BPM tags.\nSeen on 2026-01-18.');
  });

  it('lets an approver press Approve on a proposal from the report', async () => {
    const result = await runMain({
      input: 'press 1\n',
      env: { AUDIT_BOT_DB: path.join(dir, 'approve.db'), AUDIT_BOT_SHELL_USER: 'U0APPROVER' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[1] Approve  [2] Edit  [3] Dismiss');
    expect(result.stdout).toContain(
      'Notion is not connected (NOTION_TOKEN and notion.issues), so the issue is kept as a local draft',
    );
  });
});
