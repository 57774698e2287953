// Alert groups in the store. A webhook's payload is stored and applied to its group in one
// transaction before the 2xx; each change of what the message should show bumps the group's
// version, and thread replies (resolved, firing again, acknowledged, silenced) are queued.
// The outbox reads what is due from here (by severity, within the per-source cap) and parks
// groups it cannot deliver; a stored state that cannot be read never makes a read throw.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { escapeMrkdwn } from '../kit/blocks.js';
import { describeError } from '../kit/errors.js';
import { formatDuration } from '../kit/format.js';
import { own } from '../kit/text.js';
import type { Store } from '../store/store.js';
import {
  type AlertmanagerWebhook,
  type GroupAlert,
  type GroupState,
  isGrafana,
  type SimpleAlert,
} from './schemas.js';

/** What a webhook says about a group; the episode fields are kept by the store. */
export type IncomingGroup = Omit<GroupState, 'firingSince' | 'resolvedAt' | 'acknowledged' | 'silence'>;

export function groupIdOf(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex').slice(0, 20);
}

/** Alerts named in a title before the rest are counted ("A, B, C and 2 more"). */
const NAMES_IN_TITLE = 3;

/**
 * Alertmanager's webhook, or Grafana's (same shape): grouped by `groupKey` (derived from the
 * receiver and group labels when a hand-written payload has none), each alert taking the
 * notification's status when it has none of its own. The title puts the alertname first —
 * people find rules and silences by it — followed by the summary.
 */
export function fromAlertmanager(payload: AlertmanagerWebhook, now: Date = new Date()): IncomingGroup {
  const grafana = isGrafana(payload);
  const alerts: GroupAlert[] = payload.alerts.map((a) => ({
    fingerprint:
      a.fingerprint ?? createHash('sha256').update(JSON.stringify(a.labels)).digest('hex').slice(0, 16),
    status: a.status ?? payload.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt ?? now.toISOString(),
    // Go's zero time means "not ended".
    ...(a.endsAt && !a.endsAt.startsWith('0001-') ? { endsAt: a.endsAt } : {}),
    ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}),
    ...(a.silenceURL ? { silenceURL: a.silenceURL } : {}),
    ...(a.dashboardURL ? { dashboardURL: a.dashboardURL } : {}),
    ...(a.panelURL ? { panelURL: a.panelURL } : {}),
    ...(a.imageURL ? { imageURL: a.imageURL } : {}),
    ...(a.values && Object.keys(a.values).length > 0 ? { values: a.values } : {}),
  }));
  const common = payload.commonLabels;
  const annotations = payload.commonAnnotations;
  const runbook =
    own(annotations, 'runbook_url') ??
    alerts.map((a) => own(a.annotations, 'runbook_url')).find((url) => url !== undefined);
  const groupLabels = Object.keys(payload.groupLabels).length > 0 ? payload.groupLabels : common;
  const description =
    own(annotations, 'description') ??
    (alerts.length === 1 ? own(alerts[0]?.annotations ?? {}, 'description') : undefined);
  return {
    groupKey: payload.groupKey ?? derivedGroupKey(payload.receiver ?? '', groupLabels),
    source: grafana ? 'grafana' : 'alertmanager',
    status: payload.status,
    title: groupTitle(payload, alerts),
    severity: own(common, 'severity'),
    groupLabels,
    commonLabels: common,
    alerts,
    truncatedAlerts: payload.truncatedAlerts ?? 0,
    ...(description ? { text: description } : {}),
    ...(payload.externalURL ? { externalURL: payload.externalURL } : {}),
    ...(runbook ? { runbookURL: runbook } : {}),
  };
}

/** Alertmanager's own form: `{}:{alertname="X",team="blue"}`, keyed by the receiver too. */
function derivedGroupKey(receiver: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
  return `${receiver}:{${pairs}}`;
}

