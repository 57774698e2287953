// An alert flood must not delay the alerts that matter: the most severe groups go first in
// each channel, a source with more open groups than alerts.max_open_groups_per_source has the
// rest held back (kept, not lost) behind one notice per channel that is updated in place, and
// a group Slack refuses for good is parked instead of blocking or being retried forever.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL_BURST, NOTICE_UPDATE_MS } from '../../src/alerts/delivery-policy.js';
import { HeldNotices } from '../../src/alerts/held-notices.js';
import { groupIdOf } from '../../src/alerts/incoming.js';
import { renderMessage } from '../../src/dev/render.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { FakeSlack, type SlackCall } from '../support/fake-slack.js';
import { until } from '../support/until.js';

const TOKEN = 'xoxb-flood-test';
const WEBHOOK = 'flood-webhook-token-0123456789';

const metadataOf = (call: SlackCall) =>
  call.body.metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined;
/** Successful top-level posts of alert groups, in the order Slack received them. */
const groupPosts = (slack: FakeSlack) =>
  slack.calls.filter(
    (c) =>
      c.method === 'chat.postMessage' && c.answer.ok === true && metadataOf(c)?.event_type === 'audit_alert',
  );
/** The JSON alert `key` a post belongs to, from its metadata (not from its rendered text). */
const keyed = (slack: FakeSlack, key: string) =>
  groupPosts(slack).filter((c) => metadataOf(c)?.event_payload?.group_id === groupIdOf(`json:${key}`));
const noticePosts = (slack: FakeSlack) =>
  slack.calls.filter(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.answer.ok === true &&
      metadataOf(c)?.event_type === 'audit_alert_notice',
  );
/** What a message shows now: its post, then its updates. */
function currentText(slack: FakeSlack, ts: string): string {
  let text = '';
  for (const call of slack.calls) {
    if (call.answer.ok !== true) continue;
    const isPost = call.method === 'chat.postMessage' && call.answer.ts === ts;
    const isUpdate = call.method === 'chat.update' && call.body.ts === ts;
    if (isPost || isUpdate)
      text = renderMessage({
        text: String(call.body.text ?? ''),
        blocks: (call.body.blocks as unknown[]) ?? [],
      }).text;
  }
  return text;
}

