// HTTP mode end to end: signed requests into the real Bolt app over HTTP, its Web API calls
// going to the fake Slack server over HTTP.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '../support/bot.js';
import { FakeSlack } from '../support/fake-slack.js';
import { postCommand, postEvent, postInteraction } from '../support/sign.js';

const BOT_TOKEN = 'xoxb-test-0000-SECRETBOTTOKEN';
const SIGNING_SECRET = 'test-signing-secret-SECRETSIGNING';

function commandFields(
  slack: FakeSlack,
  text: string,
  user = 'U0MEMBER',
): Record<string, string> & { response_url: string } {
  return {
    token: 'legacy',
    team_id: 'T0LOCAL',
    team_domain: 'local',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: user,
    user_name: 'member',
    command: '/audit',
    text,
    api_app_id: 'A0AUDITBOT',
    is_enterprise_install: 'false',
    response_url: slack.newResponseUrl(),
    trigger_id: slack.newTriggerId(),
  };
}

describe('HTTP mode', () => {
  let slack: FakeSlack;
  let test: TestBot;
  let events: string;

  beforeAll(async () => {
    slack = await FakeSlack.start({ tokens: [BOT_TOKEN] });
    test = await startTestBot({
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl },
      processMetrics: true,
    });
    events = `${test.bot.httpUrl}/slack/events`;
  });

  afterAll(async () => {
    await test?.stop();
    await slack?.stop();
  });

  it('checks the bot token with auth.test at start', () => {
    expect(test.bot.transport).toBe('http');
    const authTest = slack.callsTo('auth.test');
    expect(authTest.length).toBeGreaterThanOrEqual(1);
    expect(authTest[0]?.token).toBe(BOT_TOKEN);
  });

  it('answers a signed /audit help through response_url with every subcommand', async () => {
    const fields = commandFields(slack, 'help');
    const res = await postCommand(events, SIGNING_SECRET, fields);
    expect(res.status).toBe(200);
    const call = await slack.waitFor('response_url', (c) => fields.response_url.endsWith(`/${c.responseId}`));
    expect(call.status).toBe(200);
    expect(call.body.response_type).toBe('ephemeral');
    const text = JSON.stringify(call.body.blocks);
    expect(text).not.toContain('/audit refresh');
    expect(text).not.toContain('/audit digest');
    for (const sub of ['help', 'status [probe-id]', 'issue [title…]', 'alerts']) {
      expect(text).toContain(`/audit ${sub}`);
    }
  });

  it('offers approvers the approver-only subcommands in help', async () => {
    const fields = commandFields(slack, 'help', 'U0APPROVER');
    await postCommand(events, SIGNING_SECRET, fields);
    const call = await slack.waitFor('response_url', (c) => fields.response_url.endsWith(`/${c.responseId}`));
    const text = JSON.stringify(call.body.blocks);
    for (const sub of ['refresh [probe-id]', 'digest [digest-id]']) expect(text).toContain(`/audit ${sub}`);
  });

  it('treats a bare /audit as help', async () => {
    const fields = commandFields(slack, '');
    await postCommand(events, SIGNING_SECRET, fields);
    const call = await slack.waitFor('response_url', (c) => fields.response_url.endsWith(`/${c.responseId}`));
    expect(String(call.body.text)).toContain('audit-bot commands');
  });

  it('suggests the closest subcommand for a typo', async () => {
    const fields = commandFields(slack, 'stauts fingerprint-coverage');
    await postCommand(events, SIGNING_SECRET, fields);
    const call = await slack.waitFor('response_url', (c) => fields.response_url.endsWith(`/${c.responseId}`));
    expect(call.body.text).toBe('/audit stauts is not a command. Did you mean /audit status?');
  });

  it('rejects a wrong signature with 401 and runs nothing', async () => {
    const fields = commandFields(slack, 'help');
    const res = await postCommand(events, SIGNING_SECRET, fields, { signature: 'v0=deadbeef' });
    expect(res.status).toBe(401);
    const res2 = await postCommand(events, 'another-secret', fields);
    expect(res2.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(
      slack.calls.some(
        (c) => c.method === 'response_url' && fields.response_url.endsWith(`/${c.responseId}`),
      ),
    ).toBe(false);
  });

  it('rejects a request signed more than 5 minutes ago with 401', async () => {
    const fields = commandFields(slack, 'help');
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await postCommand(events, SIGNING_SECRET, fields, { timestamp: sixMinutesAgo });
    expect(res.status).toBe(401);
  });

  it('publishes the Home tab on app_home_opened', async () => {
    const res = await postEvent(events, SIGNING_SECRET, {
      token: 'legacy',
      team_id: 'T0LOCAL',
      api_app_id: 'A0AUDITBOT',
      type: 'event_callback',
      event_id: 'Ev0001',
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_home_opened', user: 'U0MEMBER', channel: 'D0MEMBER', tab: 'home', event_ts: '1.0' },
      authorizations: [{ team_id: 'T0LOCAL', user_id: 'U0AUDITBOT', is_bot: true }],
    });
    expect(res.status).toBe(200);
    const call = await slack.waitFor('views.publish', (c) => c.body.user_id === 'U0MEMBER');
    expect(call.answer.ok).toBe(true);
    expect((call.body.view as { type: string }).type).toBe('home');
  });

  it('opens the issue form from the "Create Notion issue" message shortcut, prefilled', async () => {
    const triggerId = slack.newTriggerId();
    const res = await postInteraction(events, SIGNING_SECRET, {
      type: 'message_action',
      callback_id: 'create_notion_issue',
      trigger_id: triggerId,
      response_url: slack.newResponseUrl(),
      team: { id: 'T0LOCAL', domain: 'local' },
      user: { id: 'U0MEMBER', name: 'member', team_id: 'T0LOCAL' },
      channel: { id: 'C0GENERAL', name: 'general' },
      message: {
        type: 'message',
        ts: '1700000000.000100',
        text: 'Eagle export lost BPM tags',
        user: 'U0OTHER',
      },
      message_ts: '1700000000.000100',
      action_ts: '1700000001.000000',
      token: 'legacy',
    });
    expect(res.status).toBe(200);
    const call = await slack.waitFor('views.open', (c) => c.body.trigger_id === triggerId);
    expect(call.answer.ok).toBe(true);
    const view = call.body.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(view.callback_id).toBe('issue_form');
    expect(JSON.stringify(view.blocks)).toContain('Eagle export lost BPM tags');
    expect(JSON.parse(view.private_metadata)).toEqual({
      channel: 'C0GENERAL',
      slackLink: 'https://local.slack/archives/C0GENERAL/p1700000000000100',
    });
  });

  it('serves /healthz', async () => {
    const res = await fetch(`${test.bot.httpUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves Prometheus metrics with command counters', async () => {
    const res = await fetch(`${test.bot.httpUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE audit_bot_commands_total counter');
    expect(text).toContain('# TYPE audit_bot_process_cpu_user_seconds_total counter');
    expect(text).toContain('audit_bot_nodejs_heap_size_used_bytes');
    // The event loop's delay (p99 over the time since the last scrape): what every ack waits behind.
    expect(text).toMatch(/^audit_bot_nodejs_eventloop_lag_p99_seconds \d/m);
    expect(text).toMatch(/audit_bot_commands_total\{subcommand="help"\} [2-9]/);
    expect(text).toMatch(/audit_bot_commands_total\{subcommand="unknown"\} 1/);
    expect(text).toMatch(/audit_bot_actions_total\{action="create_notion_issue"\} 1/);
  });

  it('answers unknown paths with JSON 404', async () => {
    const res = await fetch(`${test.bot.httpUrl}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found' });
  });

  it('never logs the bot token or the signing secret', () => {
    expect(test.logs.lines.length).toBeGreaterThan(0);
    expect(test.logs.text).not.toContain('SECRETBOTTOKEN');
    expect(test.logs.text).not.toContain('SECRETSIGNING');
  });
});

describe('start-up failures', () => {
  it('stops with one clear error when Slack rejects the token on auth.test', async () => {
    const slack = await FakeSlack.start({ tokens: ['xoxb-the-right-one'] });
    try {
      const attempt = startTestBot({
        env: {
          SLACK_BOT_TOKEN: 'xoxb-wrong-SECRET',
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: slack.apiUrl,
        },
      });
      await expect(attempt).rejects.toMatchObject({ code: 'slack_auth_failed' });
      const error = await attempt.catch((e: Error) => e);
      expect(String((error as Error).message)).toMatch(
        /^Slack rejected SLACK_BOT_TOKEN on auth\.test at .*: invalid_auth$/,
      );
      expect(String((error as Error).message)).not.toContain('SECRET');
    } finally {
      await slack.stop();
    }
  });

  it('stops with one clear error when the port is in use', async () => {
    const slack = await FakeSlack.start();
    const first = await startTestBot({
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl },
    });
    try {
      const port = new URL(first.bot.httpUrl).port;
      const second = startTestBot({
        env: {
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: slack.apiUrl,
          PORT: port,
        },
      });
      await expect(second).rejects.toMatchObject({
        code: 'port_in_use',
        message: `port ${port} on 127.0.0.1 is already in use (set PORT to another port, or 0 for any free one)`,
      });
    } finally {
      await first.stop();
      await slack.stop();
    }
  });
});
