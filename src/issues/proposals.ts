// Issue proposals in the store, and the claims that make creation and posting happen once:
// approving moves a proposal from proposed/failed to creating in a single UPDATE; whoever
// changes the row proceeds, everyone else is told it is already underway. A claim records the
// process instance that made it, so one cut off by a crash is taken over (compare-and-swap on
// the claim read) instead of blocking until a restart. Posting a proposal's message is claimed
// the same way. Rows are read through a zod schema; a row that fails it is reported and
// skipped by the loops, never allowed to stop them.

import { z } from 'zod';
import { rowProblem } from '../kit/bad-rows.js';
import type { Store } from '../store/store.js';
import type { IssueFields } from './form.js';
import type { IssueDraft } from './notion.js';
import { type IssueState, isFinishedStatus } from './notion-state.js';

/** Times the bot wrote with toISOString(); anything else was not written by it. */
const isoTime = z.iso.datetime({ offset: true });

/** An issue_proposals row, read as a proposal (NULL columns as undefined). */
const rowSchema = z
  .object({
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
    claimed_at: isoTime.nullable(),
    claimed_instance: z.string().nullable(),
    posting_by: z.string().nullable(),
    posting_at: isoTime.nullable(),
    page_id: z.string().nullish(),
    page_url: z.string().nullable(),
    existing: z.number(),
    decided_by: z.string().nullable(),
    reason: z.string().nullable(),
    error: z.string().nullable(),
    created_at: isoTime,
    // NULL when no check is linked / the page was never read back (columns of migration 10).
    probe_id: z.string().nullish(),
    notion_status: z.string().nullish(),
    notion_assignee: z.string().nullish(),
    notion_edited_at: z.string().nullish(),
    notion_gone: z.number().nullish(),
    figure_at_creation: z.string().nullish(),
    close_offer_ts: z.string().nullish(),
    closed_by: z.string().nullish(),
    closed_at: z.string().nullish(),
    reopen_offer_ts: z.string().nullish(),
  })
  .transform((r) => ({
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
    /** The process instance that claimed the creation (undefined: a build before migration 7). */
    claimedInstance: r.claimed_instance ?? undefined,
    /** The process instance posting the message, while it posts (cleared if that failed). */
    postingBy: r.posting_by ?? undefined,
    /** When posting the message was last claimed; set while a post may have reached Slack. */
    postingAt: r.posting_at ?? undefined,
    pageId: r.page_id ?? undefined,
    pageUrl: r.page_url ?? undefined,
    existing: r.existing === 1,
    decidedBy: r.decided_by ?? undefined,
    reason: r.reason ?? undefined,
    error: r.error ?? undefined,
    createdAt: r.created_at,
    /** The check this issue tracks, and its figure when the page was created. */
    probeId: r.probe_id ?? undefined,
    figureAtCreation: r.figure_at_creation ?? undefined,
    /** The thread reply offering Close issue (`pending` while it is being posted). */
    closeOfferTs: r.close_offer_ts ?? undefined,
    closedBy: r.closed_by ?? undefined,
    closedAt: r.closed_at ?? undefined,
    /** The thread reply offering Reopen issue (`pending` while it is being posted). */
    reopenOfferTs: r.reopen_offer_ts ?? undefined,
    /** The created page as Notion last told: undefined until it was read back once. */
    notion: r.notion_edited_at
      ? {
          status: r.notion_status ?? undefined,
          assignee: r.notion_assignee ?? undefined,
          editedAt: r.notion_edited_at,
          /** Trashed or deleted in Notion. */
          gone: r.notion_gone === 1,
        }
      : undefined,
  }));

export type Proposal = Readonly<z.output<typeof rowSchema>>;

/** Whether a created issue is still open: not finished in Notion, not deleted there. */
export function isOpenIssue(p: Proposal): boolean {
  return !p.notion?.gone && !isFinishedStatus(p.notion?.status ?? '');
}

/** A row that does not read as a proposal, and why (for the log and the metrics). */
export interface UnreadableProposal {
  readonly id: number | undefined;
  readonly reason: string;
}

/** Who reads a list of proposals, for the report of a row skipped there. */
export type ProposalReader =
  | 'claims'
  | 'posts'
  | 'open'
  | 'get'
  /** Created issues: /audit issues and the Home tab. */
  | 'issues'
  /** The issues of one check: digests, Close and Reopen. */
  | 'checks'
  /** Issues never read back from Notion: the poll. */
  | 'sync';

/** The claim a caller read, for compare-and-swap: taken over only if nobody changed it since. */
export interface ReadClaim {
  readonly id: number;
  readonly at: string | undefined;
  readonly instance: string | undefined;
}

/** What is proposed, and the source (report issue, check and day, form) it is proposed once for. */
export type NewProposal = IssueDraft & { readonly sourceKey: string; readonly probeId?: string | undefined };

