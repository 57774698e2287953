// Secrets never reach probe programs or Slack users: a command probe runs with a minimal
// environment plus its configured `env:`, whatever it prints of the bot's secrets (from its
// environment or from a file) is masked in the status detail, the store and the logs, and only
// approvers see a command probe's full command line. Over real HTTP with the real Bolt app.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/dev/render.js';
import { startTestBot, type TestBot, tempDir } from '../support/bot.js';
import { FakeSlack, type SlackCall } from '../support/fake-slack.js';
import { postCommand } from '../support/sign.js';

const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-secrets-test-4242-BOTTOKENVALUE',
  SLACK_SIGNING_SECRET: 'signing-SECRET-value-7f3a9c',
  NOTION_TOKEN: 'ntn_NOTIONSECRETVALUE_0123456789',
  AUDIT_BOT_WEBHOOK_TOKEN: 'webhook-SECRET-value-0123456789abcdef',
} as const;

/** What the minimal child environment may hold, besides the probe's own `env:`. */
const ALLOWED_CHILD_KEYS = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

describe('secrets and command probes', () => {
  let slack: FakeSlack;
  let test: TestBot;
  let dir: string;
  const saved: Record<string, string | undefined> = {};

  function text(call: SlackCall): string {
    return renderMessage({
      text: String(call.body.text ?? ''),
      blocks: (call.body.blocks as unknown[]) ?? [],
    }).text;
  }

  async function status(probeId: string, user: string): Promise<string> {
    const responseUrl = slack.newResponseUrl();
    const res = await postCommand(`${test.bot.httpUrl}/slack/events`, SECRETS.SLACK_SIGNING_SECRET, {
      team_id: 'T0LOCAL',
      channel_id: 'C0GENERAL',
      user_id: user,
      command: '/audit',
      text: `status ${probeId}`,
      response_url: responseUrl,
      trigger_id: slack.newTriggerId(),
    });
    expect(res.status).toBe(200);
    const call = await slack.waitFor('response_url', (c) => responseUrl.endsWith(`/${c.responseId}`));
    return `${text(call)}\n${JSON.stringify(call.body)}`;
  }

  function expectNoSecret(where: string, shown: string): void {
    for (const [name, value] of Object.entries(SECRETS))
      expect(shown, `${name} in ${where}`).not.toContain(value);
  }

  beforeAll(async () => {
    dir = tempDir();
    // In production the bot's tokens are in its own process environment, which children used
    // to inherit whole.
    for (const [name, value] of Object.entries(SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    writeFileSync(path.join(dir, 'secrets.txt'), Object.values(SECRETS).join(' '));
    writeFileSync(
      path.join(dir, 'leaky.js'),
      `const fs = require('node:fs');
fs.writeFileSync(${JSON.stringify(path.join(dir, 'child-env.json'))}, JSON.stringify(process.env));
console.log(JSON.stringify(process.env));
console.error('env: ' + JSON.stringify(process.env));
console.error('from a file: ' + fs.readFileSync(${JSON.stringify(path.join(dir, 'secrets.txt'))}, 'utf8'));
process.exit(1);`,
    );
    writeFileSync(
      path.join(dir, 'figure.js'),
      `const secrets = require('node:fs').readFileSync(${JSON.stringify(path.join(dir, 'secrets.txt'))}, 'utf8');
console.log(JSON.stringify({ covered: 5, total: 2, note: secrets }));`,
    );
    slack = await FakeSlack.start({ tokens: [SECRETS.SLACK_BOT_TOKEN] });
    test = await startTestBot({
      env: { ...SECRETS, SLACK_API_URL: slack.apiUrl },
      startProbes: false,
      configYaml: `
slack: { approvers: [U0APPROVER] }
probes:
  - id: leaky
    title: Leaky script
    kind: command
    run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(dir, 'leaky.js'))}, --flag-only-approvers-see]
    env: { PIPELINE_STAGE: "nightly" }
  - id: leaky-figure
    title: Leaky figure
    kind: command
    run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(dir, 'figure.js'))}]
`,
    });
    await test.bot.deps.runner.runAll();
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await test?.stop();
    await slack?.stop();
  });

  it('gives the child a minimal environment plus its configured env, without any secret', () => {
    const childEnv = JSON.parse(readFileSync(path.join(dir, 'child-env.json'), 'utf8')) as Record<
      string,
      string
    >;
    expectNoSecret('the child environment', JSON.stringify(childEnv));
    expect(childEnv.PIPELINE_STAGE).toBe('nightly');
    const unexpected = Object.keys(childEnv).filter(
      (key) => key !== 'PIPELINE_STAGE' && !ALLOWED_CHILD_KEYS.includes(key),
    );
    expect(unexpected).toEqual([]);
  });

  it('masks secrets the program prints from elsewhere (a file) in what is stored and shown', async () => {
    const stored = JSON.stringify([
      test.bot.deps.results.latest('leaky'),
      test.bot.deps.results.latest('leaky-figure'),
    ]);
    expect(stored).toContain('[secret]');
    expectNoSecret('the stored results', stored);
    for (const probeId of ['leaky', 'leaky-figure']) {
      const shown = await status(probeId, 'U0MEMBER');
      expect(shown).toContain('[secret]');
      expectNoSecret(`/audit status ${probeId}`, shown);
    }
  });

  it('keeps secrets out of the logs', () => {
    expect(test.logs.text).toContain('probe failed');
    expectNoSecret('the logs', test.logs.text);
  });

  it('shows the full command line to approvers only; members see the program name', async () => {
    const member = await status('leaky', 'U0MEMBER');
    expect(member).toContain('Source: command: node');
    expect(member).not.toContain('leaky.js');
    expect(member).not.toContain('--flag-only-approvers-see');
    expect(member).not.toContain(process.execPath);
    const approver = await status('leaky', 'U0APPROVER');
    expect(approver).toContain(`leaky.js --flag-only-approvers-see`);
  });
});
