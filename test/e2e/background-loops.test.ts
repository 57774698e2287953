// Background loops outlive their failures: an error in the Home tab's periodic refresh or a
// store error in the alert outbox is logged and counted, never an unhandled rejection (which
// main.ts turns into an exit), and the loop carries on once the cause is gone.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestBot, type TestBot } from '../support/bot.js';
import { FakeSlack } from '../support/fake-slack.js';
import { until } from '../support/until.js';

const TOKEN = 'xoxb-loops-test';
const WEBHOOK = 'loops-webhook-token-0123456789';

describe('background loops', () => {
  let slack: FakeSlack;
  let test: TestBot;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeEach(async () => {
    rejections.length = 0;
    process.on('unhandledRejection', onRejection);
    slack = await FakeSlack.start({ tokens: [TOKEN] });
    test = await startTestBot({
      env: {
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: 'loops-signing-secret',
        SLACK_API_URL: slack.apiUrl,
        AUDIT_BOT_WEBHOOK_TOKEN: WEBHOOK,
      },
      configYaml: `
timezone: UTC
slack: { channels: { alerts: C0ALERTS }, approvers: [U0APPROVER] }
alerts: { rate_per_channel: 50 }
`,
      // The Home tab's timer looks for changes every 5 s in production; these tests wait for it.
      waits: { homeChangeCheckMs: 100 },
    });
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await test?.stop();
    await slack?.stop();
    process.off('unhandledRejection', onRejection);
  });

  const metric = async (name: string) => {
    const text = await (await fetch(`${test.bot.httpUrl}/metrics`)).text();
    return Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };

  it('the Home tab refresh survives a failing store and publishes again once it works', async () => {
    const { home, alerts } = test.bot.deps;
    await home.opened('U0VIEWER');
    expect(slack.callsTo('views.publish')).toHaveLength(1);
    // The store fails (a full disk, a locked file) while the timer refreshes the open tabs.
    const firing = vi.spyOn(alerts.groups, 'firing').mockImplementation(() => {
      throw new Error('SQLITE_IOERR: disk I/O error');
    });
    await until(() => firing.mock.calls.length > 0, 8000);
    await until(() => test.logs.text.includes('Home tab refresh failed: SQLITE_IOERR'), 3000);
    expect(rejections).toEqual([]);
    expect(await metric('audit_bot_background_errors_total{loop="home"}')).toBeGreaterThan(0);
    // Once the store answers again, a change reaches the tab.
    firing.mockRestore();
    const res = await fetch(`${test.bot.httpUrl}/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WEBHOOK}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Eagle sync lagging', status: 'firing', severity: 'critical' }),
    });
    expect(res.status).toBe(202);
    await until(() => slack.callsTo('views.publish').length >= 2, 8000);
    expect(rejections).toEqual([]);
  });

  it('the alert outbox survives store errors while delivering and while recording a failure', async () => {
    const { groups } = test.bot.deps.alerts;
    // Recording the attempt fails, and so does recording that failure: nothing in the group's
    // own error handling can absorb it.
    const posting = vi.spyOn(groups, 'markPosting').mockImplementationOnce(() => {
      throw new Error('SQLITE_BUSY: database is locked');
    });
    const failed = vi.spyOn(groups, 'markFailed').mockImplementationOnce(() => {
      throw new Error('SQLITE_BUSY: database is locked');
    });
    const res = await fetch(`${test.bot.httpUrl}/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WEBHOOK}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Disk full', status: 'firing', severity: 'critical' }),
    });
    expect(res.status).toBe(202);
    await until(() => posting.mock.calls.length > 0 && failed.mock.calls.length > 0);
    // The next round (after a short wait) delivers it.
    await until(() => slack.callsTo('chat.postMessage').some((c) => c.answer.ok === true), 8000);
    expect(rejections).toEqual([]);
    expect(test.logs.text).toContain('alert outbox round failed: SQLITE_BUSY');
    expect(await metric('audit_bot_background_errors_total{loop="alert_outbox"}')).toBe(1);
  });
});
