// Pruning of stored rows by age and by size (`retention:` in audit-bot.yml), on an unref'd
// timer. Without it the database only grows: 200 alert bodies of 1 MB added 240 MB in 6 s.
//
// Never deleted, whatever the limits say: the latest result (and the latest figure) of each
// probe, the latest push body of each probe, alert groups that are firing or not yet fully
// delivered to Slack (and their replies), unfinished digest claims and the newest slot of each
// digest (missed-slot detection and "change since the last digest" read them), and the Notion
// page counts of configured probes. Deletes run in small batches, each its own transaction, so
// webhook writes never wait long for the lock; the job logs what it removed, counts it in
// /metrics, and a failure is logged and tried again at the next interval, never thrown.

import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Counter } from 'prom-client';
import { z } from 'zod';
import { describeError } from '../kit/errors.js';
import type { Logger } from '../kit/logger.js';
import { byteSize, duration } from '../kit/schemas.js';
import type { Store } from './store.js';

// ---------------------------------------------------------------------------------------------
// `retention:` of audit-bot.yml

/** `null` keeps rows forever (by that measure). */
const maxAge = (fallback: number) => duration.nullable().default(fallback);
/** Limits by age only, and by age and total size. */
const aged = (age: number) => z.strictObject({ max_age: maxAge(age) }).prefault({});
const agedAndSized = (age: number, bytes: number) =>
  z.strictObject({ max_age: maxAge(age), max_bytes: byteSize.nullable().default(bytes) }).prefault({});
const DAY_MS = 86_400_000;
const MB = 1000 ** 2;

export const retentionSchema = z.strictObject({
  /** How often the pruning job runs. */
  interval: duration.default(3_600_000),
  /** Probe history; the latest result (and latest figure) of each probe is always kept. */
  probe_results: agedAndSized(90 * DAY_MS, 100 * MB),
  /** Bodies POSTed to /probes/:id/results; the latest of each probe is always kept. */
  push_results: agedAndSized(30 * DAY_MS, 50 * MB),
  /** Alert webhook bodies as received (already applied to their groups when stored). */
  alert_inbox: agedAndSized(14 * DAY_MS, 50 * MB),
  /** Finished digest slots; unfinished claims and the newest slot of each digest stay. */
  digest_runs: aged(365 * DAY_MS),
  /** Resolved alert groups fully delivered to Slack, with their thread replies. */
  alert_groups: aged(30 * DAY_MS),
  /** Notion page counts of probes removed from the config, after their last full scan. */
  notion_pages: aged(7 * DAY_MS),
});
export type RetentionConfig = z.output<typeof retentionSchema>;

/**
 * Tables pruned by age (`time`) and by size (the sum of `size`); `keep` protects the rows no
 * limit may delete.
 */
const SIZED_TABLES = [
  {
    table: 'probe_results',
    time: 'measured_at',
    size: 'COALESCE(length(CAST(measurement AS BLOB)), 0) + COALESCE(length(CAST(error AS BLOB)), 0)',
    // Probe history: the newest row of each probe, and its newest row with a figure, stay.
    keep: `id NOT IN (
      SELECT MAX(id) FROM probe_results GROUP BY probe_id
      UNION SELECT MAX(id) FROM probe_results WHERE measurement IS NOT NULL GROUP BY probe_id)`,
  },
  {
    table: 'push_results',
    time: 'received_at',
    size: 'length(CAST(body AS BLOB))',
    // Push bodies: the push probe reads the newest of each probe.
    keep: 'id NOT IN (SELECT MAX(id) FROM push_results GROUP BY probe_id)',
  },
  {
    table: 'alert_inbox',
    time: 'received_at',
    size: 'length(CAST(body AS BLOB))',
    // Alert bodies were applied to their groups in the same transaction that stored them.
    keep: '1 = 1',
  },
] as const;

/** Rows deleted per transaction. */
const BATCH = 2000;
/** The first pruning after start waits a little, so start-up work goes first. */
const FIRST_RUN_DELAY_MS = 30_000;

export type PrunedCounts = Record<string, number>;

export interface RetentionDeps {
  readonly store: Store;
  readonly policy: RetentionConfig;
  readonly logger: Pick<Logger, 'info' | 'debug' | 'error'>;
  /** audit_bot_pruned_rows_total{table}. */
  readonly counter?: Counter<'table'>;
  /** Probes whose Notion page counts must stay (the configured notion probes). */
  readonly notionProbeIds: readonly string[];
  readonly now?: () => Date;
}

