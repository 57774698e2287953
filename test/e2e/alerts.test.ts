// The alert relay end to end: the real Alertmanager posting its webhook to the bot, the bot
// posting and updating Slack messages on the fake Slack server, buttons pressed as signed
// interactions, and silences read back from Alertmanager.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/dev/render.js';
import { type RunningAlertmanager, startAlertmanager } from '../support/alertmanager.js';
import { startTestBot, type TestBot, tempDir } from '../support/bot.js';
import { FakeSlack, type SlackCall } from '../support/fake-slack.js';
import { postCommand, postInteraction } from '../support/sign.js';
import { until } from '../support/until.js';

const TOKEN = 'xoxb-alerts-test';
const SECRET = 'alerts-signing-secret';
const WEBHOOK = 'alerts-webhook-token-0123456789';

const CONFIG = `
timezone: UTC
slack: { channels: { alerts: C0ALERTS }, approvers: [U0APPROVER] }
alerts:
  default_channel: C0ALERTS
  routes:
    - { match: { severity: critical }, channel: C0CRIT }
`;

function text(call: SlackCall): string {
  return renderMessage({ text: String(call.body.text ?? ''), blocks: (call.body.blocks as unknown[]) ?? [] })
    .text;
}

describe('alert relay with the real Alertmanager', () => {
  let slack: FakeSlack;
  let test: TestBot;
  let am: RunningAlertmanager;
  const dir = tempDir();

  beforeAll(async () => {
    slack = await FakeSlack.start({
      tokens: [TOKEN],
      // /audit alerts lists a group only to members of its channel.
      channelMembers: { C0CRIT: ['U0MEMBER', 'U0APPROVER'], C0ALERTS: ['U0MEMBER', 'U0APPROVER'] },
    });
    // The bot needs Alertmanager's URL and Alertmanager the bot's: start the bot on a port
    // first, Alertmanager pointing at it, then a second bot on the same database with both.
    const probe = await startTestBot({
      env: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl },
    });
    const port = new URL(probe.bot.httpUrl).port;
    await probe.stop();
    am = await startAlertmanager({
      dir,
      webhookUrl: `http://127.0.0.1:${port}/alerts/alertmanager`,
      token: WEBHOOK,
    });
    test = await startTestBot({
      env: {
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        AUDIT_BOT_WEBHOOK_TOKEN: WEBHOOK,
        ALERTMANAGER_URL: am.url,
        PORT: port,
      },
      configYaml: CONFIG,
    });
  });

  afterAll(async () => {
    await test?.stop();
    await am?.stop();
    await slack?.stop();
  });

  const posts = (channel: string) =>
    slack.calls.filter(
      (c) =>
        c.method === 'chat.postMessage' && c.body.channel === channel && !c.body.thread_ts && c.answer.ok,
    );
  const updates = (ts: string) =>
    slack.calls.filter((c) => c.method === 'chat.update' && c.body.ts === ts && c.answer.ok);
  const replies = (ts: string) =>
    slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.thread_ts === ts && c.answer.ok);

  it('posts one message per group, updates it, resolves it with a thread reply', async () => {
    const startsAt = new Date().toISOString();
    const alert = (instance: string, endsAt?: string) => ({
      labels: { alertname: 'DashboardLatencyHigh', severity: 'warning', service: 'dashboard', instance },
      annotations: {
        summary: 'Dashboard p95 latency above 500 ms',
        runbook_url: 'https://runbooks.example/latency',
      },
      startsAt,
      ...(endsAt ? { endsAt } : {}),
      generatorURL: 'http://prometheus.example/graph?g0.expr=latency',
    });
    await am.postAlerts([alert('web-1')]);
    const first = await until(() => posts('C0ALERTS')[0]);
    expect(text(first)).toContain(
      '[FIRING:1] DashboardLatencyHigh: Dashboard p95 latency above 500 ms* — warning',
    );
    // The notification text names the alertname too, with the group labels.
    expect(String(first.body.text)).toContain(
      '[FIRING:1] DashboardLatencyHigh: Dashboard p95 latency above 500 ms',
    );
    expect(String(first.body.text)).toContain('alertname=DashboardLatencyHigh');
    expect(text(first)).toContain('Runbook (https://runbooks.example/latency)');
    expect(text(first)).toContain('[1] Acknowledge  [2] Silence 1h');
    const ts = String(first.answer.ts);

    await am.postAlerts([alert('web-1'), alert('web-2')]);
    const second = await until(() => updates(ts).find((c) => text(c).includes('[FIRING:2]')));
    expect(text(second)).toContain('instance=web-2');
    expect(posts('C0ALERTS')).toHaveLength(1);

    const now = new Date().toISOString();
    await am.postAlerts([alert('web-1', now), alert('web-2', now)]);
    const resolved = await until(() => updates(ts).find((c) => text(c).includes('[RESOLVED]')));
    expect(text(resolved)).toContain('resolved after');
    expect(text(resolved)).not.toContain('Acknowledge');
    const reply = await until(() => replies(ts).find((c) => String(c.body.text).includes('Resolved after')));
    expect(reply.body.thread_ts).toBe(ts);
  });

  it('routes critical alerts to their channel, acknowledges and silences through the buttons', async () => {
    await am.postAlerts([
      {
        labels: { alertname: 'FingerprintJobDown', severity: 'critical', job: 'batch_fingerprint' },
        annotations: {},
        startsAt: new Date().toISOString(),
      },
    ]);
    const message = await until(() => posts('C0CRIT')[0]);
    const ts = String(message.answer.ts);
    const blocks = message.body.blocks as Array<{
      type: string;
      elements?: Array<{ action_id: string; value: string }>;
    }>;
    const buttons = blocks.find((b) => b.type === 'actions')?.elements ?? [];
    const press = (actionId: string, user: string) => {
      const button = buttons.find((b) => b.action_id === actionId);
      const responseUrl = slack.newResponseUrl();
      return {
        responseUrl,
        done: postInteraction(`${test.bot.httpUrl}/slack/events`, SECRET, {
          type: 'block_actions',
          team: { id: 'T0LOCAL' },
          user: { id: user, team_id: 'T0LOCAL' },
          channel: { id: 'C0CRIT' },
          container: { type: 'message', message_ts: ts, channel_id: 'C0CRIT' },
          message: { ts, blocks },
          trigger_id: slack.newTriggerId(),
          response_url: responseUrl,
          actions: [
            { type: 'button', action_id: actionId, block_id: 'b', value: button?.value, action_ts: '1' },
          ],
        }),
      };
    };

    await press('alert_acknowledge', 'U0MEMBER').done;
    await until(() => updates(ts).find((c) => text(c).includes('Acknowledged by @U0MEMBER')));
    await until(() => replies(ts).find((c) => String(c.body.text).includes('Acknowledged by <@U0MEMBER>')));

    const denied = press('alert_silence', 'U0MEMBER');
    await denied.done;
    const refusal = await slack.waitFor('response_url', (c) =>
      denied.responseUrl.endsWith(`/${c.responseId}`),
    );
    expect(refusal.body.text).toContain('Only approvers can silence alerts');
    expect(await am.silences()).toHaveLength(0);

    await press('alert_silence', 'U0APPROVER').done;
    const silenced = await until(() => updates(ts).find((c) => text(c).includes('Silenced by @U0APPROVER')));
    const silences = await am.silences();
    expect(silences).toHaveLength(1);
    expect(silences[0]?.matchers).toEqual([
      { name: 'alertname', value: 'FingerprintJobDown', isRegex: false, isEqual: true },
    ]);
    expect(silences[0]?.createdBy).toBe('slack:U0APPROVER');
    expect(text(silenced)).toContain(silences[0]?.id ?? 'no id');
  });

  it('/audit alerts lists the firing groups with links', async () => {
    const responseUrl = slack.newResponseUrl();
    await postCommand(`${test.bot.httpUrl}/slack/events`, SECRET, {
      team_id: 'T0LOCAL',
      channel_id: 'C0GENERAL',
      user_id: 'U0MEMBER',
      command: '/audit',
      text: 'alerts',
      response_url: responseUrl,
      trigger_id: slack.newTriggerId(),
    });
    const answer = await slack.waitFor('response_url', (c) => responseUrl.endsWith(`/${c.responseId}`));
    const shown = text(answer);
    expect(shown).toContain('1 alert group is firing');
    expect(shown).toContain('FingerprintJobDown (https://slack.com/archives/C0CRIT/p');
    expect(shown).not.toContain('Dashboard p95');
  });
});
