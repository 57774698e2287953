// A hard kill of the alert relay mid-delivery: the bot as its own process (HTTP mode), killed
// with SIGKILL right after Slack answered a post and before the bot could record it, then
// started again on the same database. Nothing is lost, nothing posted twice.

import { describe, expect, it, onTestFinished } from 'vitest';
import { groupOf, RELAY, relayProcess, sendAlert, topLevel } from '../support/alert-relay.js';
import { FakeSlack } from '../support/fake-slack.js';
import { until } from '../support/until.js';

describe('alert relay across a kill -9 mid-delivery', () => {
  it('loses nothing and posts nothing twice across a kill -9 mid-delivery', async () => {
    const slack = await FakeSlack.start({ tokens: [RELAY.token] });
    onTestFinished(() => slack.stop());
    const bot = await relayProcess(slack);
    let child = (await bot.start()).child;
    // Once every alert is accepted, kill it right after Slack answered a post (the 25th or a
    // later one), before the bot could record it.
    let killed = false;
    let sending = true;
    slack.on('call', (call) => {
      if (!killed && !sending && call.method === 'chat.postMessage' && topLevel(slack).length >= 25) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    for (let i = 0; i < 80; i += 1) {
      const res = await sendAlert(bot.url, {
        title: `Crash alert ${i}`,
        key: `crash-${i}`,
        status: 'firing',
        severity: 'warning',
      });
      expect(res.status).toBe(202);
    }
    sending = false;
    await until(() => (killed && child.exitCode !== null) || child.signalCode !== null);
    expect(topLevel(slack).length).toBeLessThan(80);
    child = (await bot.start()).child;
    await until(() => new Set(topLevel(slack).map(groupOf)).size >= 80, 30_000);
    await bot.settle();
    const groups = topLevel(slack).map(groupOf);
    expect(new Set(groups).size).toBe(80);
    expect(groups).toHaveLength(80);
    // The post cut off by the kill was found in the channel instead of being posted again:
    // under the manifest's scopes, after joining the public channel it only posted to.
    expect(slack.callsTo('conversations.history').some((c) => c.answer.ok === true)).toBe(true);
    expect(slack.callsTo('conversations.join').map((c) => c.body.channel)).toEqual(['C0ALERTS']);
  });
});