export class Proposals {
  /**
   * @param onUnreadable told of each row a list skipped because it fails the row schema (the
   *   lists feed loops and the Home tab, which must go on with the other rows).
   */
  constructor(
    private readonly store: Store,
    private readonly onUnreadable: (reader: ProposalReader, row: UnreadableProposal) => void = () => {},
  ) {}

  /** The rows that read as proposals; each one that does not is reported with the schema's reason. */
  private list(reader: ProposalReader, sql: string, ...params: unknown[]): Proposal[] {
    return this.store.db
      .prepare(sql)
      .all(...params)
      .flatMap((raw) => {
        const parsed = rowSchema.safeParse(raw);
        if (parsed.success) return [parsed.data];
        const id = (raw as { id?: unknown }).id;
        this.onUnreadable(reader, {
          id: typeof id === 'number' ? id : undefined,
          reason: rowProblem(parsed.error),
        });
        return [];
      });
  }

  /** Runs a write; true when it changed a row (of concurrent conditional writes, one does). */
  private write(sql: string, params: readonly unknown[]): boolean {
    return this.store.db.prepare(sql).run(...params).changes === 1;
  }

  /** Inserts unless the source already proposed it; returns the row and whether it is new. */
  propose(proposal: NewProposal, now: Date): { proposal: Proposal; created: boolean } {
    const at = now.toISOString();
    const created = this.write(
      `INSERT INTO issue_proposals (source_key, title, priority, type, description, report_file, slack_link, probe_id, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?) ON CONFLICT(source_key) DO NOTHING`,
      [
        proposal.sourceKey,
        proposal.title,
        proposal.priority,
        proposal.type,
        proposal.description,
        proposal.reportFile ?? null,
        proposal.slackLink ?? null,
        proposal.probeId ?? null,
        at,
        at,
      ],
    );
    const row = this.store.db
      .prepare('SELECT * FROM issue_proposals WHERE source_key = ?')
      .get(proposal.sourceKey);
    if (!row) throw new Error(`proposal ${proposal.sourceKey} vanished`);
    return { proposal: rowSchema.parse(row), created };
  }

  /** The proposal, or undefined when there is none (or its row does not read as one: reported). */
  get(id: number): Proposal | undefined {
    return this.list('get', 'SELECT * FROM issue_proposals WHERE id = ?', id)[0];
  }

  /** Proposals waiting for a decision (proposed, or failed and waiting for Retry), newest first. */
  open(): Proposal[] {
    return this.list(
      'open',
      "SELECT * FROM issue_proposals WHERE state IN ('proposed', 'failed') ORDER BY id DESC",
    );
  }

  /** Proposals whose message has not reached Slack yet. */
  unposted(): Proposal[] {
    return this.list(
      'posts',
      "SELECT * FROM issue_proposals WHERE ts IS NULL AND state = 'proposed' ORDER BY id",
    );
  }

  /** Every creation claim (few at any time); the caller tells live ones from cut-off ones. */
  creating(): Proposal[] {
    return this.list('claims', "SELECT * FROM issue_proposals WHERE state = 'creating' ORDER BY id");
  }

  setMessage(id: number, channel: string, ts: string): void {
    this.write('UPDATE issue_proposals SET channel = ?, ts = ?, posting_by = NULL WHERE id = ?', [
      channel,
      ts,
      id,
    ]);
  }

  /** proposed/failed → creating; true for the one caller that changed it. */
  claim(id: number, userId: string, instance: string, now: Date): boolean {
    const at = now.toISOString();
    return this.write(
      `UPDATE issue_proposals SET state = 'creating', claimed_by = ?, claimed_at = ?, claimed_instance = ?,
           error = NULL, updated_at = ?
         WHERE id = ? AND state IN ('proposed', 'failed')`,
      [userId, at, instance, at, id],
    );
  }

  /**
   * Takes over a creation claim the caller found cut off, if it is still exactly the claim read
   * (another process may have taken it over meanwhile). `userId` replaces who approved when an
   * approver's press resumes it; the sweep keeps the original approver.
   */
  takeOver(claim: ReadClaim, instance: string, now: Date, userId?: string): boolean {
    const at = now.toISOString();
    return this.write(
      `UPDATE issue_proposals SET claimed_at = ?, claimed_instance = ?, claimed_by = COALESCE(?, claimed_by),
           error = NULL, updated_at = ?
         WHERE id = ? AND state = 'creating' AND claimed_at IS ? AND claimed_instance IS ?`,
      [at, instance, userId ?? null, at, claim.id, claim.at ?? null, claim.instance ?? null],
    );
  }

  /** Keeps this instance's creation claim fresh between attempts; false if it was taken over. */
  renew(id: number, instance: string, now: Date): boolean {
    return this.write(
      "UPDATE issue_proposals SET claimed_at = ? WHERE id = ? AND state = 'creating' AND claimed_instance = ?",
      [now.toISOString(), id, instance],
    );
  }

