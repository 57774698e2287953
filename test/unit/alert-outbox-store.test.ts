// The store side of the alert outbox: what is due (severity first, parked and held-back groups
// left out), the per-source cap, where a group comes from, the held-back notice's text, and
// migration 6 over rows an older version left behind (unreadable ones included).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertGroups } from '../../src/alerts/groups.js';
import { describeSource, heldClearedMessage, heldNoticeMessage } from '../../src/alerts/held-notices.js';
import { groupIdOf, type IncomingGroup, severityRank, sourceKeyOf } from '../../src/alerts/incoming.js';
import { findBlockKitProblems } from '../../src/dev/block-limits.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';

let dir: string;
let store: Store;
let groups: AlertGroups;
const T0 = Date.parse('2026-01-18T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-outbox-'));
  store = Store.open(path.join(dir, 'bot.db'));
  groups = new AlertGroups(store);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function incoming(key: string, status: 'firing' | 'resolved', severity?: string): IncomingGroup {
  const labels = { alertname: key, ...(severity ? { severity } : {}) };
  return {
    groupKey: `json:${key}`,
    source: 'json',
    status,
    title: key,
    severity,
    groupLabels: labels,
    commonLabels: labels,
    alerts: [{ fingerprint: key, status, labels, annotations: {}, startsAt: at(0).toISOString() }],
    truncatedAlerts: 0,
  };
}

/** A JSON alert as the webhook stores it (body and group), at `second`. */
function accept(key: string, second: number, status: 'firing' | 'resolved' = 'firing', severity?: string) {
  groups.accept(
    'json',
    { title: key, key, status, severity },
    incoming(key, status, severity),
    'C0ALERTS',
    at(second),
  );
}

function deliverAll(keys: string[]) {
  for (const key of keys) {
    const row = groups.get(`json:${key}`);
    if (!row) throw new Error(`no group ${key}`);
    groups.setTs(row.groupKey, `${T0 / 1000}.${key}`);
    groups.markDelivered(row.groupKey, row.version);
  }
}

const dueKeys = (cap = 50) => groups.due(at(3600), 10, cap).rows.map((r) => r.groupKey.replace('json:', ''));

describe('what is due', () => {
  it('goes by severity first, then oldest change', () => {
    accept('info-1', 1, 'firing', 'info');
    accept('none-1', 2);
    accept('warn-1', 3, 'firing', 'warning');
    accept('crit-1', 4, 'firing', 'critical');
    accept('warn-2', 5, 'firing', 'WARNING');
    expect(dueKeys()).toEqual(['crit-1', 'warn-1', 'warn-2', 'info-1', 'none-1']);
  });

  it('leaves out parked groups until they change', () => {
    accept('a', 1);
    accept('b', 2);
    const a = groups.get('json:a');
    expect(
      groups.park('json:a', a?.version ?? 0, 'invalid_blocks', 'Slack answered invalid_blocks', at(3)),
    ).toBe(true);
    expect(dueKeys()).toEqual(['b']);
    expect(groups.parkedCounts()).toEqual([{ reason: 'invalid_blocks', count: 1 }]);
    expect(groups.get('json:a')?.parked).toMatchObject({ reason: 'invalid_blocks' });
    // The same body again unparks it (Alertmanager repeats notifications).
    accept('a', 4);
    expect(dueKeys()).toEqual(['b', 'a']);
    expect(groups.get('json:a')?.parked).toBeUndefined();
  });

  it('does not park a version newer than the one that failed', () => {
    accept('a', 1);
    const stale = groups.get('json:a');
    accept('a', 2, 'resolved');
    expect(groups.park('json:a', stale?.version ?? 0, 'render_error', 'x', at(3))).toBe(false);
    expect(dueKeys()).toEqual(['a']);
  });

  it('sets rows it cannot read apart, and reads around them elsewhere', () => {
    accept('fine', 1);
    store.db
      .prepare(
        `INSERT INTO alert_groups (group_key, group_id, channel, status, state, version, next_attempt_at, updated_at)
         VALUES ('json:torn', ?, 'C0ALERTS', 'firing', '{"title": "to', 1, ?, ?)`,
      )
      .run(groupIdOf('json:torn'), at(0).toISOString(), at(0).toISOString());
    const { rows, unreadable } = groups.due(at(3600), 10, 50);
    expect(rows.map((r) => r.groupKey)).toEqual(['json:fine']);
    expect(unreadable).toMatchObject([{ groupKey: 'json:torn', channel: 'C0ALERTS' }]);
    expect(unreadable[0]?.problem).toContain('not JSON');
    expect(groups.firing().map((r) => r.groupKey)).toEqual(['json:fine']);
    expect(groups.get('json:torn')).toBeUndefined();
    // A webhook for it replaces the unreadable state and keeps its channel.
    accept('torn', 2);
    expect(groups.get('json:torn')?.state.title).toBe('torn');
  });
});

