// Issue proposals in the store, and the claim that makes creation happen once: approving
// moves a proposal from proposed/failed to creating in a single UPDATE; whoever changes the
// row proceeds, everyone else is told it is already underway.

import { z } from 'zod';
import type { Store } from '../store/store.js';

export type ProposalState = 'proposed' | 'creating' | 'created' | 'failed' | 'dismissed';

const rowSchema = z.object({
  id: z.number(),
  source_key: z.string(),
  title: z.string(),
  priority: z.string(),
  type: z.string(),
  description: z.string(),
  report_file: z.string().nullable(),
  slack_link: z.string().nullable(),
  channel: z.string().nullable(),
  ts: z.string().nullable(),
  state: z.enum(['proposed', 'creating', 'created', 'failed', 'dismissed']),
  claimed_by: z.string().nullable(),
  claimed_at: z.string().nullable(),
  page_url: z.string().nullable(),
  existing: z.number(),
  decided_by: z.string().nullable(),
  reason: z.string().nullable(),
  error: z.string().nullable(),
});

export interface Proposal {
  readonly id: number;
  readonly sourceKey: string;
  readonly title: string;
  readonly priority: string;
  readonly type: string;
  readonly description: string;
  readonly reportFile: string | undefined;
  readonly slackLink: string | undefined;
  readonly channel: string | undefined;
  readonly ts: string | undefined;
  readonly state: ProposalState;
  readonly claimedBy: string | undefined;
  readonly claimedAt: string | undefined;
  readonly pageUrl: string | undefined;
  readonly existing: boolean;
  readonly decidedBy: string | undefined;
  readonly reason: string | undefined;
  readonly error: string | undefined;
}

function toProposal(raw: unknown): Proposal {
  const r = rowSchema.parse(raw);
  return {
    id: r.id,
    sourceKey: r.source_key,
    title: r.title,
    priority: r.priority,
    type: r.type,
    description: r.description,
    reportFile: r.report_file ?? undefined,
    slackLink: r.slack_link ?? undefined,
    channel: r.channel ?? undefined,
    ts: r.ts ?? undefined,
    state: r.state,
    claimedBy: r.claimed_by ?? undefined,
    claimedAt: r.claimed_at ?? undefined,
    pageUrl: r.page_url ?? undefined,
    existing: r.existing === 1,
    decidedBy: r.decided_by ?? undefined,
    reason: r.reason ?? undefined,
    error: r.error ?? undefined,
  };
}

export interface NewProposal {
  readonly sourceKey: string;
  readonly title: string;
  readonly priority: string;
  readonly type: string;
  readonly description: string;
  readonly reportFile?: string;
  readonly slackLink?: string;
}

export class Proposals {
  constructor(private readonly store: Store) {}

  /** Inserts unless the source already proposed it; returns the row and whether it is new. */
  propose(proposal: NewProposal, now: Date): { proposal: Proposal; created: boolean } {
    const at = now.toISOString();
    const info = this.store.db
      .prepare(
        `INSERT INTO issue_proposals (source_key, title, priority, type, description, report_file, slack_link, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?) ON CONFLICT(source_key) DO NOTHING`,
      )
      .run(
        proposal.sourceKey,
        proposal.title,
        proposal.priority,
        proposal.type,
        proposal.description,
        proposal.reportFile ?? null,
        proposal.slackLink ?? null,
        at,
        at,
      );
    const row = this.bySource(proposal.sourceKey);
    if (!row) throw new Error(`proposal ${proposal.sourceKey} vanished`);
    return { proposal: row, created: info.changes === 1 };
  }

  get(id: number): Proposal | undefined {
    const raw = this.store.db.prepare('SELECT * FROM issue_proposals WHERE id = ?').get(id);
    return raw ? toProposal(raw) : undefined;
  }

  bySource(sourceKey: string): Proposal | undefined {
    const raw = this.store.db.prepare('SELECT * FROM issue_proposals WHERE source_key = ?').get(sourceKey);
    return raw ? toProposal(raw) : undefined;
  }

  /** Proposals waiting for a decision (proposed, or failed and waiting for Retry), newest first. */
  open(): Proposal[] {
    return this.store.db
      .prepare("SELECT * FROM issue_proposals WHERE state IN ('proposed', 'failed') ORDER BY id DESC")
      .all()
      .map(toProposal);
  }

  /** Proposals whose message has not reached Slack yet. */
  unposted(): Proposal[] {
    return this.store.db
      .prepare("SELECT * FROM issue_proposals WHERE ts IS NULL AND state = 'proposed' ORDER BY id")
      .all()
      .map(toProposal);
  }

  /** Claims left in `creating` by a crash, older than `olderThan`. */
  stuck(olderThan: Date): Proposal[] {
    return this.store.db
      .prepare("SELECT * FROM issue_proposals WHERE state = 'creating' AND claimed_at < ? ORDER BY id")
      .all(olderThan.toISOString())
      .map(toProposal);
  }

  setMessage(id: number, channel: string, ts: string): void {
    this.store.db.prepare('UPDATE issue_proposals SET channel = ?, ts = ? WHERE id = ?').run(channel, ts, id);
  }

  /** proposed/failed → creating; true for the one caller that changed it. */
  claim(id: number, userId: string, now: Date): boolean {
    const at = now.toISOString();
    const info = this.store.db
      .prepare(
        `UPDATE issue_proposals SET state = 'creating', claimed_by = ?, claimed_at = ?, error = NULL, updated_at = ?
         WHERE id = ? AND state IN ('proposed', 'failed')`,
      )
      .run(userId, at, at, id);
    return info.changes === 1;
  }

  /** A crashed claim is taken over by the restarted bot. */
  reclaim(id: number, now: Date): boolean {
    const at = now.toISOString();
    const info = this.store.db
      .prepare(
        "UPDATE issue_proposals SET claimed_at = ?, updated_at = ? WHERE id = ? AND state = 'creating'",
      )
      .run(at, at, id);
    return info.changes === 1;
  }

  created(id: number, page: { id: string; url: string; existing: boolean }, userId: string, now: Date): void {
    this.store.db
      .prepare(
        `UPDATE issue_proposals SET state = 'created', page_id = ?, page_url = ?, existing = ?, decided_by = ?, updated_at = ?
         WHERE id = ?`,
      )
      .run(page.id, page.url, page.existing ? 1 : 0, userId, now.toISOString(), id);
  }

  failed(id: number, error: string, now: Date): void {
    this.store.db
      .prepare(
        "UPDATE issue_proposals SET state = 'failed', error = ?, updated_at = ? WHERE id = ? AND state = 'creating'",
      )
      .run(error, now.toISOString(), id);
  }

  dismiss(id: number, userId: string, reason: string, now: Date): boolean {
    const info = this.store.db
      .prepare(
        `UPDATE issue_proposals SET state = 'dismissed', decided_by = ?, reason = ?, updated_at = ?
         WHERE id = ? AND state IN ('proposed', 'failed')`,
      )
      .run(userId, reason, now.toISOString(), id);
    return info.changes === 1;
  }

  edit(
    id: number,
    fields: { title: string; priority: string; type: string; description: string },
    now: Date,
  ): boolean {
    const info = this.store.db
      .prepare(
        `UPDATE issue_proposals SET title = ?, priority = ?, type = ?, description = ?, updated_at = ?
         WHERE id = ? AND state IN ('proposed', 'failed')`,
      )
      .run(fields.title, fields.priority, fields.type, fields.description, now.toISOString(), id);
    return info.changes === 1;
  }
}
