// Alert groups in the store. A webhook's payload is stored and applied to its group in one
// transaction before the 2xx; each change of what the message should show bumps the group's
// version, and thread replies (resolved, firing again, acknowledged, silenced) are queued.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { formatDuration } from '../blocks/format.js';
import type { Store } from '../store/store.js';
import type { AlertmanagerWebhook, GroupAlert, GroupState, SimpleAlert } from './schemas.js';

/** What a webhook says about a group; the episode fields are kept by the store. */
export type IncomingGroup = Omit<GroupState, 'firingSince' | 'resolvedAt' | 'acknowledged' | 'silence'>;

export function groupIdOf(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex').slice(0, 20);
}

export function fromAlertmanager(payload: AlertmanagerWebhook): IncomingGroup {
  const alerts: GroupAlert[] = payload.alerts.map((a) => ({
    fingerprint:
      a.fingerprint ?? createHash('sha256').update(JSON.stringify(a.labels)).digest('hex').slice(0, 16),
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    ...(a.endsAt && !a.endsAt.startsWith('0001-') ? { endsAt: a.endsAt } : {}),
    ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}),
  }));
  const common = payload.commonLabels;
  const annotations = payload.commonAnnotations;
  const runbook =
    annotations.runbook_url ??
    payload.alerts.find((a) => a.annotations?.runbook_url)?.annotations.runbook_url;
  return {
    groupKey: payload.groupKey,
    source: 'alertmanager',
    status: payload.status,
    title: annotations.summary ?? common.alertname ?? payload.groupLabels.alertname ?? 'Alert',
    severity: common.severity,
    groupLabels: Object.keys(payload.groupLabels).length > 0 ? payload.groupLabels : common,
    commonLabels: common,
    alerts,
    truncatedAlerts: payload.truncatedAlerts,
    ...(annotations.description ? { text: annotations.description } : {}),
    ...(payload.externalURL ? { externalURL: payload.externalURL } : {}),
    ...(runbook ? { runbookURL: runbook } : {}),
  };
}

export function fromSimple(alert: SimpleAlert, now: Date): IncomingGroup {
  const labels = {
    alertname: alert.title,
    ...(alert.severity ? { severity: alert.severity } : {}),
    ...(alert.labels ?? {}),
  };
  return {
    groupKey: `json:${alert.key ?? alert.title}`,
    source: 'json',
    status: alert.status,
    title: alert.title,
    severity: alert.severity ?? alert.labels?.severity,
    groupLabels: labels,
    commonLabels: labels,
    alerts: [
      {
        fingerprint: groupIdOf(alert.key ?? alert.title),
        status: alert.status,
        labels,
        annotations: alert.text ? { description: alert.text } : {},
        startsAt: now.toISOString(),
        ...(alert.url ? { generatorURL: alert.url } : {}),
      },
    ],
    truncatedAlerts: 0,
    ...(alert.text ? { text: alert.text } : {}),
    ...(alert.url ? { url: alert.url } : {}),
  };
}

const rowSchema = z.object({
  group_key: z.string(),
  group_id: z.string(),
  channel: z.string(),
  status: z.string(),
  state: z.string(),
  version: z.number(),
  posted_version: z.number(),
  ts: z.string().nullable(),
  posting_since: z.string().nullable(),
  attempts: z.number(),
});

export interface GroupRow {
  readonly groupKey: string;
  readonly groupId: string;
  readonly channel: string;
  readonly state: GroupState;
  readonly version: number;
  readonly postedVersion: number;
  readonly ts: string | undefined;
  readonly postingSince: string | undefined;
  readonly attempts: number;
}

function toRow(raw: unknown): GroupRow {
  const row = rowSchema.parse(raw);
  return {
    groupKey: row.group_key,
    groupId: row.group_id,
    channel: row.channel,
    state: JSON.parse(row.state) as GroupState,
    version: row.version,
    postedVersion: row.posted_version,
    ts: row.ts ?? undefined,
    postingSince: row.posting_since ?? undefined,
    attempts: row.attempts,
  };
}

const COLUMNS =
  'group_key, group_id, channel, status, state, version, posted_version, ts, posting_since, attempts';

export class AlertGroups {
  constructor(private readonly store: Store) {}

  /** Stores the body and applies it to its group, durably, in one transaction. */
  accept(
    source: 'alertmanager' | 'json',
    body: unknown,
    incoming: IncomingGroup,
    channel: string,
    now: Date,
  ): void {
    const at = now.toISOString();
    this.store.transaction(() => {
      this.store.db
        .prepare('INSERT INTO alert_inbox (source, group_key, body, received_at) VALUES (?, ?, ?, ?)')
        .run(source, incoming.groupKey, JSON.stringify(body), at);
      const previous = this.get(incoming.groupKey);
      const state = merge(previous?.state, incoming, now);
      if (previous && JSON.stringify(previous.state) === JSON.stringify(state)) return;
      if (previous?.state.status === 'firing' && state.status === 'resolved') {
        const lasted = Date.parse(state.resolvedAt ?? at) - Date.parse(previous.state.firingSince);
        this.reply(
          incoming.groupKey,
          `:white_check_mark: Resolved after ${formatDuration(Math.max(0, lasted))}.`,
          now,
        );
      } else if (previous?.state.status === 'resolved' && state.status === 'firing') {
        this.reply(incoming.groupKey, ':rotating_light: Firing again.', now);
      }
      this.save(incoming.groupKey, previous?.channel ?? channel, state, now);
    });
  }

