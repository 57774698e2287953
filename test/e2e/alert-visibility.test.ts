// Who sees which alert groups outside their channel: /audit alerts and the Home tab list a group
// only to members of the channel it was routed to (read from Slack's conversations.members), to
// holders of view_all_alerts (approvers by default) all of them, and with alerts.visible_to:
// everyone to everybody; when Slack cannot tell who is in a channel, its groups stay hidden.
// And where a direct message lands when the manifest turns the Messages tab off: nowhere.

import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMessage, renderView } from '../../src/dev/render.js';
import { startHttpBot } from '../support/bot.js';
import { FakeSlack, type SlackCall } from '../support/fake-slack.js';
import { postCommand, postEvent } from '../support/sign.js';
import { until } from '../support/until.js';

describe('alert visibility', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(visibleTo: string, members: Record<string, string[]>) {
    const bot = await startHttpBot({
      // The on-call channel is private: the bot was invited, the member was not.
      slack: { privateChannels: ['C0ONCALL'], memberOf: ['C0ONCALL'], channelMembers: members },
      configYaml: `
slack: { channels: { alerts: C0ALERTS }, approvers: [U0APPROVER] }
alerts:
  default_channel: C0ALERTS
  visible_to: ${visibleTo}
  routes: [{ match: { severity: critical }, channel: C0ONCALL }]
`,
    });
    cleanups.push(() => bot.stop());
    const { slack, test } = bot;
    for (const [title, severity] of [
      ['Eagle sync lagging', 'warning'],
      ['Payment keys leaked', 'critical'],
    ] as const) {
      const res = await bot.webhook('/alerts', { title, status: 'firing', severity });
      expect(res.status).toBe(202);
    }
    await until(() => test.bot.deps.alerts.groups.pendingCount() === 0 || undefined);
    const { events, secret } = bot;
    const alertsFor = async (user: string) => {
      const responseUrl = slack.newResponseUrl();
      await postCommand(events, secret, {
        team_id: 'T0LOCAL',
        channel_id: 'C0GENERAL',
        user_id: user,
        command: '/audit',
        text: 'alerts',
        response_url: responseUrl,
        trigger_id: slack.newTriggerId(),
      });
      const answer = await slack.waitFor('response_url', (c) => responseUrl.endsWith(`/${c.responseId}`));
      return renderMessage({ text: String(answer.body.text), blocks: answer.body.blocks as unknown[] }).text;
    };
    const homeFor = async (user: string) => {
      await postEvent(events, secret, {
        type: 'event_callback',
        team_id: 'T0LOCAL',
        api_app_id: 'A0AUDITBOT',
        event: { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: '1.0' },
        event_id: `Ev${user}${Math.random()}`,
        event_time: Math.floor(Date.now() / 1000),
      });
      const publish = await slack.waitFor('views.publish', (c: SlackCall) => c.body.user_id === user);
      return renderView(publish.body.view as { blocks: unknown[] }).text;
    };
    return { slack, test, alertsFor, homeFor };
  }

  it('shows a member only the groups of channels they are in, an approver all', async () => {
    const { alertsFor, homeFor } = await setup('channel_members', {
      C0ALERTS: ['U0MEMBER', 'U0ONCALL'],
      C0ONCALL: ['U0ONCALL'],
    });
    const member = await alertsFor('U0MEMBER');
    expect(member).toContain('Eagle sync lagging');
    expect(member).not.toContain('Payment keys leaked');
    expect(member).toContain('channels you are not a member of are not shown');
    const memberHome = await homeFor('U0MEMBER');
    expect(memberHome).toContain('Eagle sync lagging');
    expect(memberHome).not.toContain('Payment keys leaked');

    const onCall = await alertsFor('U0ONCALL');
    expect(onCall).toContain('Payment keys leaked');
    expect(onCall).toContain('Eagle sync lagging');

    const guest = await alertsFor('U0GUEST');
    expect(guest).toContain('No alert groups are firing');
    expect(await homeFor('U0GUEST')).not.toContain('Payment keys leaked');

    const approver = await alertsFor('U0APPROVER');
    expect(approver).toContain('Payment keys leaked');
    expect(approver).toContain('Eagle sync lagging');
    expect(await homeFor('U0APPROVER')).toContain('Payment keys leaked');
  });

  it('reads the members of large channels page by page', async () => {
    const crowd = Array.from({ length: 450 }, (_, i) => `U0CROWD${i}`);
    const { slack, alertsFor } = await setup('channel_members', {
      C0ALERTS: [...crowd, 'U0LAST'],
      C0ONCALL: [],
    });
    expect(await alertsFor('U0LAST')).toContain('Eagle sync lagging');
    expect(slack.callsTo('conversations.members').filter((c) => c.body.channel === 'C0ALERTS').length).toBe(
      3,
    );
  });

  it('hides the groups of a channel whose members Slack does not tell', async () => {
    const { slack, alertsFor } = await setup('channel_members', { C0ALERTS: ['U0MEMBER'] });
    slack.failNext('conversations.members', { error: 'internal_error', times: 10 });
    const shown = await alertsFor('U0MEMBER');
    expect(shown).not.toContain('Eagle sync lagging');
    expect(shown).toContain('could not be read from Slack');
  });

  it('shows every group to everybody with visible_to: everyone', async () => {
    const { alertsFor } = await setup('everyone', {});
    const guest = await alertsFor('U0GUEST');
    expect(guest).toContain('Payment keys leaked');
    expect(guest).toContain('Eagle sync lagging');
  });
});

describe('direct messages and the Messages tab', () => {
  it('a direct message sent while the manifest turns the Messages tab off is seen by nobody', async () => {
    const slack = await FakeSlack.start({ tokens: ['xoxb-dm-test'], messagesTab: false });
    try {
      const web = new webApi.WebClient('xoxb-dm-test', {
        slackApiUrl: slack.apiUrl,
        retryConfig: { retries: 0 },
      });
      await web.chat.postMessage({ channel: 'U0APPROVER', text: 'Created in Notion' });
      expect(slack.unseenDirectMessages).toEqual([{ user: 'U0APPROVER', text: 'Created in Notion' }]);
    } finally {
      await slack.stop();
    }
  });
});