/** `alertname: summary`; several alertnames are listed; Grafana's own title is never used. */
function groupTitle(payload: AlertmanagerWebhook, alerts: readonly GroupAlert[]): string {
  const names = [...new Set(alerts.map((a) => own(a.labels, 'alertname')).filter((n): n is string => !!n))];
  const name =
    own(payload.groupLabels, 'alertname') ??
    own(payload.commonLabels, 'alertname') ??
    (names.length > 0
      ? `${names.slice(0, NAMES_IN_TITLE).join(', ')}${names.length > NAMES_IN_TITLE ? ` and ${names.length - NAMES_IN_TITLE} more` : ''}`
      : undefined);
  const summary =
    own(payload.commonAnnotations, 'summary') ??
    (alerts.length === 1 ? own(alerts[0]?.annotations ?? {}, 'summary') : undefined);
  if (name && summary && summary !== name) return `${name}: ${summary}`;
  return name ?? summary ?? 'Alert';
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
    severity: alert.severity ?? (alert.labels ? own(alert.labels, 'severity') : undefined),
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
  source_key: z.string(),
  parked_at: z.string().nullable(),
  parked_reason: z.string().nullable(),
  parked_detail: z.string().nullable(),
});

/**
 * The least a stored state must have for anything to show it. Deliberately loose: the full
 * shape belongs to the webhook edge, and rendering errors are caught (and parked) where a
 * state is rendered; this only tells a state apart from a torn write or a hand edit.
 */
const storedStateSchema = z.looseObject({ title: z.string(), alerts: z.array(z.unknown()) });

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
  /** Where the group comes from, for the cap on open groups per source (see sourceKeyOf). */
  readonly sourceKey: string;
  /** Set while the group is parked: delivery failed in a way retrying cannot fix. */
  readonly parked: { readonly reason: string; readonly detail: string; readonly at: string } | undefined;
}

/** A stored group whose state cannot be read at all; the outbox parks it. */
export interface UnreadableRow {
  readonly groupKey: string;
  readonly groupId: string;
  readonly channel: string;
  readonly version: number;
  readonly problem: string;
}

type Decoded =
  | { readonly ok: true; readonly row: GroupRow }
  | { readonly ok: false; readonly row: UnreadableRow };

function decode(raw: unknown): Decoded {
  const row = rowSchema.parse(raw);
  const unreadable = (problem: string): Decoded => ({
    ok: false,
    row: {
      groupKey: row.group_key,
      groupId: row.group_id,
      channel: row.channel,
      version: row.version,
      problem,
    },
  });
  let state: unknown;
  try {
    state = JSON.parse(row.state);
  } catch (error) {
    return unreadable(`the stored state is not JSON (${describeError(error)})`);
  }
  const checked = storedStateSchema.safeParse(state);
  if (!checked.success)
    return unreadable(`the stored state is not an alert group (${checked.error.message})`);
  return {
    ok: true,
    row: {
      groupKey: row.group_key,
      groupId: row.group_id,
      channel: row.channel,
      state: state as GroupState,
      version: row.version,
      postedVersion: row.posted_version,
      ts: row.ts ?? undefined,
      postingSince: row.posting_since ?? undefined,
      attempts: row.attempts,
      sourceKey: row.source_key,
      parked:
        row.parked_at !== null
          ? { reason: row.parked_reason ?? 'unknown', detail: row.parked_detail ?? '', at: row.parked_at }
          : undefined,
    },
  };
}

const COLUMNS =
  'group_key, group_id, channel, status, state, version, posted_version, ts, posting_since, attempts, ' +
  'source_key, parked_at, parked_reason, parked_detail';

/**
 * Groups held back by the cap on open groups per source (`@cap`). Open groups of a source are
 * ranked by severity, then those already shown in Slack, then by when they opened; a group not
 * yet shown whose rank is beyond the cap is held, so a more severe group is never held behind
 * less severe ones. A group that resolved before it was ever shown waits while its source is at
 * its cap, so a flood that resolves does not turn into a flood of "resolved" posts.
 */
