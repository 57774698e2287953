// Alert groups in the store. A webhook's payload is stored and applied to its group in one
// transaction before the 2xx; each change of what the message should show bumps the group's
// version, and thread replies (resolved, firing again, acknowledged, silenced) are queued.
// The outbox reads what is due from here (by severity, within the per-source cap) and parks
// groups it cannot deliver; a stored state that cannot be read never makes a read throw.

import type { Store } from '../store/store.js';
import { type Decoded, decode, type GroupRow, type UnreadableRow } from './group-rows.js';
import { groupIdOf, type IncomingGroup, merge, severityRank, sourceKeyOf } from './incoming.js';
import { type GroupState, readThreadEvent, type ThreadEvent } from './schemas.js';

const COLUMNS =
  'group_key, group_id, channel, state, version, posted_version, ts, posting_since, attempts, ' +
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

export interface PendingReply {
  readonly id: number;
  readonly event: ThreadEvent;
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
        this.reply(incoming.groupKey, { kind: 'resolved', lastedMs: Math.max(0, lasted) }, now);
      } else if (previous?.state.status === 'resolved' && state.status === 'firing') {
        this.reply(incoming.groupKey, { kind: 'firing_again' }, now);
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

  /**
   * Records who acknowledged (once per episode: a second press changes nothing) and returns the
   * group as it is now; undefined for a group that does not exist.
   */
  acknowledge(groupId: string, userId: string, now: Date): GroupRow | undefined {
    return this.store.transaction(() => {
      const row = this.byId(groupId);
      if (!row || row.state.acknowledged) return row;
      const state: GroupState = { ...row.state, acknowledged: { by: userId, at: now.toISOString() } };
      this.reply(row.groupKey, { kind: 'acknowledged', by: userId }, now);
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
      this.reply(row.groupKey, { kind: 'silenced', by: silence.by, silenceId: silence.id }, now);
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
    const decoded = this.read(groupId, 'group_id');
    return decoded?.ok ? decoded.row : undefined;
  }

  private read(key: string, column: 'group_key' | 'group_id' = 'group_key'): Decoded | undefined {
    const raw = this.store.db.prepare(`SELECT ${COLUMNS} FROM alert_groups WHERE ${column} = ?`).get(key);
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
    const decoded = raws.map(decode);
    return {
      rows: decoded.flatMap((d) => (d.ok ? [d.row] : [])),
      unreadable: decoded.flatMap((d) => (d.ok ? [] : [d.row])),
    };
  }

  /** How many groups the per-source cap holds back, by channel and source. */
  heldCounts(maxOpenPerSource: number): Array<{ channel: string; sourceKey: string; count: number }> {
    return this.store.db
      .prepare<{ cap: number }, { channel: string; sourceKey: string; count: number }>(
        `WITH ${HELD_CTE}
         SELECT g.channel, g.source_key AS sourceKey, COUNT(*) AS count
         FROM held h JOIN alert_groups g ON g.group_key = h.group_key GROUP BY g.channel, g.source_key`,
      )
      .all({ cap: maxOpenPerSource });
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
    return this.store.db
      .prepare(`SELECT ${COLUMNS} FROM alert_groups WHERE status = 'firing' ORDER BY updated_at DESC`)
      .all()
      .map(decode)
      .flatMap((d) => (d.ok ? [d.row] : []));
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
      .prepare<[], { reason: string; count: number }>(
        `SELECT coalesce(parked_reason, 'unknown') AS reason, COUNT(*) AS count FROM alert_groups
         WHERE parked_at IS NOT NULL GROUP BY reason`,
      )
      .all();
  }

  pendingReplies(groupKey: string): PendingReply[] {
    return this.store.db
      .prepare<[string], { id: number; text: string; posting_since: string | null }>(
        'SELECT id, text, posting_since FROM alert_replies WHERE group_key = ? AND posted_at IS NULL ORDER BY id',
      )
      .all(groupKey)
      .map((r) => ({ id: r.id, event: readThreadEvent(r.text), postingSince: r.posting_since ?? undefined }));
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

  /** Queues a thread reply; its wording is the blocks' (threadReplyText), at posting time. */
  private reply(groupKey: string, event: ThreadEvent, now: Date): void {
    this.store.db
      .prepare('INSERT INTO alert_replies (group_key, text, created_at) VALUES (?, ?, ?)')
      .run(groupKey, JSON.stringify(event), now.toISOString());
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
