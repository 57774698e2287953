// The alert relay's test setup shared by the in-process and the child-process tests: its
// tokens, a config routing by severity, JSON alerts sent to /alerts, reading posts back, and
// the bot as its own process on a database that can be read beside it.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, onTestFinished } from 'vitest';
import { tempDir } from './bot.js';
import type { FakeSlack, SlackCall } from './fake-slack.js';
import { freePort, type MainProcess, startMainProcess } from './run-main.js';
import { until } from './until.js';

export const RELAY = {
  token: 'xoxb-storm-test',
  secret: 'storm-signing-secret',
  webhookToken: 'storm-webhook-token-0123456789',
} as const;

/** JSON alerts without a source share one; these storms are meant to go through uncapped. */
export function relayConfig(rate: number, maxOpenPerSource = 1000): string {
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

export function sendAlert(
  base: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base}/alerts`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${RELAY.webhookToken}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Successful top-level posts (group messages, not thread replies). */
export const topLevel = (slack: FakeSlack) =>
  slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.body.thread_ts && c.answer.ok === true);

/** The alert group a post belongs to, from its metadata. */
export const groupOf = (call: SlackCall) =>
  String((call.body.metadata as { event_payload?: { group_id?: string } }).event_payload?.group_id);

/**
 * Alert groups and thread replies the bot's database still has to deliver (read beside the
 * running bot: SQLite's WAL mode lets another process read).
 */
export function undelivered(dbFile: string): number {
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

/**
 * The bot as its own process (HTTP mode, rate 20 a second per channel) on a fresh database,
 * restartable on the same one; killed when the test ends.
 */
export async function relayProcess(slack: FakeSlack) {
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
    PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
  };
  let current: MainProcess | undefined;
  onTestFinished(() => {
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
