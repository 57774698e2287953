// A stored alert group row, read through a schema: a state that cannot be read (a torn write, a
// hand edit, an older version) becomes an UnreadableRow the outbox parks, never an exception.

import { z } from 'zod';
import { describeError } from '../kit/errors.js';
import type { GroupState } from './schemas.js';

const rowSchema = z.object({
  group_key: z.string(),
  group_id: z.string(),
  channel: z.string(),
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
export interface UnreadableRow extends Pick<GroupRow, 'groupKey' | 'groupId' | 'channel' | 'version'> {
  readonly problem: string;
}

export type Decoded =
  | { readonly ok: true; readonly row: GroupRow }
  | { readonly ok: false; readonly row: UnreadableRow };

export function decode(raw: unknown): Decoded {
  const row = rowSchema.parse(raw);
  const key = { groupKey: row.group_key, groupId: row.group_id, channel: row.channel, version: row.version };
  const unreadable = (problem: string): Decoded => ({ ok: false, row: { ...key, problem } });
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
      ...key,
      state: state as GroupState,
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
