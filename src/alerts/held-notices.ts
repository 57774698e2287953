// The "alerts held back" notice. When a source has more open alert groups than
// `alerts.max_open_groups_per_source`, the groups beyond the cap are kept but not posted; the
// channel gets one notice per source saying so, updated in place with the count and cleared
// when nothing is held back any more. This file keeps the notices' state in the store and
// builds their text; the outbox posts them.

import { clamp, escapeMrkdwn, type MessageContent, section } from '../kit/blocks.js';
import type { Store } from '../store/store.js';
import { NOTICE_UPDATE_MS } from './delivery-policy.js';

export interface NoticeRow {
  readonly channel: string;
  readonly sourceKey: string;
  readonly ts: string | null;
  /** Set before the notice is posted; a restart that finds it without ts looks in the channel. */
  readonly postingSince: string | null;
  /** The count the message shows now. */
  readonly shownCount: number;
  readonly shownAt: string | null;
}

export class HeldNotices {
  constructor(private readonly store: Store) {}

  all(): NoticeRow[] {
    return this.store.db
      .prepare<[], NoticeRow>(
        `SELECT channel, source_key AS sourceKey, ts, posting_since AS postingSince, shown_count AS shownCount,
           shown_at AS shownAt FROM alert_notices`,
      )
      .all();
  }

  markPosting(channel: string, sourceKey: string, now: Date): void {
    this.store.db
      .prepare(
        `INSERT INTO alert_notices (channel, source_key, posting_since) VALUES (?, ?, ?)
         ON CONFLICT (channel, source_key) DO UPDATE SET posting_since = coalesce(posting_since, excluded.posting_since)`,
      )
      .run(channel, sourceKey, now.toISOString());
  }

  /** The message exists (posted now, or found after a crash) and shows `count`. */
  shown(channel: string, sourceKey: string, ts: string, count: number, now: Date): void {
    this.store.db
      .prepare(
        `UPDATE alert_notices SET ts = ?, posting_since = NULL, shown_count = ?, shown_at = ?
         WHERE channel = ? AND source_key = ?`,
      )
      .run(ts, count, now.toISOString(), channel, sourceKey);
  }

  /** Nothing is held back any more and the message says so: the next backlog gets a new one. */
  remove(channel: string, sourceKey: string): void {
    this.store.db
      .prepare('DELETE FROM alert_notices WHERE channel = ? AND source_key = ?')
      .run(channel, sourceKey);
  }
}

/** A source key (see sourceKeyOf) as people read it; unescaped. */
export function describeSource(sourceKey: string): string {
  if (sourceKey === 'json') return 'JSON alerts (POST /alerts)';
  if (sourceKey.startsWith('json:')) return `JSON alerts of source "${sourceKey.slice('json:'.length)}"`;
  // `<kind>:<receiver>@<externalURL>`, split at the first `:` and the first `@` after it.
  const [, kind = '', receiver, url] = /^([^:]*):([^@]*)(?:@([\s\S]*))?$/.exec(sourceKey) ?? [];
  if (receiver === undefined) return `alerts from ${sourceKey || 'an unknown source'}`;
  const name = kind === 'alertmanager' ? 'Alertmanager' : kind.charAt(0).toUpperCase() + kind.slice(1);
  return `${name}${receiver ? ` receiver "${receiver}"` : ''}${url ? ` at ${url}` : ''}`;
}

/** The notice while `count` groups of the source are held back. */
export function heldNoticeMessage(sourceKey: string, count: number, cap: number): MessageContent {
  const source = escapeMrkdwn(clamp(describeSource(sourceKey), 300));
  const groups = `${count} alert group${count === 1 ? '' : 's'}`;
  const headline = `:double_vertical_bar: ${groups} from ${source} ${count === 1 ? 'is' : 'are'} held back`;
  const detail =
    `More than ${cap} of its groups are open (\`alerts.max_open_groups_per_source\`): the most severe ` +
    'are shown, and the rest are posted here as others resolve. `/audit alerts` lists every firing group.';
  return { text: `${headline}.`, blocks: [section(`*${headline}.*\n${detail}`)] };
}

/** The same message once nothing of the source is held back any more. */
export function heldClearedMessage(sourceKey: string): MessageContent {
  const source = escapeMrkdwn(clamp(describeSource(sourceKey), 300));
  const text = `:white_check_mark: No alert groups from ${source} are held back any more.`;
  return { text, blocks: [section(text)] };
}

/** One held-back notice to post, update or clear this round. */
export interface NoticeTask {
  readonly kind: 'notice';
  readonly channel: string;
  readonly sourceKey: string;
  /** Groups held back now; 0 clears the notice. */
  readonly count: number;
  readonly stored: NoticeRow | undefined;
}

export const noticeKey = (channel: string, sourceKey: string) => `${channel}\n${sourceKey}`;

/**
 * The held-back notices to post, update or clear now, by channel: a new count is shown at most
 * every NOTICE_UPDATE_MS, a notice whose groups are all shown again is cleared, and a notice
 * waiting for a retry (`retryAt`) is left alone until then.
 */
export function dueNoticeTasks(input: {
  readonly held: ReadonlyArray<{ channel: string; sourceKey: string; count: number }>;
  readonly stored: readonly NoticeRow[];
  readonly retryAt: (key: string) => number | undefined;
  readonly now: number;
}): Map<string, NoticeTask[]> {
  const { now } = input;
  const held = new Map(input.held.map((h) => [noticeKey(h.channel, h.sourceKey), h]));
  const stored = new Map(input.stored.map((n) => [noticeKey(n.channel, n.sourceKey), n]));
  const tasks = new Map<string, NoticeTask[]>();
  for (const key of new Set([...held.keys(), ...stored.keys()])) {
    const retryAt = input.retryAt(key);
    if (retryAt !== undefined && retryAt > now) continue;
    const notice = stored.get(key);
    const count = held.get(key)?.count ?? 0;
    const { channel, sourceKey } = notice ?? held.get(key) ?? { channel: '', sourceKey: '' };
    const due =
      !notice ||
      notice.ts === null ||
      count === 0 ||
      (count !== notice.shownCount &&
        (notice.shownAt === null || now - Date.parse(notice.shownAt) >= NOTICE_UPDATE_MS));
    if (!due || (!notice && count === 0)) continue;
    tasks.set(channel, [
      ...(tasks.get(channel) ?? []),
      { kind: 'notice', channel, sourceKey, count, stored: notice },
    ]);
  }
  return tasks;
}
