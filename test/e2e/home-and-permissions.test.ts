// App Home end to end (what it shows, how many views.publish calls a crowd costs, republishing
// on change), Share in channel, and the permission matrix with users and user groups.

import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { renderView } from '../../src/dev/render.js';
import { Permissions } from '../../src/kit/permissions.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { FakeSlack, type SlackCall } from '../support/fake-slack.js';
import { postCommand, postEvent, postInteraction } from '../support/sign.js';
import { until } from '../support/until.js';

const TOKEN = 'xoxb-home-test';
const SECRET = 'home-signing-secret';
const WEBHOOK = 'home-webhook-token-0123456789';

describe('App Home and Share in channel', () => {
  let slack: FakeSlack;
  let test: TestBot;
  const events = () => `${test.bot.httpUrl}/slack/events`;

  beforeAll(async () => {
    slack = await FakeSlack.start({ tokens: [TOKEN] });
    test = await startTestBot({
      env: {
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        AUDIT_BOT_WEBHOOK_TOKEN: WEBHOOK,
      },
      configYaml: `
slack: { channels: { alerts: C0ALERTS, issues: C0ISSUES }, approvers: [U0APPROVER] }
probes: [{ id: drivesheets-tests, title: DriveSheetsSync tests, kind: push }]
`,
      // Slack's rate limit is not what these tests count: 650 ms between publishes made the
      // crowd below wait 10 s for its 15 views.
      waits: { homePublishSpacingMs: 20 },
    });
    test.bot.deps.issues.proposals.propose(
      {
        sourceKey: 'home:1',
        title: '[AUDIT] djay Pro ID sync only 70% complete',
        priority: 'Medium',
        type: 'Internal Issue',
        description: 'x',
      },
      new Date(),
    );
    const res = await fetch(`${test.bot.httpUrl}/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WEBHOOK}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Eagle sync lagging', status: 'firing', severity: 'critical' }),
    });
    expect(res.status).toBe(202);
    await until(() => test.bot.deps.alerts.groups.pendingCount() === 0 || undefined);
  });

  afterAll(async () => {
    await test?.stop();
    await slack?.stop();
  });

  const open = (user: string) =>
    postEvent(events(), SECRET, {
      type: 'event_callback',
      team_id: 'T0LOCAL',
      api_app_id: 'A0AUDITBOT',
      event: { type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: '1.0' },
      event_id: `Ev${user}${Math.random()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: 'T0LOCAL', user_id: 'U0AUDITBOT', is_bot: true }],
    });
  const publishes = (user?: string) =>
    slack.calls.filter((c) => c.method === 'views.publish' && (!user || c.body.user_id === user));
  const homeText = (call: SlackCall) => renderView(call.body.view as { blocks: unknown[] }).text;

  it('shows checks, firing alerts with links and proposals; Approve only for approvers', async () => {
    await open('U0APPROVER');
    const approver = await until(() => publishes('U0APPROVER')[0]);
    const text = homeText(approver);
    expect(text).toContain('DriveSheetsSync tests* — never measured yet');
    expect(text).toContain('Firing alerts (1)');
    expect(text).toContain('Eagle sync lagging (https://slack.com/archives/C0ALERTS/p');
    expect(text).toContain('[AUDIT] djay Pro ID sync only 70% complete');
    expect(text).toContain('Approve');
    await open('U0MEMBER');
    const member = await until(() => publishes('U0MEMBER')[0]);
    expect(homeText(member)).not.toContain('Approve');
  });

  it('costs at most one views.publish per user when many open Home at once, none when current', async () => {
    const before = publishes().length;
    const users = Array.from({ length: 15 }, (_, i) => `U0CROWD${i}`);
    await Promise.all(users.map((u) => open(u)));
    await until(() => publishes().length >= before + 15 || undefined, 20_000);
    expect(publishes().length).toBe(before + 15);
    // Each open is handled once it is acknowledged: wait for all 15 to be done.
    const opened = vi.spyOn(test.bot.deps.home, 'opened');
    try {
      await Promise.all(users.map((u) => open(u)));
      await until(() => opened.mock.calls.length >= 15 || undefined);
      await Promise.all(opened.mock.results.map((r) => r.value));
    } finally {
      opened.mockRestore();
    }
    expect(publishes().length).toBe(before + 15);
  });

  it('republishes to viewers when the data changes', async () => {
    const before = publishes('U0APPROVER').length;
    await fetch(`${test.bot.httpUrl}/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WEBHOOK}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Dashboard down', status: 'firing', severity: 'critical' }),
    });
    await test.bot.deps.home.refreshAll();
    await until(() => publishes('U0APPROVER').length > before || undefined, 20_000);
    expect(homeText(publishes('U0APPROVER').at(-1) as SlackCall)).toContain('Firing alerts (2)');
  });

  it('Approve on the Home tab answers by direct message (a Home view has no response_url)', async () => {
    const view = publishes('U0APPROVER').at(-1)?.body.view as {
      blocks: Array<{ elements?: Array<{ action_id: string; value: string }> }>;
    };
    const approve = view.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'issue_approve');
    const res = await postInteraction(events(), SECRET, {
      type: 'block_actions',
      team: { id: 'T0LOCAL' },
      user: { id: 'U0APPROVER', team_id: 'T0LOCAL' },
      container: { type: 'view', view_id: 'V0HOME' },
      view: { id: 'V0HOME', type: 'home', blocks: view.blocks },
      trigger_id: slack.newTriggerId(),
      actions: [
        { type: 'button', action_id: 'issue_approve', block_id: 'b', value: approve?.value, action_ts: '1' },
      ],
    });
    expect(res.status).toBe(200);
    const dm = await slack.waitFor('chat.postMessage', (c) => c.body.channel === 'U0APPROVER');
    expect(String(dm.body.text)).toContain('Notion is not connected');
    // The Messages tab is on (manifest.yml), so the direct message is seen…
    expect(slack.unseenDirectMessages).toEqual([]);
    // …and the answer is on top of the Home tab too, where the button was pressed.
    const republished = await until(() =>
      publishes('U0APPROVER').find((c) => homeText(c).includes('kept as a local draft')),
    );
    expect(homeText(republished).indexOf('kept as a local draft')).toBeLessThan(
      homeText(republished).indexOf('Firing alerts'),
    );
  });

  it('answers /audit status privately with Share in channel, which posts it visibly, attributed', async () => {
    const responseUrl = slack.newResponseUrl();
    const acknowledgement = await postCommand(events(), SECRET, {
      team_id: 'T0LOCAL',
      channel_id: 'C0GENERAL',
      user_id: 'U0MEMBER',
      command: '/audit',
      text: 'status',
      response_url: responseUrl,
      trigger_id: slack.newTriggerId(),
    });
    const answer = { body: await slack.firstAnswer(acknowledgement, responseUrl) };
    expect(answer.body.response_type).toBe('ephemeral');
    const blocks = answer.body.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>;
    const share = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'status_share');
    const shareUrl = slack.newResponseUrl();
    await postInteraction(events(), SECRET, {
      type: 'block_actions',
      team: { id: 'T0LOCAL' },
      user: { id: 'U0MEMBER', team_id: 'T0LOCAL' },
      channel: { id: 'C0GENERAL' },
      container: { type: 'message', message_ts: '0', is_ephemeral: true },
      trigger_id: slack.newTriggerId(),
      response_url: shareUrl,
      actions: [
        { type: 'button', action_id: 'status_share', block_id: 'b', value: share?.value, action_ts: '1' },
      ],
    });
    const shared = await slack.waitFor('response_url', (c) => shareUrl.endsWith(`/${c.responseId}`));
    expect(shared.body.response_type).toBe('in_channel');
    const text = JSON.stringify(shared.body.blocks);
    expect(text).toContain('Shared by <@U0MEMBER>');
    expect(text).not.toContain('status_share');
  });
});

describe('permission matrix', () => {
  let slack: FakeSlack;
  let permissions: Permissions;

  beforeAll(async () => {
    slack = await FakeSlack.start({ tokens: [TOKEN] });
    slack.userGroups.set('S0ONCALL', ['U0ONCALL']);
    slack.userGroups.set('S0OPS', ['U0OPS', 'U0ONCALL']);
    const config = parseConfig(
      `
slack:
  approvers: [U0APPROVER]
  permissions:
    silence_alerts: [S0ONCALL]
    refresh: [S0OPS, U0APPROVER]
    post_digests: [U0DIGESTER]
`,
      '/tmp/a.yml',
    );
    permissions = new Permissions(
      config,
      new webApi.WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
    );
  });
  afterAll(async () => {
    await slack?.stop();
  });

  it.each([
    ['U0APPROVER', { approve_issues: true, silence_alerts: false, refresh: true, post_digests: false }],
    ['U0ONCALL', { approve_issues: false, silence_alerts: true, refresh: true, post_digests: false }],
    ['U0OPS', { approve_issues: false, silence_alerts: false, refresh: true, post_digests: false }],
    ['U0DIGESTER', { approve_issues: false, silence_alerts: false, refresh: false, post_digests: true }],
    ['U0NOBODY', { approve_issues: false, silence_alerts: false, refresh: false, post_digests: false }],
  ] as const)('%s', async (user, expected) => {
    const actual: Record<string, boolean> = {};
    for (const permission of ['approve_issues', 'silence_alerts', 'refresh', 'post_digests'] as const) {
      actual[permission] = await permissions.allows(permission, user);
    }
    expect(actual).toEqual(expected);
  });

  it('asks Slack for a user group once, then uses the cached members', async () => {
    const before = slack.callsTo('usergroups.users.list').length;
    await permissions.allows('silence_alerts', 'U0ONCALL');
    await permissions.allows('silence_alerts', 'U0SOMEONE');
    expect(slack.callsTo('usergroups.users.list').length).toBe(before);
  });
});