describe('severity ranks', () => {
  it('are total over whatever a stored state holds', () => {
    expect([
      severityRank('critical'),
      severityRank('Warning'),
      severityRank('info'),
      severityRank(undefined),
    ]).toEqual([0, 1, 2, 2]);
    expect([severityRank(3), severityRank(null), severityRank({ level: 'critical' })]).toEqual([2, 2, 2]);
  });
});

describe('the cap on open groups per source', () => {
  it('holds back the groups beyond it, never a more severe one behind those shown', () => {
    for (let i = 0; i < 5; i += 1) accept(`w${i}`, i, 'firing', 'warning');
    expect(dueKeys(3)).toEqual(['w0', 'w1', 'w2']);
    expect(groups.heldCounts(3)).toEqual([{ channel: 'C0ALERTS', sourceKey: 'json', count: 2 }]);
    deliverAll(['w0', 'w1', 'w2']);
    accept('crit', 10, 'firing', 'critical');
    expect(dueKeys(3)).toEqual(['crit']);
    deliverAll(['crit']);
    // Two shown ones resolve: their updates are due, and one held group moves up.
    accept('w0', 11, 'resolved', 'warning');
    accept('w1', 12, 'resolved', 'warning');
    expect(dueKeys(3)).toEqual(['w3', 'w0', 'w1']);
    expect(groups.heldCounts(3)).toEqual([{ channel: 'C0ALERTS', sourceKey: 'json', count: 1 }]);
  });

  it('keeps a group that resolved before it was shown back while its source is at the cap', () => {
    for (let i = 0; i < 4; i += 1) accept(`w${i}`, i);
    deliverAll(['w0', 'w1', 'w2']);
    accept('w3', 5, 'resolved');
    expect(dueKeys(3)).toEqual([]);
    accept('w0', 6, 'resolved');
    expect(dueKeys(3)).toEqual(['w3', 'w0']);
  });

  it('counts each source apart', () => {
    for (let i = 0; i < 3; i += 1) accept(`backup/${i}`, i);
    for (let i = 0; i < 3; i += 1) accept(`deploy:${i}`, 10 + i);
    expect(dueKeys(3)).toHaveLength(6);
    expect(groups.heldCounts(3)).toEqual([]);
    accept('backup/3', 20);
    expect(groups.heldCounts(3)).toEqual([{ channel: 'C0ALERTS', sourceKey: 'json:backup', count: 1 }]);
  });
});