const HELD_CTE = `
  open_groups AS (
    SELECT group_key, ts, posting_since, ROW_NUMBER() OVER (
      PARTITION BY source_key
      ORDER BY severity_rank, (ts IS NULL AND posting_since IS NULL), coalesce(opened_at, updated_at), group_key
    ) AS open_rank
    FROM alert_groups WHERE status = 'firing' AND parked_at IS NULL
  ),
  open_per_source AS (
    SELECT source_key, COUNT(*) AS open_count FROM alert_groups
    WHERE status = 'firing' AND parked_at IS NULL GROUP BY source_key
  ),
  held AS (
    SELECT group_key FROM open_groups
    WHERE open_rank > @cap AND ts IS NULL AND posting_since IS NULL
    UNION ALL
    SELECT g.group_key FROM alert_groups g JOIN open_per_source s ON s.source_key = g.source_key
    WHERE g.status <> 'firing' AND g.ts IS NULL AND g.posting_since IS NULL AND g.parked_at IS NULL
      AND s.open_count >= @cap
  )`;

/**
 * Delivery order within a channel: critical first, then warning, then everything else. Total:
 * it also reads states stored by older versions, whatever they hold.
 */
export function severityRank(severity: unknown): number {
  switch (typeof severity === 'string' ? severity.toLowerCase() : undefined) {
    case 'critical':
      return 0;
    case 'warning':
      return 1;
    default:
      return 2;
  }
}

/** Longest source key kept (it comes from webhook bodies and is shown in the held-back notice). */
const MAX_SOURCE_KEY = 200;

const relaySourceFields = z.looseObject({
  receiver: z.string().optional().catch(undefined),
  externalURL: z.string().optional().catch(undefined),
});
const jsonSourceFields = z.looseObject({
  key: z.string().optional().catch(undefined),
  labels: z.record(z.string(), z.string()).nullish().catch(undefined),
});

/**
 * Where a group comes from, for the cap on open groups per source:
 * - Alertmanager (and other relays posting its format): `<kind>:<receiver>@<externalURL>`,
 *   i.e. one Alertmanager receiver;
 * - JSON alerts: `json:<labels.source>` when the alert names its source, else
 *   `json:<prefix>` when its `key` has one (the part before the first `/` or `:`), else `json`
 *   (all JSON alerts without either share one source).
 */
export function sourceKeyOf(
  kind: string,
  body: unknown,
  incoming: Pick<IncomingGroup, 'externalURL'>,
): string {
  let key: string;
  if (kind === 'json') {
    const fields = jsonSourceFields.safeParse(body);
    const labels = fields.success ? fields.data.labels : undefined;
    const named = labels && Object.hasOwn(labels, 'source') ? labels.source : undefined;
    const prefix = fields.success ? /^([^/:]+)[/:]/.exec(fields.data.key ?? '')?.[1] : undefined;
    key = named ? `json:${named}` : prefix ? `json:${prefix}` : 'json';
  } else {
    const fields = relaySourceFields.safeParse(body);
    const receiver = fields.success ? (fields.data.receiver ?? '') : '';
    const external = incoming.externalURL ?? (fields.success ? (fields.data.externalURL ?? '') : '');
    key = `${kind}:${receiver}@${external}`;
  }
  return [...key].slice(0, MAX_SOURCE_KEY).join('');
}

export interface PendingReply {
  readonly id: number;
  readonly text: string;
  /** Set when a post of this reply was attempted (and maybe cut off by a crash). */
  readonly postingSince: string | undefined;
}

export class AlertGroups {
  constructor(private readonly store: Store) {}