  /** Records who acknowledged; false when already acknowledged in this episode. */
  acknowledge(groupId: string, userId: string, now: Date): GroupRow | undefined {
    return this.store.transaction(() => {
      const row = this.byId(groupId);
      if (!row || row.state.acknowledged) return row;
      const state: GroupState = { ...row.state, acknowledged: { by: userId, at: now.toISOString() } };
      this.reply(row.groupKey, `:eyes: Acknowledged by <@${userId}>.`, now);
      this.save(row.groupKey, row.channel, state, now);
      return this.get(row.groupKey);
    });
  }

  recordSilence(
    groupId: string,
    silence: { id: string; by: string; until: string },
    now: Date,
  ): GroupRow | undefined {
    return this.store.transaction(() => {
      const row = this.byId(groupId);
      if (!row) return undefined;
      this.reply(
        row.groupKey,
        `:mute: Silenced for 1 h by <@${silence.by}> (silence \`${silence.id}\`).`,
        now,
      );
      this.save(row.groupKey, row.channel, { ...row.state, silence }, now);
      return this.get(row.groupKey);
    });
  }

  get(groupKey: string): GroupRow | undefined {
    const raw = this.store.db
      .prepare(`SELECT ${COLUMNS} FROM alert_groups WHERE group_key = ?`)
      .get(groupKey);
    return raw ? toRow(raw) : undefined;
  }

  byId(groupId: string): GroupRow | undefined {
    const raw = this.store.db.prepare(`SELECT ${COLUMNS} FROM alert_groups WHERE group_id = ?`).get(groupId);
    return raw ? toRow(raw) : undefined;
  }

  /**
   * Groups whose Slack message is behind, oldest change first, at most `perChannel` of each
   * channel: a channel with a backlog (at about one message a second) must not starve others.
   */
  due(now: Date, perChannel: number): GroupRow[] {
    return this.store.db
      .prepare(
        `SELECT ${COLUMNS} FROM (
           SELECT *, ROW_NUMBER() OVER (PARTITION BY channel ORDER BY updated_at) AS position
           FROM alert_groups WHERE posted_version < version AND next_attempt_at <= ?
         ) WHERE position <= ? ORDER BY updated_at`,
      )
      .all(now.toISOString(), perChannel)
      .map(toRow);
  }

  pendingCount(): number {
    const row = this.store.db
      .prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM alert_groups WHERE posted_version < version')
      .get();
    return row?.n ?? 0;
  }

  firing(): GroupRow[] {
    return this.store.db
      .prepare(`SELECT ${COLUMNS} FROM alert_groups WHERE status = 'firing' ORDER BY updated_at DESC`)
      .all()
      .map(toRow);
  }

  markPosting(groupKey: string, now: Date): void {
    this.store.db
      .prepare('UPDATE alert_groups SET posting_since = ? WHERE group_key = ?')
      .run(now.toISOString(), groupKey);
  }

  setTs(groupKey: string, ts: string): void {
    this.store.db
      .prepare('UPDATE alert_groups SET ts = ?, posting_since = NULL WHERE group_key = ?')
      .run(ts, groupKey);
  }

  markDelivered(groupKey: string, version: number): void {
    this.store.db
      .prepare(
        `UPDATE alert_groups SET posted_version = MAX(posted_version, ?), attempts = 0, last_error = NULL
         WHERE group_key = ?`,
      )
      .run(version, groupKey);
  }

  markFailed(groupKey: string, error: string, retryAt: Date): void {
    this.store.db
      .prepare(
        'UPDATE alert_groups SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE group_key = ?',
      )
      .run(error, retryAt.toISOString(), groupKey);
  }

  pendingReplies(groupKey: string): Array<{ id: number; text: string }> {
    return this.store.db
      .prepare<[string], { id: number; text: string }>(
        'SELECT id, text FROM alert_replies WHERE group_key = ? AND posted_at IS NULL ORDER BY id',
      )
      .all(groupKey);
  }

  markReplyPosted(id: number, now: Date): void {
    this.store.db.prepare('UPDATE alert_replies SET posted_at = ? WHERE id = ?').run(now.toISOString(), id);
  }

  private reply(groupKey: string, text: string, now: Date): void {
    this.store.db
      .prepare('INSERT INTO alert_replies (group_key, text, created_at) VALUES (?, ?, ?)')
      .run(groupKey, text, now.toISOString());
  }

  private save(groupKey: string, channel: string, state: GroupState, now: Date): void {
    const at = now.toISOString();
    this.store.db
      .prepare(
        `INSERT INTO alert_groups (group_key, group_id, channel, status, state, version, next_attempt_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 1, ?, ?)
         ON CONFLICT(group_key) DO UPDATE SET status = excluded.status, state = excluded.state,
           version = alert_groups.version + 1, next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at`,
      )
      .run(groupKey, groupIdOf(groupKey), channel, state.status, JSON.stringify(state), at, at);
  }
}

function merge(previous: GroupState | undefined, incoming: IncomingGroup, now: Date): GroupState {
  const at = now.toISOString();
  const refired = previous?.status === 'resolved' && incoming.status === 'firing';
  const earliest = incoming.alerts
    .filter((a) => a.status === 'firing')
    .map((a) => a.startsAt)
    .sort()[0];
  const firingSince =
    !previous || refired
      ? earliest && Date.parse(earliest) <= now.getTime()
        ? earliest
        : at
      : previous.firingSince;
  const state: GroupState = {
    ...incoming,
    firingSince,
    ...(incoming.status === 'resolved'
      ? { resolvedAt: previous?.resolvedAt && previous.status === 'resolved' ? previous.resolvedAt : at }
      : {}),
    ...(previous?.acknowledged && !refired ? { acknowledged: previous.acknowledged } : {}),
    ...(previous?.silence && Date.parse(previous.silence.until) > now.getTime()
      ? { silence: previous.silence }
      : {}),
  };
  return state;
}