describe('sources', () => {
  it('are one Alertmanager receiver, or a JSON alert source', () => {
    const am = { receiver: 'ops', externalURL: 'http://am:9093', alerts: [] };
    expect(sourceKeyOf('alertmanager', am, { externalURL: 'http://am:9093' })).toBe(
      'alertmanager:ops@http://am:9093',
    );
    expect(sourceKeyOf('json', { title: 'x', key: 'backup/db1' }, {})).toBe('json:backup');
    expect(sourceKeyOf('json', { title: 'x', key: 'deploy:web' }, {})).toBe('json:deploy');
    expect(sourceKeyOf('json', { title: 'x', key: 'plain', labels: { source: 'cron' } }, {})).toBe(
      'json:cron',
    );
    expect(sourceKeyOf('json', { title: 'x', key: 'plain' }, {})).toBe('json');
    expect(sourceKeyOf('json', { title: 'x', labels: null }, {})).toBe('json');
    // Untrusted keys are looked up as own properties only.
    expect(sourceKeyOf('json', { title: 'x', labels: { constructor: 'y' } }, {})).toBe('json');
    expect([...sourceKeyOf('json', { title: 'x', labels: { source: '🚨'.repeat(500) } }, {})]).toHaveLength(
      200,
    );
  });

  it('read as people say them, and are escaped wherever Slack shows them', () => {
    expect(describeSource('alertmanager:ops@http://am:9093')).toBe(
      'Alertmanager receiver "ops" at http://am:9093',
    );
    expect(describeSource('json')).toBe('JSON alerts (POST /alerts)');
    expect(describeSource('json:cron')).toBe('JSON alerts of source "cron"');
    const hostile = 'json:<!channel> <http://evil.example|click>';
    for (const message of [heldNoticeMessage(hostile, 12, 50), heldClearedMessage(hostile)]) {
      const shown = JSON.stringify(message);
      expect(shown).not.toContain('<!channel>');
      expect(shown).not.toContain('<http://evil');
      expect(message.text).toContain('&lt;!channel&gt;');
      expect(findBlockKitProblems('message', { blocks: message.blocks })).toEqual([]);
    }
    expect(heldNoticeMessage('json', 1, 50).text).toContain(
      '1 alert group from JSON alerts (POST /alerts) is held back',
    );
    expect(heldNoticeMessage('json', 12, 50).text).toContain('12 alert groups from');
  });
});

describe('migration 6', () => {
  it('upgrades a database with groups from before, unreadable ones included', () => {
    const file = path.join(dir, 'old.db');
    const old = Store.open(file, { migrations: MIGRATIONS.filter((m) => m.version <= 5) });
    const insert = old.db.prepare(
      `INSERT INTO alert_groups (group_key, group_id, channel, status, state, version, next_attempt_at, updated_at)
       VALUES (?, ?, 'C0ALERTS', 'firing', ?, 1, '2026-01-18T10:00:00.000Z', '2026-01-18T10:00:00.000Z')`,
    );
    insert.run(
      'am',
      'g1',
      JSON.stringify({ source: 'alertmanager', severity: 'critical', externalURL: 'http://am' }),
    );
    insert.run('js', 'g2', JSON.stringify({ source: 'json', severity: 'info' }));
    insert.run('torn', 'g3', '{"source": "al');
    old.db.prepare("INSERT INTO alert_replies (group_key, text, created_at) VALUES ('am', 'x', 'now')").run();
    old.close();
    const upgraded = Store.open(file);
    try {
      expect(upgraded.schemaVersion).toBeGreaterThanOrEqual(6);
      const rows = upgraded.db
        .prepare(
          'SELECT group_key, severity_rank, source_key, opened_at, parked_at FROM alert_groups ORDER BY group_key',
        )
        .all();
      expect(rows).toEqual([
        {
          group_key: 'am',
          severity_rank: 0,
          source_key: 'alertmanager:@http://am',
          opened_at: '2026-01-18T10:00:00.000Z',
          parked_at: null,
        },
        {
          group_key: 'js',
          severity_rank: 2,
          source_key: 'json',
          opened_at: '2026-01-18T10:00:00.000Z',
          parked_at: null,
        },
        {
          group_key: 'torn',
          severity_rank: 2,
          source_key: 'unknown',
          opened_at: '2026-01-18T10:00:00.000Z',
          parked_at: null,
        },
      ]);
      expect(upgraded.db.prepare('SELECT posting_since FROM alert_replies').get()).toEqual({
        posting_since: null,
      });
    } finally {
      upgraded.close();
    }
  });
});
