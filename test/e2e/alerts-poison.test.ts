// A poisoned alert group in the database — one a database from an older version may hold,
// written here straight into the SQLite file past the webhook's validation — must never take
// the bot down: the process stays up across restarts, the healthy groups are delivered, and
// the poisoned one is parked with its reason, logged and counted on /metrics.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { groupIdOf } from '../../src/alerts/incoming.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../support/bot.js';
import { FakeSlack } from '../support/fake-slack.js';
import { type MainProcess, startMainProcess } from '../support/run-main.js';
import { until } from '../support/until.js';

const TOKEN = 'xoxb-poison-test';
const WEBHOOK = 'poison-webhook-token-0123456789';

const CONFIG = `
timezone: UTC
slack: { channels: { alerts: C0ALERTS }, approvers: [U0APPROVER] }
alerts: { default_channel: C0ALERTS, rate_per_channel: 20 }
`;

/** A state as the webhook would have stored it, with one field spoilt. */
function state(key: string, firingSince: string): string {
  const labels = { alertname: key, severity: 'warning' };
  return JSON.stringify({
    groupKey: key,
    source: 'json',
    status: 'firing',
    title: `Poisoned ${key}`,
    severity: 'warning',
    groupLabels: labels,
    commonLabels: labels,
    alerts: [
      { fingerprint: 'a1', status: 'firing', labels, annotations: {}, startsAt: firingSince },
      { fingerprint: 'a2', status: 'firing', labels, annotations: {}, startsAt: firingSince },
    ],
    truncatedAlerts: 0,
    firingSince,
  });
}

/**
 * Writes one row the way migration 4's schema takes it, as any version of the bot could have
 * left it, with the bot stopped.
 */
function writeRow(dbFile: string, groupKey: string, stateText: string): string {
  Store.open(dbFile).close();
  const db = new Database(dbFile);
  const at = new Date(Date.now() - 60_000).toISOString();
  db.prepare(
    `INSERT INTO alert_groups (group_key, group_id, channel, status, state, version, next_attempt_at, updated_at)
     VALUES (?, ?, 'C0ALERTS', 'firing', ?, 1, ?, ?)`,
  ).run(groupKey, groupIdOf(groupKey), stateText, at, at);
  db.close();
  return groupIdOf(groupKey);
}

function parkedRows(dbFile: string): Map<string, string | null> {
  const db = new Database(dbFile, { readonly: true });
  try {
    const columns = db
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('alert_groups')")
      .all()
      .map((c) => c.name);
    if (!columns.includes('parked_reason')) return new Map();
    return new Map(
      db
        .prepare<[], { group_id: string; parked_reason: string | null }>(
          'SELECT group_id, parked_reason FROM alert_groups WHERE parked_at IS NOT NULL',
        )
        .all()
        .map((r) => [r.group_id, r.parked_reason]),
    );
  } finally {
    db.close();
  }
}

describe('a poisoned alert group', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is parked with its reason while the bot stays up and delivers the rest, across a restart', async () => {
    const slack = await FakeSlack.start({ tokens: [TOKEN] });
    cleanups.push(() => slack.stop());
    const dir = tempDir();
    const dbFile = path.join(dir, 'bot.db');
    const configFile = path.join(dir, 'audit-bot.yml');
    writeFileSync(configFile, CONFIG);
    // An unreadable time: rendering it threw RangeError: Invalid time value outside any handler.
    const badTime = writeRow(dbFile, 'json:bad-time', state('json:bad-time', 'not-a-date'));
    const env = {
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: 'poison-signing-secret',
      SLACK_API_URL: slack.apiUrl,
      AUDIT_BOT_WEBHOOK_TOKEN: WEBHOOK,
      AUDIT_BOT_CONFIG: configFile,
      AUDIT_BOT_DB: dbFile,
      LOG_LEVEL: 'info',
    };
    const posted = (groupId: string) =>
      slack.calls.filter(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.answer.ok === true &&
          !c.body.thread_ts &&
          (c.body.metadata as { event_payload?: { group_id?: string } } | undefined)?.event_payload
            ?.group_id === groupId,
      );
    const healthy = ['disk', 'memory', 'latency'];

    let unreadable: string | undefined;
    let bot: MainProcess | undefined;
    cleanups.push(() => {
      bot?.child.kill('SIGKILL');
    });
    for (const round of [1, 2]) {
      if (round === 2) {
        // A state that is not JSON at all (a torn write, a hand edit): nothing can render it.
        unreadable = writeRow(dbFile, 'json:unreadable', '{"groupKey": "json:unrea');
      }
      bot = await startMainProcess(env);
      const running = bot;
      if (round === 1) {
        for (const key of healthy) {
          const res = await fetch(`${running.url}/alerts`, {
            method: 'POST',
            headers: { authorization: `Bearer ${WEBHOOK}`, 'content-type': 'application/json' },
            body: JSON.stringify({ title: `Healthy ${key}`, key, status: 'firing', severity: 'warning' }),
          });
          expect(res.status).toBe(202);
        }
      }
      // Every healthy group reaches Slack; the unreadable time is either shown as such (total
      // formatting) or parked with its reason; the unreadable state is parked.
      await until(
        () =>
          running.child.exitCode !== null ||
          (healthy.every((key) => posted(groupIdOf(`json:${key}`)).length === 1) &&
            (posted(badTime).length === 1 || parkedRows(dbFile).get(badTime) === 'render_error') &&
            (unreadable === undefined || parkedRows(dbFile).get(unreadable) === 'unreadable_state')),
        20_000,
      );
      expect(running.child.exitCode, running.output()).toBeNull();
      // A moment later the process is still there and /metrics counts what it parked.
      await new Promise((r) => setTimeout(r, 1500));
      expect(running.child.exitCode, running.output()).toBeNull();
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      const parked = parkedRows(dbFile);
      if (parked.has(badTime)) {
        expect(metrics).toMatch(/audit_bot_alerts_parked_total\{reason="render_error"\} 1/);
        expect(metrics).toMatch(/audit_bot_alerts_parked\{reason="render_error"\} 1/);
      }
      if (unreadable !== undefined) {
        expect(metrics).toMatch(/audit_bot_alerts_parked_total\{reason="unreadable_state"\} 1/);
        expect(metrics).toMatch(/audit_bot_alerts_parked\{reason="unreadable_state"\} 1/);
      }
      if (parked.size > 0) expect(running.output()).toContain('alert group parked');
      running.child.kill('SIGKILL');
      await running.exited;
    }
    // Nothing was posted twice across the restart.
    for (const key of healthy) expect(posted(groupIdOf(`json:${key}`))).toHaveLength(1);
    expect(posted(badTime).length).toBeLessThanOrEqual(1);
    expect(posted(unreadable ?? '')).toHaveLength(0);
  });
});
