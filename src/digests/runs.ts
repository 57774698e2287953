// Digest runs in the store, and node-cron's RunCoordinator backed by them: a slot is claimed
// by inserting its key, so of all processes sharing the database exactly one posts it. A claim
// left unfinished (state `claimed`) by a crash is taken over by compare-and-swap on its claim
// time and settled: posted, posted late, or missed. Rows are read through a zod schema; a row
// that fails it is reported (and, if it was a claim, parked as failed), never fatal.

import type { RunCoordinator } from 'node-cron';
import { z } from 'zod';
import { rowProblem } from '../kit/bad-rows.js';
import type { Store } from '../store/store.js';

export type RunState = 'claimed' | 'posted' | 'failed' | 'missed';

/** Times the bot wrote with toISOString(). */
const isoTime = z.iso.datetime({ offset: true });

/** Figures shown by a digest, by probe id: finite numbers only (they are subtracted). */
const figuresSchema = z.record(z.string(), z.number().refine(Number.isFinite, 'must be a finite number'));

/** A claim nobody recorded an outcome for (yet). */
const unfinishedSchema = z
  .object({ key: z.string(), digest_id: z.string(), slot: isoTime, late: z.number(), claimed_at: isoTime })
  .transform((r) => ({ key: r.key, digestId: r.digest_id, slot: r.slot, claimedAt: r.claimed_at }));

export type UnfinishedRun = Readonly<z.output<typeof unfinishedSchema>>;

/** Told of a row that does not read: its key, digest and why. */
export type UnreadableRun = (row: { key: string; digestId: string; reason: string }) => void;

/** The key node-cron builds: `${coordinatorKeyPrefix}:${slot.toISOString()}`. */
export function slotKey(digestId: string, slot: Date): string {
  return `${taskName(digestId)}:${slot.toISOString()}`;
}

export class DigestRuns {
  constructor(
    private readonly store: Store,
    private readonly onUnreadable: UnreadableRun = () => {},
  ) {}

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
      state: 'posted' | 'failed' | 'missed';
      channel: string;
      ts?: string;
      error?: string;
      figures?: Record<string, number>;
      /** Posted after its time (a slot recovered after a crash); unchanged when not given. */
      late?: boolean;
    },
    now: Date,
  ): void {
    this.store.db
      .prepare(
        `UPDATE digest_runs SET state = ?, finished_at = ?, channel = ?, ts = ?, error = ?, figures = ?,
           late = COALESCE(?, late) WHERE key = ?`,
      )
      .run(
        result.state,
        now.toISOString(),
        result.channel,
        result.ts ?? null,
        result.error ?? null,
        result.figures ? JSON.stringify(result.figures) : null,
        result.late === undefined ? null : result.late ? 1 : 0,
        key,
      );
  }

  /** Claims nobody finished; unreadable ones are reported and parked as failed, not returned. */
  unfinished(): UnfinishedRun[] {
    return this.store.db
      .prepare<[], { key: string; digest_id: string }>(
        "SELECT key, digest_id, slot, late, claimed_at FROM digest_runs WHERE state = 'claimed' ORDER BY key",
      )
      .all()
      .flatMap((raw) => {
        const parsed = unfinishedSchema.safeParse(raw);
        if (parsed.success) return [parsed.data];
        const reason = rowProblem(parsed.error);
        this.onUnreadable({ key: raw.key, digestId: raw.digest_id, reason });
        this.store.db
          .prepare("UPDATE digest_runs SET state = 'failed', error = ? WHERE key = ? AND state = 'claimed'")
          .run(`unreadable claim: ${reason}`, raw.key);
        return [];
      });
  }

  /** Takes over an unfinished claim, if it is still the one read; true for the one caller that did. */
  takeOver(run: UnfinishedRun, now: Date): boolean {
    const info = this.store.db
      .prepare("UPDATE digest_runs SET claimed_at = ? WHERE key = ? AND state = 'claimed' AND claimed_at = ?")
      .run(now.toISOString(), run.key, run.claimedAt);
    return info.changes === 1;
  }

  has(key: string): boolean {
    return this.store.db.prepare('SELECT 1 FROM digest_runs WHERE key = ?').get(key) !== undefined;
  }

  /** The newest posted run of a digest: its message and the figures it showed. */
  lastPosted(digestId: string): { ts: string | undefined; figures: Record<string, number> } | undefined {
    const row = this.store.db
      .prepare<[string], { key: string; digest_id: string; ts: string | null; figures: string | null }>(
        `SELECT key, digest_id, ts, figures FROM digest_runs
         WHERE digest_id = ? AND state = 'posted' ORDER BY slot DESC LIMIT 1`,
      )
      .get(digestId);
    return row && { ts: row.ts ?? undefined, figures: this.figuresOf(row) };
  }

  /** The stored figures, or none when they do not read (reported): a digest then shows no change. */
  private figuresOf(row: { key: string; digest_id: string; figures: string | null }): Record<string, number> {
    if (!row.figures) return {};
    const unreadable = (reason: string) => {
      this.onUnreadable({ key: row.key, digestId: row.digest_id, reason: `figures: ${reason}` });
      return {};
    };
    let json: unknown;
    try {
      json = JSON.parse(row.figures);
    } catch (error) {
      return unreadable(`not JSON (${String(error)})`);
    }
    const parsed = figuresSchema.safeParse(json);
    return parsed.success ? parsed.data : unreadable(rowProblem(parsed.error));
  }

  /**
   * The newest scheduled slot known for a digest (any state), to tell how long the bot was away.
   * A slot that does not read as a time is reported and passed over (as text it may sort first).
   */
  lastSlot(digestId: string): string | undefined {
    const rows = this.store.db
      .prepare<[string], { key: string; slot: string }>(
        "SELECT key, slot FROM digest_runs WHERE digest_id = ? AND key NOT LIKE 'manual:%' ORDER BY slot DESC",
      )
      .iterate(digestId);
    for (const row of rows) {
      const slot = isoTime.safeParse(row.slot);
      if (slot.success) return slot.data;
      this.onUnreadable({ key: row.key, digestId, reason: `slot: ${rowProblem(slot.error)}` });
    }
    return undefined;
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
