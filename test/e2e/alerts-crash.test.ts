// A hard kill of the alert relay mid-delivery: the bot as its own process (HTTP mode), killed
// with SIGKILL right after Slack answered a post or a thread reply and before the bot could
// record it, then started again on the same database. Nothing is lost, nothing posted twice.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { groupOf, RELAY, relayConfig, sendAlert, topLevel } from '../support/alert-relay.js';
import { tempDir } from '../support/bot.js';
import { FakeSlack } from '../support/fake-slack.js';
import { type MainProcess, startMainProcess } from '../support/run-main.js';
import { until } from '../support/until.js';

/**
 * Alert groups and thread replies the bot's database still has to deliver (read beside the
 * running bot: SQLite's WAL mode lets another process read).
 */
function undelivered(dbFile: string): number {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const count = (sql: string) => db.prepare<[], { n: number }>(sql).get()?.n ?? 0;
    return (
      count('SELECT COUNT(*) AS n FROM alert_groups WHERE posted_version < version AND parked_at IS NULL') +
      count('SELECT COUNT(*) AS n FROM alert_replies WHERE posted_at IS NULL')
    );
  } finally {
    db.close();
  }
}

describe('alert relay across a kill -9', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** The bot as its own process (HTTP mode) on a fresh database, restartable on the same one. */
  async function processBot(slack: FakeSlack) {
    const dir = tempDir();
    const file = path.join(dir, 'audit-bot.yml');
    writeFileSync(file, relayConfig(20));
    const db = path.join(dir, 'bot.db');
    const env = {
      SLACK_BOT_TOKEN: RELAY.token,
      SLACK_SIGNING_SECRET: RELAY.secret,
      SLACK_API_URL: slack.apiUrl,
      AUDIT_BOT_WEBHOOK_TOKEN: RELAY.webhookToken,
      AUDIT_BOT_CONFIG: file,
      AUDIT_BOT_DB: db,
      PORT: String(40000 + Math.floor(Math.random() * 20000)),
      LOG_LEVEL: 'warn',
    };
    let current: MainProcess | undefined;
    cleanups.push(async () => {
      current?.child.kill('SIGKILL');
    });
    return {
      url: `http://127.0.0.1:${env.PORT}`,
      db,
      async start(): Promise<MainProcess> {
        current = await startMainProcess(env);
        return current;
      },
      /**
       * Waits until the database has nothing left to deliver, then stops the bot with SIGTERM
       * (it finishes what is under way): no post can come after this.
       */
      async settle(): Promise<void> {
        await until(() => undelivered(db) === 0, 30_000);
        current?.child.kill('SIGTERM');
        expect(await current?.exited, current?.output()).toEqual({ code: 0, signal: null });
      },
    };
  }

  it('loses nothing and posts nothing twice across a kill -9 mid-delivery', async () => {
    const slack = await FakeSlack.start({ tokens: [RELAY.token] });
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
    await bot.settle();
    const groups = topLevel(slack).map(groupOf);
    expect(new Set(groups).size).toBe(80);
    expect(groups).toHaveLength(80);
    // The post cut off by the kill was found in the channel instead of being posted again:
    // under the manifest's scopes, after joining the public channel it only posted to.
    expect(slack.callsTo('conversations.history').some((c) => c.answer.ok === true)).toBe(true);
    expect(slack.callsTo('conversations.join').map((c) => c.body.channel)).toEqual(['C0ALERTS']);
  });

  it('posts every "Resolved after" thread reply exactly once across a kill -9 mid-reply', async () => {
    const slack = await FakeSlack.start({ tokens: [RELAY.token] });
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
