// The alert relay under pressure: JSON alerts and their validation, firing again after
// resolving, a storm of groups, Slack failing for a while, and a hard kill mid-delivery.
// Each ends with every group shown exactly once in its final state.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/dev/render.js';
import { startTestBot, type TestBot, tempDir } from '../support/bot.js';
import { FakeSlack, type SlackCall } from '../support/fake-slack.js';
import { type MainProcess, startMainProcess } from '../support/run-main.js';
import { until } from '../support/until.js';

const TOKEN = 'xoxb-storm-test';
const SECRET = 'storm-signing-secret';
const WEBHOOK = 'storm-webhook-token-0123456789';

/** JSON alerts without a source share one; these storms are meant to go through uncapped. */
function config(rate: number, maxOpenPerSource = 1000): string {
  return `
timezone: UTC
slack: { channels: { alerts: C0ALERTS }, approvers: [U0APPROVER] }
alerts:
  default_channel: C0ALERTS
  rate_per_channel: ${rate}
  burst: 3
  max_open_groups_per_source: ${maxOpenPerSource}
  routes:
    - { match: { severity: critical }, channel: C0CRIT }
    - { match: { severity: info }, channel: C0INFO }
`;
}

function sendAlert(base: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/alerts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WEBHOOK}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const topLevel = (slack: FakeSlack) =>
  slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.body.thread_ts && c.answer.ok === true);
const groupOf = (call: SlackCall) =>
  String((call.body.metadata as { event_payload?: { group_id?: string } }).event_payload?.group_id);
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
    const slack = await FakeSlack.start({ tokens: [TOKEN] });
    cleanups.push(() => slack.stop());
    const test = await startTestBot({
      env: {
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        AUDIT_BOT_WEBHOOK_TOKEN: WEBHOOK,
      },
      configYaml: config(rate),
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
      headers: { authorization: `Bearer ${WEBHOOK}`, 'content-type': 'application/json' },
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
    const started = Date.now();
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
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000);
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

  /** The bot as its own process (HTTP mode) on a fresh database, restartable on the same one. */
  async function processBot(slack: FakeSlack, maxOpenPerSource?: number) {
    const dir = tempDir();
    const file = path.join(dir, 'audit-bot.yml');
    writeFileSync(file, config(20, maxOpenPerSource));
    const env = {
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      AUDIT_BOT_WEBHOOK_TOKEN: WEBHOOK,
      AUDIT_BOT_CONFIG: file,
      AUDIT_BOT_DB: path.join(dir, 'bot.db'),
      PORT: String(40000 + Math.floor(Math.random() * 20000)),
      LOG_LEVEL: 'warn',
    };
    let current: MainProcess | undefined;
    cleanups.push(async () => {
      current?.child.kill('SIGKILL');
    });
    return {
      url: `http://127.0.0.1:${env.PORT}`,
      async start(): Promise<MainProcess> {
        current = await startMainProcess(env);
        return current;
      },
    };
  }

  it('loses nothing and posts nothing twice across a kill -9 mid-delivery', async () => {
    const slack = await FakeSlack.start({ tokens: [TOKEN] });
    cleanups.push(() => slack.stop());
    const bot = await processBot(slack);
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
    await new Promise((r) => setTimeout(r, 1500));
    const groups = topLevel(slack).map(groupOf);
    expect(new Set(groups).size).toBe(80);
    expect(groups).toHaveLength(80);
    // The post cut off by the kill was found in the channel instead of being posted again:
    // under the manifest's scopes, after joining the public channel it only posted to.
    expect(slack.callsTo('conversations.history').some((c) => c.answer.ok === true)).toBe(true);
    expect(slack.callsTo('conversations.join').map((c) => c.body.channel)).toEqual(['C0ALERTS']);
  });

  it('posts every "Resolved after" thread reply exactly once across a kill -9 mid-reply', async () => {
    const slack = await FakeSlack.start({ tokens: [TOKEN] });
    cleanups.push(() => slack.stop());
    const bot = await processBot(slack);
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
    await new Promise((r) => setTimeout(r, 1500));
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
