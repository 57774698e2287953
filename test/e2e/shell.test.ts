// Shell mode: `npm start` without Slack tokens, as a child process with piped stdin, and the
// console in-process for button presses. Issue flows are in shell-issues.test.ts, refusals at
// start in start-refusals.test.ts.

import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogCapture, startTestBot, type TestBot, tempDir } from '../support/bot.js';
import { runMain } from '../support/run-main.js';

describe('shell mode as a child process', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });

  it('answers /audit help from piped stdin and exits 0 at end of input', async () => {
    const result = await runMain({
      input: '/audit help\n',
      env: { AUDIT_BOT_DB: path.join(dir, 'help.db') },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'audit-bot shell — you are U0SHELL, not an approver (type "/user U0APPROVER" to act as one).',
    );
    expect(result.stdout).toContain('audit-bot — checks of the music-library pipeline');
    // Not an approver: refresh and digest (approvers only by default) are not offered.
    expect(result.stdout).not.toContain('/audit refresh');
    expect(result.stdout).not.toContain('/audit digest');
    for (const usage of [
      '/audit help',
      '/audit status [probe-id]',
      '/audit issue [title…]',
      '/audit alerts',
    ]) {
      expect(result.stdout).toContain(usage);
    }
    // Logs go to stderr, so stdout is only the conversation.
    expect(result.stdout).not.toMatch(/INFO|"level"/);
  });

  it('suggests a subcommand, switches user, shows Home, and explains an unknown button', async () => {
    const input = ['/audit stuts', '/user U0APPROVER', '/home', 'press 99', '/nope', '/audit status'].join(
      '\n',
    );
    const result = await runMain({ input: `${input}\n`, env: { AUDIT_BOT_DB: path.join(dir, 'multi.db') } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('/audit stuts is not a command. Did you mean /audit status?');
    expect(result.stdout).toContain('You are now U0APPROVER, an approver.');
    expect(result.stdout).toContain('── audit-bot · Home tab');
    expect(result.stdout).toContain('No button [99]. Buttons are numbered in the answers above.');
    expect(result.stdout).toContain('/nope is not a command of audit-bot. Try /audit help.');
    expect(result.stdout).toContain('Pipeline checks — ');
  });

  it('acts as AUDIT_BOT_SHELL_USER', async () => {
    const result = await runMain({
      input: '',
      env: { AUDIT_BOT_DB: path.join(dir, 'user.db'), AUDIT_BOT_SHELL_USER: 'U0APPROVER' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('you are U0APPROVER, an approver.');
  });

  it('stops cleanly on SIGTERM while waiting for input', async () => {
    const result = await runMain({
      keepStdinOpen: true,
      env: { AUDIT_BOT_DB: path.join(dir, 'term.db') },
      onOutput: { text: 'Type "help"', run: (child) => setTimeout(() => child.kill('SIGTERM'), 300) },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('audit-bot stopped');
  });
});

describe('shell console in process', () => {
  let test: TestBot;
  const input = new PassThrough();
  const output = new LogCapture();

  beforeAll(async () => {
    test = await startTestBot({ shellIo: { input, output, interactive: false } });
  });
  afterAll(async () => {
    input.end();
    await test.bot.finished;
    await test.stop();
  });

  async function until(text: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!output.text.includes(text)) {
      if (Date.now() > deadline) throw new Error(`"${text}" not printed; output:\n${output.text}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('numbers buttons in bot messages and sends a press back to the bot', async () => {
    await test.bot.app.client.chat.postMessage({
      channel: 'C0DIGEST',
      text: 'Docs',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'The *runbook* is online.' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'open_link',
              text: { type: 'plain_text', text: 'Open runbook' },
              url: 'https://example.com/runbook',
            },
          ],
        },
      ],
    });
    await until('[1] Open runbook');
    expect(output.text).toContain('── audit-bot · #C0DIGEST');
    input.write('press 1\n');
    await until('(opens https://example.com/runbook)');
    await new Promise((r) => setTimeout(r, 200));
    expect(output.text).not.toContain('Nothing handles the button');
    const after = await test.bot.deps.metrics.registry.getSingleMetricAsString('audit_bot_actions_total');
    expect(after).toContain('audit_bot_actions_total{action="open_link"} 1');
  });
});
