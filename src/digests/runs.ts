// Digest runs in the store, and node-cron's RunCoordinator backed by them: a slot is claimed
// by inserting its key, so of all processes sharing the database exactly one posts it.

import type { RunCoordinator } from 'node-cron';
import type { Store } from '../store/store.js';

export type RunState = 'claimed' | 'posted' | 'failed';

export interface DigestRun {
  readonly key: string;
  readonly digestId: string;
  readonly slot: string;
  readonly late: boolean;
  readonly state: RunState;
  readonly ts: string | undefined;
  readonly figures: Record<string, number>;
}

/** The key node-cron builds: `${coordinatorKeyPrefix}:${slot.toISOString()}`. */
export function slotKey(digestId: string, slot: Date): string {
  return `${taskName(digestId)}:${slot.toISOString()}`;
}

export class DigestRuns {
  constructor(private readonly store: Store) {}

  /** True when this caller won the slot. */
  claim(key: string, digestId: string, slot: Date, late: boolean, now: Date): boolean {
    const info = this.store.db
      .prepare(
        `INSERT INTO digest_runs (key, digest_id, slot, late, state, claimed_at) VALUES (?, ?, ?, ?, 'claimed', ?)
         ON CONFLICT(key) DO NOTHING`,
      )
      .run(key, digestId, slot.toISOString(), late ? 1 : 0, now.toISOString());
    return info.changes === 1;
  }

  finish(
    key: string,
    result: {
      state: 'posted' | 'failed';
      channel: string;
      ts?: string;
      error?: string;
      figures?: Record<string, number>;
    },
    now: Date,
  ): void {
    this.store.db
      .prepare(
        'UPDATE digest_runs SET state = ?, finished_at = ?, channel = ?, ts = ?, error = ?, figures = ? WHERE key = ?',
      )
      .run(
        result.state,
        now.toISOString(),
        result.channel,
        result.ts ?? null,
        result.error ?? null,
        result.figures ? JSON.stringify(result.figures) : null,
        key,
      );
  }

  has(key: string): boolean {
    return this.store.db.prepare('SELECT 1 FROM digest_runs WHERE key = ?').get(key) !== undefined;
  }

  /** The newest posted run of a digest, for its figures. */
  lastPosted(digestId: string): DigestRun | undefined {
    const row = this.store.db
      .prepare<
        [string],
        {
          key: string;
          digest_id: string;
          slot: string;
          late: number;
          state: RunState;
          ts: string | null;
          figures: string | null;
        }
      >(
        `SELECT key, digest_id, slot, late, state, ts, figures FROM digest_runs
         WHERE digest_id = ? AND state = 'posted' ORDER BY slot DESC LIMIT 1`,
      )
      .get(digestId);
    if (!row) return undefined;
    let figures: Record<string, number> = {};
    try {
      figures = row.figures ? (JSON.parse(row.figures) as Record<string, number>) : {};
    } catch {
      figures = {};
    }
    return {
      key: row.key,
      digestId: row.digest_id,
      slot: row.slot,
      late: row.late === 1,
      state: row.state,
      ts: row.ts ?? undefined,
      figures,
    };
  }

  /** The newest scheduled slot known for a digest (any state), to tell how long the bot was away. */
  lastSlot(digestId: string): string | undefined {
    const row = this.store.db
      .prepare<[string], { slot: string }>(
        "SELECT slot FROM digest_runs WHERE digest_id = ? AND key NOT LIKE 'manual:%' ORDER BY slot DESC LIMIT 1",
      )
      .get(digestId);
    return row?.slot;
  }

  all(digestId: string): Array<{ key: string; slot: string; late: boolean; state: RunState }> {
    return this.store.db
      .prepare<[string], { key: string; slot: string; late: number; state: RunState }>(
        'SELECT key, slot, late, state FROM digest_runs WHERE digest_id = ? ORDER BY slot',
      )
      .all(digestId)
      .map((r) => ({ key: r.key, slot: r.slot, late: r.late === 1, state: r.state }));
  }
}

/** The name a digest's cron task gets; node-cron prefixes coordination keys with it. */
export function taskName(digestId: string): string {
  return `digest:${digestId}`;
}

/**
 * node-cron's coordination hook: the first process to insert the slot's key runs it. node-cron
 * builds the key as `${task name}:${slot ISO time}`, which is exactly slotKey().
 */
export function storeRunCoordinator(runs: DigestRuns, digestId: string, now: () => Date): RunCoordinator {
  const prefix = `${taskName(digestId)}:`;
  return {
    shouldRun(key: string): boolean {
      const slot = new Date(key.startsWith(prefix) ? key.slice(prefix.length) : Number.NaN);
      if (Number.isNaN(slot.getTime())) return false;
      return runs.claim(key, digestId, slot, false, now());
    },
  };
}
