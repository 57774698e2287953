// A hard kill of the alert relay mid-reply: the bot as its own process (HTTP mode), killed with
// SIGKILL right after Slack answered a "Resolved after" thread reply and before the bot could
// record it, then started again on the same database. Every reply is posted exactly once.

import { describe, expect, it, onTestFinished } from 'vitest';
import { groupOf, RELAY, relayProcess, sendAlert, topLevel } from '../support/alert-relay.js';
import { FakeSlack } from '../support/fake-slack.js';
import { until } from '../support/until.js';

describe('alert relay across a kill -9 mid-reply', () => {
  it('posts every "Resolved after" thread reply exactly once across a kill -9 mid-reply', async () => {
    const slack = await FakeSlack.start({ tokens: [RELAY.token] });
    onTestFinished(() => slack.stop());
    const bot = await relayProcess(slack);
    let child = (await bot.start()).child;
    const count = 30;
    const alert = (i: number, status: 'firing' | 'resolved') => ({
      title: `Reply alert ${i}`,
      key: `reply-${i}`,
      status,
      severity: 'warning',
    });
    for (let i = 0; i < count; i += 1)
      expect((await sendAlert(bot.url, alert(i, 'firing'))).status).toBe(202);
    await until(() => new Set(topLevel(slack).map(groupOf)).size >= count, 30_000);
    const threadOf = new Map(topLevel(slack).map((c) => [String(c.answer.ts), groupOf(c)]));
    const replies = () =>
      slack.calls.filter(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.answer.ok === true &&
          typeof c.body.thread_ts === 'string' &&
          String(c.body.text).startsWith(':white_check_mark: Resolved after'),
      );
    // Kill it right after Slack answered the 10th reply, before the bot could record it.
    let killed = false;
    slack.on('call', () => {
      if (!killed && replies().length >= 10) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    for (let i = 0; i < count; i += 1) {
      const res = await sendAlert(bot.url, alert(i, 'resolved')).catch(() => undefined);
      if (!res) break; // killed while the resolves were still arriving
      expect(res.status).toBe(202);
    }
    await until(() => killed && (child.exitCode !== null || child.signalCode !== null));
    // Whatever the kill cut off is sent again after the restart.
    child = (await bot.start()).child;
    for (let i = 0; i < count; i += 1) await sendAlert(bot.url, alert(i, 'resolved'));
    await until(() => new Set(replies().map((c) => String(c.body.thread_ts))).size >= count, 30_000);
    await bot.settle();
    const perThread = new Map<string, number>();
    for (const reply of replies()) {
      const thread = String(reply.body.thread_ts);
      expect(threadOf.has(thread)).toBe(true);
      perThread.set(thread, (perThread.get(thread) ?? 0) + 1);
    }
    expect(perThread.size).toBe(count);
    expect([...perThread.values()].filter((n) => n !== 1)).toEqual([]);
    // The reply cut off by the kill was looked for in its thread instead of being posted again.
    expect(slack.callsTo('conversations.replies').length).toBeGreaterThan(0);
  });
});
