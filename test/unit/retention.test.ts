// Retention against a real SQLite file: rows past their age go, the size caps hold, and what
// is still needed stays (latest results, undelivered alerts, unfinished digest claims, the
// Notion counts of configured probes). The job logs and counts what it removed, and a failure
// is logged, never thrown.

import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/kit/logger.js';
import { BotMetrics } from '../../src/kit/metrics.js';
import type { RetentionConfig } from '../../src/store/retention.js';
import { Retention } from '../../src/store/retention.js';
import { Store } from '../../src/store/store.js';
import { LogCapture, tempDir } from '../support/bot.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

function policy(yaml = ''): RetentionConfig {
  return parseConfig(yaml ? `retention:\n${yaml}` : '', '/tmp/audit-bot.yml').retention;
}

describe('Retention', () => {
  let dir: string;
  let store: Store;
  let logs: LogCapture;
  let metrics: BotMetrics;

  beforeEach(() => {
    dir = tempDir();
    store = Store.open(path.join(dir, 'bot.db'));
    logs = new LogCapture();
    metrics = new BotMetrics({ processMetrics: false });
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const retention = (config: RetentionConfig, notionProbeIds: string[] = []) =>
    new Retention({
      store,
      policy: config,
      logger: createLogger({ level: 'debug', pretty: false, destination: logs }),
      counter: metrics.prunedRows,
      notionProbeIds,
      now: () => NOW,
    });

  const ids = (sql: string) =>
    store.db
      .prepare<[], { id: number | string }>(sql)
      .all()
      .map((r) => r.id);

  function result(probe: string, at: string, measurement: string | null = '{"kind":"value","value":1}') {
    return Number(
      store.db
        .prepare(
          'INSERT INTO probe_results (probe_id, status, measurement, measured_at, duration_ms, error) VALUES (?, ?, ?, ?, 1, ?)',
        )
        .run(probe, measurement ? 'ok' : 'error', measurement, at, measurement ? null : 'failed')
        .lastInsertRowid,
    );
  }
  const push = (probe: string, at: string, body = '{"status":"pass"}') =>
    Number(
      store.db
        .prepare('INSERT INTO push_results (probe_id, body, received_at) VALUES (?, ?, ?)')
        .run(probe, body, at).lastInsertRowid,
    );
  const inbox = (at: string, body = '{}') =>
    Number(
      store.db
        .prepare("INSERT INTO alert_inbox (source, group_key, body, received_at) VALUES ('json', 'g', ?, ?)")
        .run(body, at).lastInsertRowid,
    );
  function group(key: string, status: string, version: number, posted: number, at: string) {
    store.db
      .prepare(
        `INSERT INTO alert_groups (group_key, group_id, channel, status, state, version, posted_version, next_attempt_at, updated_at)
         VALUES (?, ?, 'C0ALERTS', ?, '{}', ?, ?, ?, ?)`,
      )
      .run(key, `id-${key}`, status, version, posted, at, at);
  }
  const reply = (key: string, at: string, posted: string | null) =>
    store.db
      .prepare('INSERT INTO alert_replies (group_key, text, created_at, posted_at) VALUES (?, ?, ?, ?)')
      .run(key, 'Resolved', at, posted);
  const digestRun = (key: string, digest: string, slot: string, state: string, finished: string | null) =>
    store.db
      .prepare(
        'INSERT INTO digest_runs (key, digest_id, slot, late, state, claimed_at, finished_at) VALUES (?, ?, ?, 0, ?, ?, ?)',
      )
      .run(key, digest, slot, state, slot, finished);

  it('removes rows older than their age limit and keeps what is still needed', async () => {
    // Probe results: ratio has old and new rows; stale-probe has only old ones (its latest
    // stays), failing-probe's latest is an error and its latest figure is older still.
    const oldRatio = result('ratio', ago(100));
    const newRatio = result('ratio', ago(1));
    const staleOld = result('stale-probe', ago(200));
    const staleLatest = result('stale-probe', ago(150));
    const failingFigure = result('failing-probe', ago(120));
    const failingOlder = result('failing-probe', ago(121), null);
    const failingLatest = result('failing-probe', ago(110), null);
    // Push bodies: the newest of each probe stays, however old.
    const oldPush = push('tests', ago(40));
    const newPush = push('tests', ago(2));
    const onlyPush = push('other-tests', ago(90));
    // The inbox keeps only its age.
    const oldInbox = inbox(ago(15));
    const newInbox = inbox(ago(1));
    // Alert groups: resolved and delivered → gone with its replies; firing, undelivered or
    // with a reply not yet posted → kept.
    group('done', 'resolved', 3, 3, ago(40));
    reply('done', ago(40), ago(40));
    group('firing', 'firing', 1, 1, ago(40));
    group('undelivered', 'resolved', 4, 3, ago(40));
    group('reply-pending', 'resolved', 2, 2, ago(40));
    reply('reply-pending', ago(40), null);
    group('recent', 'resolved', 1, 1, ago(1));
    // Digest runs: the old finished ones go, except the newest slot and the newest posted run.
    digestRun('old-posted', 'morning', ago(400), 'posted', ago(400));
    digestRun('old-failed', 'morning', ago(399), 'failed', ago(399));
    digestRun('unfinished', 'morning', ago(398), 'claimed', null);
    digestRun('newest-posted', 'morning', ago(397), 'posted', ago(397));
    digestRun('newest-failed', 'morning', ago(396), 'failed', ago(396));
    // Notion counts: a removed probe's go once its last full scan is old; a configured one's stay.
    for (const probe of ['removed', 'configured', 'removed-recently']) {
      store.db
        .prepare(
          'INSERT INTO notion_pages (probe_id, page_id, covered, last_edited_time) VALUES (?, ?, 1, ?)',
        )
        .run(probe, `${probe}-page`, ago(30));
      store.db
        .prepare(
          'INSERT INTO notion_scans (probe_id, data_source_id, last_full_scan_at, edited_watermark) VALUES (?, ?, ?, ?)',
        )
        .run(probe, 'ds', probe === 'removed-recently' ? ago(1) : ago(30), ago(30));
    }

    const counts = await retention(policy(), ['configured']).run();

    expect(ids('SELECT id FROM probe_results ORDER BY id')).toEqual([
      newRatio,
      staleLatest,
      failingFigure,
      failingLatest,
    ]);
    expect([oldRatio, staleOld, failingOlder]).not.toContain(newRatio);
    expect(ids('SELECT id FROM push_results ORDER BY id')).toEqual([newPush, onlyPush]);
    expect(oldPush).toBeLessThan(newPush);
    expect(ids('SELECT id FROM alert_inbox ORDER BY id')).toEqual([newInbox]);
    expect(oldInbox).toBeLessThan(newInbox);
    expect(ids('SELECT group_key AS id FROM alert_groups ORDER BY group_key')).toEqual([
      'firing',
      'recent',
      'reply-pending',
      'undelivered',
    ]);
    expect(ids('SELECT group_key AS id FROM alert_replies')).toEqual(['reply-pending']);
    expect(ids('SELECT key AS id FROM digest_runs ORDER BY key')).toEqual([
      'newest-failed',
      'newest-posted',
      'unfinished',
    ]);
    expect(ids('SELECT probe_id AS id FROM notion_pages ORDER BY probe_id')).toEqual([
      'configured',
      'removed-recently',
    ]);
    expect(ids('SELECT probe_id AS id FROM notion_scans ORDER BY probe_id')).toEqual([
      'configured',
      'removed-recently',
    ]);
    expect(counts).toEqual({
      probe_results: 3,
      push_results: 1,
      alert_inbox: 1,
      digest_runs: 2,
      alert_groups: 1,
      alert_replies: 1,
      notion_pages: 1,
    });
    expect(logs.text).toContain(
      'pruned old rows: probe_results 3, push_results 1, alert_inbox 1, digest_runs 2, alert_groups 1, alert_replies 1, notion_pages 1',
    );
    const metric = await metrics.registry.getSingleMetricAsString('audit_bot_pruned_rows_total');
    expect(metric).toContain('audit_bot_pruned_rows_total{table="probe_results"} 3');
    expect(metric).toContain('audit_bot_pruned_rows_total{table="alert_replies"} 1');
  });

  it('holds the size caps by removing the oldest bodies first, keeping the newest of each probe', async () => {
    const body = (n: number) => JSON.stringify({ status: 'pass', summary: `${n}`.padEnd(10_000, 'x') });
    const pushes = Array.from({ length: 200 }, (_, n) => push(n === 0 ? 'lonely' : 'tests', ago(1), body(n)));
    const bodies = Array.from({ length: 200 }, (_, n) => inbox(ago(1), body(n)));
    const config = policy('  push_results: { max_bytes: 100KB }\n  alert_inbox: { max_bytes: 250KB }');

    await retention(config).run();

    const size = (table: string) =>
      store.db
        .prepare<[], { size: number }>(`SELECT SUM(length(CAST(body AS BLOB))) AS size FROM ${table}`)
        .get()?.size ?? 0;
    // The newest of each probe may exceed the cap on its own; everything else fits under it.
    expect(size('push_results')).toBeLessThanOrEqual(100_000 + body(0).length);
    expect(size('alert_inbox')).toBeLessThanOrEqual(250_000);
    const keptPushes = ids('SELECT id FROM push_results ORDER BY id');
    expect(keptPushes[0]).toBe(pushes[0]);
    expect(keptPushes.at(-1)).toBe(pushes.at(-1));
    expect(keptPushes.slice(1)).toEqual(pushes.slice(200 - (keptPushes.length - 1)));
    const keptBodies = ids('SELECT id FROM alert_inbox ORDER BY id');
    expect(keptBodies).toEqual(bodies.slice(200 - keptBodies.length));
    expect(keptBodies.length).toBeGreaterThanOrEqual(20);
  });

  it('keeps rows forever when a limit is null', async () => {
    result('ratio', ago(1000));
    result('ratio', ago(999));
    await retention(policy('  probe_results: { max_age: null, max_bytes: null }')).run();
    expect(ids('SELECT id FROM probe_results')).toHaveLength(2);
  });

  it('logs a failure and resolves, so the timer goes on', async () => {
    const job = retention(policy());
    store.close();
    await expect(job.run()).resolves.toBeUndefined();
    expect(logs.text).toContain('pruning old rows failed (tried again later)');
  });
});

describe('retention config', () => {
  it('has sensible defaults', () => {
    expect(policy()).toEqual({
      interval: 3_600_000,
      probe_results: { max_age: 90 * DAY, max_bytes: 100_000_000 },
      push_results: { max_age: 30 * DAY, max_bytes: 50_000_000 },
      alert_inbox: { max_age: 14 * DAY, max_bytes: 50_000_000 },
      digest_runs: { max_age: 365 * DAY },
      alert_groups: { max_age: 30 * DAY },
      notion_pages: { max_age: 7 * DAY },
    });
  });

  it('names what is wrong', () => {
    expect(() => policy('  alert_inbox: { max_bytes: lots }\n  digest_runs: { max_bytes: 1MB }')).toThrow(
      expect.objectContaining({
        problems: [
          'retention.alert_inbox.max_bytes: must be a size like 512KB, 50MB or 1GiB (got "lots")',
          'retention.digest_runs.max_bytes: unknown key',
        ],
      }),
    );
  });
});