  /**
   * Claims posting an unposted proposal's message: free, or the claim read (`previous`) is the
   * one still there. Posting is one conditional UPDATE, so of concurrent callers one posts.
   */
  claimPosting(previous: ReadClaim, instance: string, now: Date): boolean {
    return this.write(
      `UPDATE issue_proposals SET posting_by = ?, posting_at = ?
         WHERE id = ? AND ts IS NULL AND posting_by IS ? AND posting_at IS ?`,
      [instance, now.toISOString(), previous.id, previous.instance ?? null, previous.at ?? null],
    );
  }

  /**
   * Gives the posting claim up after a failed attempt. posting_at stays: the attempt may have
   * reached Slack, so whoever posts next looks in the channel first.
   */
  releasePosting(id: number, instance: string): void {
    this.write('UPDATE issue_proposals SET posting_by = NULL WHERE id = ? AND posting_by = ?', [
      id,
      instance,
    ]);
  }

  created(id: number, page: { id: string; url: string; existing: boolean }, userId: string, now: Date): void {
    this.write(
      `UPDATE issue_proposals SET state = 'created', page_id = ?, page_url = ?, existing = ?, decided_by = ?, updated_at = ?
         WHERE id = ?`,
      [page.id, page.url, page.existing ? 1 : 0, userId, now.toISOString(), id],
    );
  }

  failed(id: number, error: string, now: Date): void {
    this.write(
      "UPDATE issue_proposals SET state = 'failed', error = ?, updated_at = ? WHERE id = ? AND state = 'creating'",
      [error, now.toISOString(), id],
    );
  }

  dismiss(id: number, userId: string, reason: string, now: Date): boolean {
    return this.write(
      `UPDATE issue_proposals SET state = 'dismissed', decided_by = ?, reason = ?, updated_at = ?
         WHERE id = ? AND state IN ('proposed', 'failed')`,
      [userId, reason, now.toISOString(), id],
    );
  }

  edit(id: number, fields: IssueFields, now: Date): boolean {
    return this.write(
      `UPDATE issue_proposals SET title = ?, priority = ?, type = ?, description = ?, probe_id = ?, updated_at = ?
         WHERE id = ? AND state IN ('proposed', 'failed')`,
      [
        fields.title,
        fields.priority,
        fields.type,
        fields.description,
        fields.probeId ?? null,
        now.toISOString(),
        id,
      ],
    );
  }

  /**
   * Records what Notion says of page `state.pageId` on every proposal created as that page; a
   * reading older than the one stored, or as old and the same, is ignored (webhook signals come
   * repeated and out of order). Returns the proposals it changed.
   */
  applyNotionState(state: IssueState): Proposal[] {
    const rows = this.store.db
      .prepare(
        `UPDATE issue_proposals SET notion_status = ?, notion_assignee = ?, notion_edited_at = ?, notion_gone = ?
         WHERE state = 'created' AND replace(page_id, '-', '') = ?
           AND (notion_edited_at IS NULL OR notion_edited_at < ? OR (notion_edited_at = ?
             AND (notion_status IS NOT ? OR notion_assignee IS NOT ? OR notion_gone IS NOT ?)))
         RETURNING id`,
      )
      .all(
        state.status ?? null,
        state.assignee ?? null,
        state.editedAt,
        state.gone ? 1 : 0,
        state.pageId.replaceAll('-', ''),
        state.editedAt,
        state.editedAt,
        state.status ?? null,
        state.assignee ?? null,
        state.gone ? 1 : 0,
      ) as Array<{ id: number }>;
    return rows.map((r) => this.get(r.id)).filter((p) => p !== undefined);
  }

  /** Created issues, newest first, whatever Notion says of them (the caller tells open from done). */
  createdIssues(): Proposal[] {
    return this.list('issues', "SELECT * FROM issue_proposals WHERE state = 'created' ORDER BY id DESC");
  }

  /** Proposals and issues linked to check `probeId` that are not dismissed, newest first. */
  trackingCheck(probeId: string): Proposal[] {
    return this.list(
      'checks',
      "SELECT * FROM issue_proposals WHERE probe_id = ? AND state != 'dismissed' ORDER BY id DESC",
      probeId,
    );
  }

  /** Records the check's figure as the page is created. */
  setFigureAtCreation(id: number, figure: string): void {
    this.write('UPDATE issue_proposals SET figure_at_creation = ? WHERE id = ?', [figure, id]);
  }

  /** Created issues whose page was never read back. */
  unread(): Proposal[] {
    return this.list(
      'sync',
      "SELECT * FROM issue_proposals WHERE state = 'created' AND notion_edited_at IS NULL",
    );
  }
}

/** What Approve (or a submitted form) came to. */
export type ApproveOutcome =
  | { kind: 'created'; proposal: Proposal }
  | { kind: 'existing'; proposal: Proposal }
  | { kind: 'busy'; proposal: Proposal }
  | { kind: 'done'; proposal: Proposal }
  | { kind: 'failed'; proposal: Proposal; error: string }
  | { kind: 'no_notion' }
  | { kind: 'unknown' };
