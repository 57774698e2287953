// The alert relay under pressure: JSON alerts and their validation, firing again after
// resolving, a storm of groups, and Slack failing for a while. Each ends with every group shown
// exactly once in its final state. Hard kills are in alerts-crash*.test.ts.

import { afterEach, describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/dev/render.js';
import { groupOf, RELAY, relayConfig, sendAlert, topLevel } from '../support/alert-relay.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { FakeSlack } from '../support/fake-slack.js';
import { until } from '../support/until.js';

/** The text each group's message shows now: its post, then its updates in order. */
function finalTexts(slack: FakeSlack): Map<string, string> {
  const byTs = new Map<string, string>();
  for (const call of slack.calls) {
    if (call.answer.ok !== true || call.body.thread_ts) continue;
    const rendered = renderMessage({
      text: String(call.body.text ?? ''),
      blocks: (call.body.blocks as unknown[]) ?? [],
    }).text;
    if (call.method === 'chat.postMessage') byTs.set(String(call.answer.ts), rendered);
    if (call.method === 'chat.update') byTs.set(String(call.body.ts), rendered);
  }
  return byTs;
}

describe('alert relay resilience', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(rate: number): Promise<{ slack: FakeSlack; test: TestBot }> {
    const slack = await FakeSlack.start({ tokens: [RELAY.token] });
    cleanups.push(() => slack.stop());
    const test = await startTestBot({
      env: {
        SLACK_BOT_TOKEN: RELAY.token,
        SLACK_SIGNING_SECRET: RELAY.secret,
        SLACK_API_URL: slack.apiUrl,
        AUDIT_BOT_WEBHOOK_TOKEN: RELAY.webhookToken,
      },
      configYaml: relayConfig(rate),
    });
    cleanups.push(() => test.stop());
    return { slack, test };
  }

  it('validates JSON alerts: token, media type, size and schema', async () => {
    const { test } = await setup(50);
    const base = test.bot.httpUrl;
    expect(
      (await sendAlert(base, { title: 'x', status: 'firing' }, { authorization: 'Bearer nope' })).status,
    ).toBe(401);
    expect(
      (await sendAlert(base, 'title=x', { 'content-type': 'application/x-www-form-urlencoded' })).status,
    ).toBe(415);
    expect(
      (await sendAlert(base, { title: 'x', status: 'firing', text: 'y'.repeat(1_100_000) })).status,
    ).toBe(413);
    const bad = await sendAlert(base, { title: '', status: 'burning', severity: 'meh' });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { issues: Array<{ path: string }> };
    expect(body.issues.map((i) => i.path)).toEqual(['title', 'status', 'severity']);
    const badAm = await fetch(`${base}/alerts/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${RELAY.webhookToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ version: '3', alerts: [] }),
    });
    expect(badAm.status).toBe(400);
  });

  it('a JSON alert that fires again after resolving flips the message back and says so in the thread', async () => {
    const { slack, test } = await setup(50);
    const base = test.bot.httpUrl;
    const alert = {
      title: 'DriveSheetsSync lock timeout',
      key: 'drivesheets-lock',
      severity: 'warning',
      text: 'RUN_ALL_PRODUCTION_TESTS failed',
    };
    expect((await sendAlert(base, { ...alert, status: 'firing' })).status).toBe(202);
    const post = await until(() => topLevel(slack)[0]);
    const ts = String(post.answer.ts);
    await sendAlert(base, { ...alert, status: 'resolved' });
    await until(() => finalTexts(slack).get(ts)?.includes('[RESOLVED]'));
    await sendAlert(base, { ...alert, status: 'firing' });
    await until(() => finalTexts(slack).get(ts)?.includes('[FIRING:1]'));
    const threadTexts = () =>
      slack.calls.filter((c) => c.body.thread_ts === ts && c.answer.ok).map((c) => String(c.body.text));
    await until(() => threadTexts().length >= 2);
    expect(threadTexts()[0]).toMatch(/^:white_check_mark: Resolved after/);
    expect(threadTexts()[1]).toBe(':rotating_light: Firing again.');
    expect(topLevel(slack)).toHaveLength(1);
  });

  it('a storm of 300 groups ends with each shown once, within the per-channel rate', async () => {
    const rate = 40;
    const { slack, test } = await setup(rate);
    const severities = ['critical', 'warning', 'info'] as const;
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        sendAlert(test.bot.httpUrl, {
          title: `Storm alert ${i}`,
          key: `storm-${i}`,
          status: 'firing',
          severity: severities[i % 3],
        }),
      ),
    );
    // How fast they are accepted is the bench's business (npm run bench), not this test's.
    expect(answers.every((a) => a.status === 202)).toBe(true);
    await until(
      () => topLevel(slack).length >= 300 && test.bot.deps.alerts.groups.pendingCount() === 0,
      30_000,
    );
    const groups = topLevel(slack).map(groupOf);
    expect(new Set(groups).size).toBe(300);
    expect(groups).toHaveLength(300);
    // No channel ever got more than burst + rate messages in any one-second window.
    for (const channel of ['C0CRIT', 'C0ALERTS', 'C0INFO']) {
      const times = topLevel(slack)
        .filter((c) => c.body.channel === channel)
        .map((c) => c.at);
      expect(times).toHaveLength(100);
      for (const t of times)
        expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(rate + 3);
    }
  });

  it('a backlog in one channel does not hold up another', async () => {
    const { slack, test } = await setup(2);
    for (let i = 0; i < 60; i += 1)
      await sendAlert(test.bot.httpUrl, { title: `Backlog ${i}`, key: `backlog-${i}`, status: 'firing' });
    await sendAlert(test.bot.httpUrl, {
      title: 'Disk full',
      key: 'disk',
      status: 'firing',
      severity: 'critical',
    });
    await until(() => topLevel(slack).some((c) => c.body.channel === 'C0CRIT'), 3000);
    // The critical channel was served while the default channel still had most of its backlog.
    expect(topLevel(slack).filter((c) => c.body.channel === 'C0ALERTS').length).toBeLessThan(20);
  });

  it('rides out Slack answering 500 and then 429, coalescing updates into the final state', async () => {
    const { slack, test } = await setup(50);
    const base = test.bot.httpUrl;
    slack.failNext('*', { status: 500, times: 6 });
    for (let i = 0; i < 5; i += 1)
      await sendAlert(base, { title: `Flaky ${i}`, key: `flaky-${i}`, status: 'firing' });
    // While Slack is failing, flaky-0 changes several times; only its final state matters.
    for (const status of ['resolved', 'firing', 'resolved'] as const)
      await sendAlert(base, { title: 'Flaky 0', key: 'flaky-0', status });
    await until(() => slack.calls.filter((c) => c.status === 500).length >= 6);
    slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1, times: 2 });
    await until(
      () => topLevel(slack).length >= 5 && test.bot.deps.alerts.groups.pendingCount() === 0,
      30_000,
    );
    expect(new Set(topLevel(slack).map(groupOf)).size).toBe(5);
    expect(topLevel(slack)).toHaveLength(5);
    const flaky0 = topLevel(slack).find((c) => String(c.body.text).includes('Flaky 0'));
    const final = finalTexts(slack).get(String(flaky0?.answer.ts));
    expect(final).toContain('[RESOLVED]');
    expect(slack.calls.some((c) => c.status === 429)).toBe(true);
  });
});