describe('alert floods', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(
    alertsYaml: string,
  ): Promise<{ slack: FakeSlack; test: TestBot; send: Send; passTime: (ms: number) => void }> {
    const slack = await FakeSlack.start({ tokens: [TOKEN] });
    cleanups.push(() => slack.stop());
    // The bot's clock runs with the real one; passTime moves it ahead (and wakes the outbox)
    // where the test would otherwise sit out a schedule, such as the notices' update interval.
    let ahead = 0;
    const test = await startTestBot({
      now: () => new Date(Date.now() + ahead),
      env: {
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: 'flood-signing-secret',
        SLACK_API_URL: slack.apiUrl,
        AUDIT_BOT_WEBHOOK_TOKEN: WEBHOOK,
      },
      configYaml: `
timezone: UTC
slack: { channels: { alerts: C0ALERTS }, approvers: [U0APPROVER] }
alerts:
  default_channel: C0ALERTS
${alertsYaml}
`,
    });
    cleanups.push(() => test.stop());
    const send: Send = async (body) => {
      const res = await fetch(`${test.bot.httpUrl}/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WEBHOOK}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(202);
    };
    const passTime = (ms: number) => {
      ahead += ms;
      test.bot.deps.alerts.outbox.wake();
    };
    return { slack, test, send, passTime };
  }
  type Send = (body: Record<string, unknown>) => Promise<void>;

  it('posts a critical group among the first few, even behind 60 info groups in its channel', async () => {
    // The default rate (one message a second, bursts of 3) and the default cap.
    const { slack, send } = await setup('');
    for (let i = 0; i < 60; i += 1)
      await send({ title: `Junk ${i}`, key: `junk-${i}`, status: 'firing', severity: 'info' });
    await send({ title: 'Database down', key: 'db', status: 'firing', severity: 'critical' });
    const before = groupPosts(slack).length;
    await until(() => keyed(slack, 'db').length > 0, 15_000);
    const order = groupPosts(slack).map((c) => String(c.body.text));
    const position = groupPosts(slack).indexOf(keyed(slack, 'db')[0] as SlackCall);
    // What went out while the 60 were being sent, then at most the rest of a burst already
    // under way (3): the critical group is next, not 60th.
    expect(position, order.join('\n')).toBeLessThanOrEqual(before + CHANNEL_BURST);
    expect(before, 'the junk was sent faster than Slack takes it').toBeLessThan(40);
  });

  it('holds back groups beyond the per-source cap behind one notice, and posts them as others resolve', async () => {
    const { slack, test, send, passTime } = await setup(
      '  rate_per_channel: 50\n  max_open_groups_per_source: 3',
    );
    const fire = (i: number | string, severity = 'warning', status = 'firing') =>
      send({ title: `Flood ${i}`, key: `flood-${i}`, status, severity });
    const posted = (i: number | string) => keyed(slack, `flood-${i}`);
    /**
     * Lets the notices' update interval pass once the bot has recorded showing `count` (it
     * records the time after Slack answers; moving the clock before that would not count).
     */
    const noticeIntervalPasses = async (count: number) => {
      await until(() => new HeldNotices(test.bot.deps.store).all()[0]?.shownCount === count);
      passTime(NOTICE_UPDATE_MS);
    };
    for (let i = 0; i < 5; i += 1) await fire(i);

    // Three are shown; one notice says two are held back.
    const notice = await until(() => noticePosts(slack)[0]);
    const noticeTs = String(notice.answer.ts);
    // A notice first shown for one group is updated once its update interval has passed.
    if (!currentText(slack, noticeTs).includes('2 alert groups')) await noticeIntervalPasses(1);
    await until(() => currentText(slack, noticeTs).includes('2 alert groups from JSON alerts'), 10_000);
    expect([0, 1, 2].map((i) => posted(i).length)).toEqual([1, 1, 1]);
    expect([3, 4].map((i) => posted(i).length)).toEqual([0, 0]);
    expect(currentText(slack, noticeTs)).toContain('held back');
    const metrics = await (await fetch(`${test.bot.httpUrl}/metrics`)).text();
    expect(metrics).toContain('audit_bot_alerts_held{channel="C0ALERTS"} 2');

    // One more is held: the same notice is updated in place.
    await fire(5);
    await noticeIntervalPasses(2);
    await until(() => currentText(slack, noticeTs).includes('3 alert groups'), 10_000);
    // A critical group of the same source is never held behind warnings already shown.
    await fire('crit', 'critical');
    await until(() => posted('crit').length === 1);
    expect([3, 4, 5].map((i) => posted(i).length)).toEqual([0, 0, 0]);

    // Three resolve: two held groups are posted, one is still held.
    for (const i of [0, 1, 2]) await fire(i, 'warning', 'resolved');
    await until(() => posted(3).length === 1 && posted(4).length === 1);
    await noticeIntervalPasses(3);
    await until(() => currentText(slack, noticeTs).includes('1 alert group from'), 10_000);
    expect(posted(5)).toHaveLength(0);

    // The last one resolves: the held group is posted and the notice says nothing is held.
    await fire('crit', 'critical', 'resolved');
    await until(() => posted(5).length === 1);
    await until(() => currentText(slack, noticeTs).includes('No alert groups from JSON alerts'), 10_000);
    await until(() => test.bot.deps.alerts.groups.pendingCount() === 0);
    expect(noticePosts(slack)).toHaveLength(1);
    for (const i of [0, 1, 2, 3, 4, 5, 'crit']) expect(posted(i), `Flood ${i}`).toHaveLength(1);
  });

  it('parks a group Slack refuses for good, goes on with the others, and retries it when it changes', async () => {
    const { slack, test, send, passTime } = await setup('  rate_per_channel: 50');
    slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    await send({ title: 'Refused', key: 'refused', status: 'firing', severity: 'critical' });
    await until(() => slack.calls.some((c) => c.answer.error === 'invalid_blocks'));
    for (let i = 0; i < 3; i += 1) await send({ title: `Fine ${i}`, key: `fine-${i}`, status: 'firing' });
    await until(() => groupPosts(slack).length === 3);
    // Not retried on its own: the same request would be refused again. An hour later (past any
    // backoff) the outbox goes through a whole round without it.
    passTime(3_600_000);
    const rounds = vi.spyOn(test.bot.deps.alerts.groups, 'due');
    try {
      test.bot.deps.alerts.outbox.wake();
      await until(() => rounds.mock.calls.length >= 2);
    } finally {
      rounds.mockRestore();
    }
    expect(keyed(slack, 'refused')).toHaveLength(0);
    const metrics = await (await fetch(`${test.bot.httpUrl}/metrics`)).text();
    expect(metrics).toContain('audit_bot_alerts_parked_total{reason="invalid_blocks"} 1');
    expect(metrics).toContain('audit_bot_alerts_parked{reason="invalid_blocks"} 1');
    expect(test.logs.text).toContain('alert group parked');
    const parked = test.bot.deps.alerts.groups.get('json:refused');
    expect(parked?.parked?.reason).toBe('invalid_blocks');
    expect(parked?.parked?.detail).toContain('invalid_blocks');
    // The next webhook for it tries again.
    await send({ title: 'Refused', key: 'refused', status: 'firing', severity: 'critical', text: 'again' });
    await until(() => keyed(slack, 'refused').length === 1);
    expect(test.bot.deps.alerts.groups.get('json:refused')?.parked).toBeUndefined();
  });
});
