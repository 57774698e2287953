// Socket Mode end to end: the real SocketModeReceiver connects over a real WebSocket to the
// fake Slack server, receives envelopes and acknowledges them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '../support/bot.js';
import { FakeSlack } from '../support/fake-slack.js';

const BOT_TOKEN = 'xoxb-socket-test';
const APP_TOKEN = 'xapp-1-A0AUDITBOT-SECRETAPPTOKEN';

describe('Socket Mode', () => {
  let slack: FakeSlack;
  let test: TestBot;

  beforeAll(async () => {
    slack = await FakeSlack.start({ tokens: [BOT_TOKEN] });
    await slack.enableSocketMode(APP_TOKEN);
    test = await startTestBot({
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: slack.apiUrl },
    });
  });

  afterAll(async () => {
    await test?.stop();
    // Stopping the bot closes its WebSocket (the server sees the close a moment later).
    const deadline = Date.now() + 3000;
    while (slack.connectedSockets > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(slack.connectedSockets).toBe(0);
    await slack?.stop();
  });

  it('connects with the app-level token', () => {
    expect(test.bot.transport).toBe('socket');
    expect(slack.connectedSockets).toBe(1);
    expect(slack.callsTo('apps.connections.open')[0]?.token).toBe(APP_TOKEN);
  });

  it('acknowledges a slash command envelope and answers /audit help', async () => {
    const responseUrl = slack.newResponseUrl();
    const ack = await slack.sendEnvelope('slash_commands', {
      team_id: 'T0LOCAL',
      channel_id: 'C0GENERAL',
      user_id: 'U0MEMBER',
      command: '/audit',
      text: 'help',
      response_url: responseUrl,
      trigger_id: slack.newTriggerId(),
      api_app_id: 'A0AUDITBOT',
    });
    expect(ack.envelope_id).toBeTruthy();
    const help = await slack.waitFor('response_url', (c) => responseUrl.endsWith(`/${c.responseId}`));
    expect(JSON.stringify(help.body.blocks)).toContain('/audit status [probe-id]');
  });

  it('publishes the Home tab for an app_home_opened event', async () => {
    await slack.sendEnvelope('events_api', {
      type: 'event_callback',
      team_id: 'T0LOCAL',
      api_app_id: 'A0AUDITBOT',
      event: { type: 'app_home_opened', user: 'U0SOCKET', channel: 'D0SOCKET', tab: 'home', event_ts: '1.0' },
      event_id: 'Ev0SOCKET',
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: 'T0LOCAL', user_id: 'U0AUDITBOT', is_bot: true }],
    });
    const publish = await slack.waitFor('views.publish', (c) => c.body.user_id === 'U0SOCKET');
    expect(publish.answer.ok).toBe(true);
  });

  it('serves /healthz in Socket Mode too', async () => {
    const res = await fetch(`${test.bot.httpUrl}/healthz`);
    expect(res.status).toBe(200);
  });

  it('fails the start clearly when the app token is rejected, without repeating it', async () => {
    const other = await FakeSlack.start({ tokens: [BOT_TOKEN] });
    await other.enableSocketMode('xapp-the-right-one');
    try {
      const attempt = startTestBot({
        env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: other.apiUrl },
      });
      const error = (await attempt.catch((e: unknown) => e)) as { code?: string; message?: string };
      expect(error.code).toBe('slack_auth_failed');
      expect(error.message).toBe('Socket Mode could not connect: invalid_auth (check SLACK_APP_TOKEN)');
    } finally {
      await other.stop();
    }
  });
});