  /** Stores the body and applies it to its group, durably, in one transaction. */
  accept(
    source: GroupState['source'],
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
      const stored = this.read(incoming.groupKey);
      // An unreadable stored state is replaced by what the webhook says now (same message).
      const previous = stored?.ok ? stored.row : undefined;
      const state = merge(previous?.state, incoming, now);
      // A parked group is tried again on every webhook for it, even one that changes nothing.
      if (previous && !previous.parked && JSON.stringify(previous.state) === JSON.stringify(state)) return;
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
      this.save(
        incoming.groupKey,
        stored?.row.channel ?? channel,
        state,
        now,
        sourceKeyOf(source, body, incoming),
      );
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
        `:mute: Silenced for 1 h by <@${silence.by}> (silence \`${escapeMrkdwn(silence.id)}\`).`,
        now,
      );
      this.save(row.groupKey, row.channel, { ...row.state, silence }, now);
      return this.get(row.groupKey);
    });
  }

  /** The group, or undefined when unknown or its stored state cannot be read. */
  get(groupKey: string): GroupRow | undefined {
    const decoded = this.read(groupKey);
    return decoded?.ok ? decoded.row : undefined;
  }

  byId(groupId: string): GroupRow | undefined {
    const raw = this.store.db.prepare(`SELECT ${COLUMNS} FROM alert_groups WHERE group_id = ?`).get(groupId);
    if (!raw) return undefined;
    const decoded = decode(raw);
    return decoded.ok ? decoded.row : undefined;
  }

  private read(groupKey: string): Decoded | undefined {
    const raw = this.store.db
      .prepare(`SELECT ${COLUMNS} FROM alert_groups WHERE group_key = ?`)
      .get(groupKey);
    return raw ? decode(raw) : undefined;
  }

  /**
   * Groups whose Slack message is behind, at most `perChannel` of each channel (a channel with
   * a backlog, at about one message a second, must not starve others): critical first, then
   * warning, then the rest, oldest change first within a severity. Parked groups and groups
   * held back by the per-source cap are left out. Rows whose state cannot be read come back
   * apart, for the outbox to park.
   */
  due(
    now: Date,
    perChannel: number,
    maxOpenPerSource: number,
  ): { rows: GroupRow[]; unreadable: UnreadableRow[] } {
    const raws = this.store.db
      .prepare(
        `WITH ${HELD_CTE}
         SELECT ${COLUMNS} FROM (
           SELECT *, ROW_NUMBER() OVER (PARTITION BY channel ORDER BY severity_rank, updated_at) AS position
           FROM alert_groups
           WHERE posted_version < version AND next_attempt_at <= @now AND parked_at IS NULL
             AND group_key NOT IN (SELECT group_key FROM held)
         ) WHERE position <= @perChannel ORDER BY severity_rank, updated_at`,
      )
      .all({ now: now.toISOString(), perChannel, cap: maxOpenPerSource });
    const rows: GroupRow[] = [];
    const unreadable: UnreadableRow[] = [];
    for (const raw of raws) {
      const decoded = decode(raw);
      if (decoded.ok) rows.push(decoded.row);
      else unreadable.push(decoded.row);
    }
    return { rows, unreadable };
  }

  /** How many groups the per-source cap holds back, by channel and source. */
  heldCounts(maxOpenPerSource: number): Array<{ channel: string; sourceKey: string; count: number }> {
    return this.store.db
      .prepare<{ cap: number }, { channel: string; source_key: string; n: number }>(
        `WITH ${HELD_CTE}
         SELECT g.channel, g.source_key, COUNT(*) AS n FROM held h JOIN alert_groups g ON g.group_key = h.group_key
         GROUP BY g.channel, g.source_key`,
      )
      .all({ cap: maxOpenPerSource })
      .map((r) => ({ channel: r.channel, sourceKey: r.source_key, count: r.n }));
  }

  /** Groups whose message is behind and that are not parked. */
  pendingCount(): number {
    const row = this.store.db
      .prepare<[], { n: number }>(
        'SELECT COUNT(*) AS n FROM alert_groups WHERE posted_version < version AND parked_at IS NULL',
      )
      .get();
    return row?.n ?? 0;
  }

  /** Firing groups, newest change first; groups whose stored state cannot be read are left out. */
  firing(): GroupRow[] {
    const rows: GroupRow[] = [];
    for (const raw of this.store.db
      .prepare(`SELECT ${COLUMNS} FROM alert_groups WHERE status = 'firing' ORDER BY updated_at DESC`)
      .all()) {
      const decoded = decode(raw);
      if (decoded.ok) rows.push(decoded.row);
    }
    return rows;
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

  /**
   * Parks a group at `version`: it is not tried again until it changes (a webhook or a button
   * bumps the version and unparks it) or the bot restarts. A newer version than the one that
   * failed is left alone: it may well deliver.
   */
  park(groupKey: string, version: number, reason: string, detail: string, now: Date): boolean {
    const result = this.store.db
      .prepare(
        `UPDATE alert_groups SET parked_at = ?, parked_reason = ?, parked_detail = ?, last_error = ?
         WHERE group_key = ? AND version = ?`,
      )
      .run(now.toISOString(), reason, detail, detail, groupKey, version);
    return result.changes > 0;
  }

  /** At start: a new version of the bot may deliver what an older one parked. */
  unparkAll(now: Date): number {
    return this.store.db
      .prepare(
        `UPDATE alert_groups SET parked_at = NULL, parked_reason = NULL, parked_detail = NULL, attempts = 0,
           next_attempt_at = ? WHERE parked_at IS NOT NULL`,
      )
      .run(now.toISOString()).changes;
  }

  /** Parked groups now, by reason (for the gauge on /metrics). */
  parkedCounts(): Array<{ reason: string; count: number }> {
    return this.store.db
      .prepare<[], { reason: string; n: number }>(
        `SELECT coalesce(parked_reason, 'unknown') AS reason, COUNT(*) AS n FROM alert_groups
         WHERE parked_at IS NOT NULL GROUP BY reason`,
      )
      .all()
      .map((r) => ({ reason: r.reason, count: r.n }));
  }

  pendingReplies(groupKey: string): PendingReply[] {
    return this.store.db
      .prepare<[string], { id: number; text: string; posting_since: string | null }>(
        'SELECT id, text, posting_since FROM alert_replies WHERE group_key = ? AND posted_at IS NULL ORDER BY id',
      )
      .all(groupKey)
      .map((r) => ({ id: r.id, text: r.text, postingSince: r.posting_since ?? undefined }));
  }

  /** Recorded before the reply is posted, so a restart knows to look for it in the thread. */
  markReplyPosting(id: number, now: Date): void {
    this.store.db
      .prepare('UPDATE alert_replies SET posting_since = coalesce(posting_since, ?) WHERE id = ?')
      .run(now.toISOString(), id);
  }

  markReplyPosted(id: number, now: Date): void {
    this.store.db.prepare('UPDATE alert_replies SET posted_at = ? WHERE id = ?').run(now.toISOString(), id);
  }

  private reply(groupKey: string, text: string, now: Date): void {
    this.store.db
      .prepare('INSERT INTO alert_replies (group_key, text, created_at) VALUES (?, ?, ?)')
      .run(groupKey, text, now.toISOString());
  }

  /**
   * Writes the group's new state: bumps its version (the outbox brings Slack up to date) and
   * unparks it. `sourceKey` is given by webhooks; buttons keep the stored one.
   */
  private save(groupKey: string, channel: string, state: GroupState, now: Date, sourceKey?: string): void {
    const at = now.toISOString();
    this.store.db
      .prepare(
        `INSERT INTO alert_groups (group_key, group_id, channel, status, state, version, next_attempt_at, updated_at,
           severity_rank, source_key, opened_at)
         VALUES (@groupKey, @groupId, @channel, @status, @state, 1, @at, @at, @rank, coalesce(@source, ''), @at)
         ON CONFLICT(group_key) DO UPDATE SET status = excluded.status, state = excluded.state,
           version = alert_groups.version + 1, next_attempt_at = excluded.next_attempt_at,
           updated_at = excluded.updated_at, severity_rank = excluded.severity_rank,
           source_key = coalesce(@source, alert_groups.source_key),
           opened_at = CASE WHEN alert_groups.status <> 'firing' AND excluded.status = 'firing'
             THEN excluded.opened_at ELSE coalesce(alert_groups.opened_at, excluded.opened_at) END,
           attempts = CASE WHEN alert_groups.parked_at IS NULL THEN alert_groups.attempts ELSE 0 END,
           parked_at = NULL, parked_reason = NULL, parked_detail = NULL`,
      )
      .run({
        groupKey,
        groupId: groupIdOf(groupKey),
        channel,
        status: state.status,
        state: JSON.stringify(state),
        at,
        rank: severityRank(state.severity),
        source: sourceKey ?? null,
      });
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