export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PrunedCounts | undefined> | undefined;
  private stopped = false;
  private readonly now: () => Date;

  constructor(private readonly deps: RetentionDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Prunes shortly after start, then every `retention.interval`; the timers never hold the process. */
  start(): void {
    this.schedule(FIRST_RUN_DELAY_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pruning pass now. Never rejects: a failure is logged and undefined returned. */
  run(): Promise<PrunedCounts | undefined> {
    this.running ??= this.prune()
      .then((counts) => {
        this.report(counts);
        return counts;
      })
      .catch((error: unknown) => {
        this.deps.logger.error(`pruning old rows failed (tried again later): ${describeError(error)}`);
        return undefined;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.run().then(() => this.schedule(this.deps.policy.interval));
    }, delayMs);
    this.timer.unref();
  }

  private report(counts: PrunedCounts): void {
    const removed = Object.entries(counts).filter(([, n]) => n > 0);
    for (const [table, n] of removed) this.deps.counter?.inc({ table }, n);
    if (removed.length === 0) {
      this.deps.logger.debug('pruning: nothing older or larger than the retention limits');
      return;
    }
    const summary = removed.map(([table, n]) => `${table} ${n}`).join(', ');
    this.deps.logger.info({ pruned: Object.fromEntries(removed) }, `pruned old rows: ${summary}`);
  }

  private async prune(): Promise<PrunedCounts> {
    const policy = this.deps.policy;
    const now = this.now().getTime();
    const cutoff = (maxAge: number | null) =>
      maxAge === null ? undefined : new Date(now - maxAge).toISOString();
    const counts: PrunedCounts = {};
    const add = (table: string, n: number) => {
      counts[table] = (counts[table] ?? 0) + n;
    };

    for (const { table, time, size, keep } of SIZED_TABLES) {
      const { max_age, max_bytes } = policy[table];
      const before = cutoff(max_age);
      if (before) add(table, await this.deleteBatches(table, `${time} < ? AND ${keep}`, [before]));
      if (max_bytes !== null) add(table, await this.capSize(table, size, keep, max_bytes));
    }

    // Digest runs: unfinished claims, and the newest slot and newest posted run of each digest.
    const digestsBefore = cutoff(policy.digest_runs.max_age);
    if (digestsBefore)
      add(
        'digest_runs',
        await this.deleteBatches(
          'digest_runs',
          `state <> 'claimed' AND COALESCE(finished_at, claimed_at) < ?
           AND rowid NOT IN (
             SELECT (SELECT rowid FROM digest_runs d WHERE d.digest_id = g.digest_id ORDER BY slot DESC LIMIT 1)
             FROM (SELECT DISTINCT digest_id FROM digest_runs) g
             UNION
             SELECT (SELECT rowid FROM digest_runs d WHERE d.digest_id = g.digest_id AND d.state = 'posted'
                     ORDER BY slot DESC LIMIT 1)
             FROM (SELECT DISTINCT digest_id FROM digest_runs) g)`,
          [digestsBefore],
          'rowid',
        ),
      );

    // Alert groups: only resolved ones Slack is fully up to date with, replies included.
    const groupsBefore = cutoff(policy.alert_groups.max_age);
    if (groupsBefore) [counts.alert_groups, counts.alert_replies] = await this.pruneAlertGroups(groupsBefore);

    // Notion page counts of probes no longer configured, once their last full scan is old.
    const pagesBefore = cutoff(policy.notion_pages.max_age);
    if (pagesBefore) add('notion_pages', this.pruneNotionPages(pagesBefore));
    return counts;
  }

  /** Deletes rows matching `where` in batches; returns how many. */
  private async deleteBatches(
    table: string,
    where: string,
    params: readonly unknown[],
    key = 'id',
  ): Promise<number> {
    const statement = this.deps.store.db.prepare(
      `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ${BATCH})`,
    );
    let total = 0;
    for (;;) {
      if (this.stopped) return total;
      const { changes } = this.deps.store.transaction(() => statement.run(...params));
      total += changes;
      if (changes < BATCH) return total;
      await yieldToEventLoop();
    }
  }

  /**
   * Deletes the oldest rows (by id) that `keep` does not protect until the sizes of all rows
   * add up to at most `maxBytes`.
   */
  private async capSize(table: string, size: string, keep: string, maxBytes: number): Promise<number> {
    const db = this.deps.store.db;
    const total = db
      .prepare<[], { total: number }>(`SELECT COALESCE(SUM(${size}), 0) AS total FROM ${table}`)
      .get()?.total;
    if (total === undefined || total <= maxBytes) return 0;
    let excess = total - maxBytes;
    let cut: number | undefined;
    for (const row of db
      .prepare<[], { id: number; size: number }>(
        `SELECT id, ${size} AS size FROM ${table} WHERE ${keep} ORDER BY id`,
      )
      .iterate()) {
      cut = row.id;
      excess -= row.size;
      if (excess <= 0) break;
    }
    if (cut === undefined) return 0;
    return this.deleteBatches(table, `id <= ? AND ${keep}`, [cut]);
  }

  private async pruneAlertGroups(before: string): Promise<[number, number]> {
    const db = this.deps.store.db;
    const select = db.prepare<[string], { group_key: string }>(
      `SELECT group_key FROM alert_groups g
       WHERE status = 'resolved' AND posted_version >= version AND updated_at < ?
         AND NOT EXISTS (SELECT 1 FROM alert_replies r WHERE r.group_key = g.group_key AND r.posted_at IS NULL)
       LIMIT ${BATCH}`,
    );
    const deleteReplies = db.prepare('DELETE FROM alert_replies WHERE group_key = ?');
    const deleteGroup = db.prepare(
      "DELETE FROM alert_groups WHERE group_key = ? AND status = 'resolved' AND posted_version >= version",
    );
    let groups = 0;
    let replies = 0;
    for (;;) {
      if (this.stopped) break;
      const batch = this.deps.store.transaction(() => {
        const keys = select.all(before).map((r) => r.group_key);
        for (const key of keys) {
          replies += deleteReplies.run(key).changes;
          groups += deleteGroup.run(key).changes;
        }
        return keys.length;
      });
      if (batch < BATCH) break;
      await yieldToEventLoop();
    }
    return [groups, replies];
  }

  private pruneNotionPages(before: string): number {
    const configured = JSON.stringify(this.deps.notionProbeIds);
    return this.deps.store.transaction(() => {
      const stale = `SELECT probe_id FROM notion_scans
        WHERE last_full_scan_at < ? AND probe_id NOT IN (SELECT value FROM json_each(?))`;
      const { changes } = this.deps.store.db
        .prepare(`DELETE FROM notion_pages WHERE probe_id IN (${stale})`)
        .run(before, configured);
      this.deps.store.db
        .prepare(`DELETE FROM notion_scans WHERE probe_id IN (${stale})`)
        .run(before, configured);
      return changes;
    });
  }
}
