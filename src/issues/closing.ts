// Closing the loop: when a check an issue tracks meets its target again and stays there
// (notion.issues.close_after measurements in a row), Close issue is offered once in the
// proposal's thread, with the figure at creation and now. Close sets the page's status to the
// done value, comments on the page with the figures and who closed it, and updates the messages
// that show the issue — once, however many clicks: the close is claimed in the store first (a
// claim older than the lease, cut off by a crash, is taken over), and the comment carries a
// marker so a retried close does not comment twice.

import type { webApi } from '@slack/bolt';
import type { MessageContent } from '../kit/blocks.js';
import { describeError } from '../kit/errors.js';
import type { Logger } from '../kit/logger.js';
import { describeNotionError } from '../kit/notion.js';
import { describeSlackError } from '../kit/slack.js';
import type { ProbeResult } from '../probes/types.js';
import { formatFigure } from '../status/blocks.js';
import type { Store } from '../store/store.js';
import { closeOfferMessage, reopenOfferMessage } from './blocks.js';
import { IssueSetupError, type NotionIssues, type TrackedCheck } from './notion.js';
import { isOpenIssue, type Proposal, type Proposals } from './proposals.js';

export type CloseOutcome =
  | { kind: 'closed'; proposal: Proposal }
  | { kind: 'reopened'; proposal: Proposal }
  | { kind: 'already_open'; proposal: Proposal }
  | { kind: 'already'; proposal: Proposal }
  | { kind: 'busy' }
  | { kind: 'failed'; error: string }
  | { kind: 'no_notion' }
  | { kind: 'unknown' };

export interface ClosingDeps {
  readonly store: Store;
  readonly proposals: Proposals;
  readonly notion: NotionIssues | undefined;
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly leaseMs: number;
  /** The check's title and latest figure. */
  readonly describeCheck: (probeId: string) => TrackedCheck | undefined;
  /** The check's last `n` measured results, oldest first. */
  readonly history: (probeId: string, n: number) => readonly ProbeResult[];
  /** Measurements in a row at target before Close issue is offered (notion.issues.close_after). */
  readonly closeAfter: number;
  /** Shows the proposal's current state in its message. */
  readonly refreshMessage: (id: number) => Promise<void>;
}

export class IssueClosing {
  private readonly rows: CloseRows;

  constructor(private readonly deps: ClosingDeps) {
    this.rows = new CloseRows(deps.store);
  }

  private checkOf(issue: Proposal): string {
    return issue.probeId ? (this.deps.describeCheck(issue.probeId)?.title ?? issue.probeId) : '';
  }

  /** The tracked check's latest figure. */
  private figureOf(issue: Proposal): string | undefined {
    return issue.probeId ? this.deps.describeCheck(issue.probeId)?.figure : undefined;
  }

  /**
   * Follows one measurement of a check: at target for `closeAfter` measurements in a row, Close
   * issue is offered on the issues tracking it; failing, Reopen on a finished one. Never rejects.
   */
  async measured(result: ProbeResult): Promise<void> {
    if (!result.measurement) return;
    const figure = formatFigure(result.measurement);
    try {
      if (result.status === 'below_target' || result.status === 'failing')
        await this.offerReopen(result.probeId, figure);
      const recent = result.status === 'ok' ? this.deps.history(result.probeId, this.deps.closeAfter) : [];
      if (recent.length >= this.deps.closeAfter && recent.every((r) => r.status === 'ok'))
        await this.offer(result.probeId, figure);
    } catch (error) {
      this.deps.logger.warn(
        { probe: result.probeId },
        `Close or Reopen issue not offered: ${describeError(error)}`,
      );
    }
  }

  /** Offers Close issue on every open issue tracking `probeId`, which is at target (`figure`). */
  async offer(probeId: string, figure: string): Promise<void> {
    for (const issue of this.deps.proposals.trackingCheck(probeId)) {
      if (issue.state !== 'created' || !isOpenIssue(issue) || issue.closeOfferTs) continue;
      await this.postOffer(issue, 'close', closeOfferMessage(issue, this.checkOf(issue), figure));
    }
  }

  /**
   * Offers Reopen issue, once, on the finished issue tracking `probeId` (closed from Slack, or
   * done in Notion) now that its check fails (`figure`) — unless an open issue or a proposal
   * already tracks the check.
   */
  async offerReopen(probeId: string, figure: string): Promise<void> {
    const tracking = this.deps.proposals.trackingCheck(probeId);
    if (tracking.some((p) => p.state !== 'created' || (isOpenIssue(p) && !p.closedAt))) return;
    const issue = tracking.find((p) => p.state === 'created' && !p.notion?.gone);
    if (!issue || issue.reopenOfferTs) return;
    await this.postOffer(issue, 'reopen', reopenOfferMessage(issue, this.checkOf(issue), figure, undefined));
  }

  /** Closes issue `id` in Notion for `userId` (who may: checked by the caller). */
  async close(id: number, userId: string): Promise<CloseOutcome> {
    const issue = this.deps.proposals.get(id);
    if (issue?.state !== 'created' || !issue.pageId) return { kind: 'unknown' };
    const figureNow = this.figureOf(issue);
    if (issue.closedAt) return { kind: 'already', proposal: issue };
    const check = this.checkOf(issue);
    const figures = check
      ? ` ${check}: ${issue.figureAtCreation ?? 'not known'} at creation, ${figureNow ?? 'not measured'} now.`
      : '';
    // One marker per Close offer: a retried close finds its comment; a later close comments anew.
    const outcome = await this.changeStatus(issue, 'close', `offer ${issue.closeOfferTs ?? 'none'}`, {
      comment: `Closed from Slack by Slack user ${userId}.${figures}`,
      record: (status) => this.rows.closed(id, userId, status, this.deps.now()),
    });
    if (outcome.kind !== 'changed') return outcome;
    const closed = outcome.proposal;
    await this.updateReply(closed, closed.closeOfferTs, closeOfferMessage(closed, check, figureNow ?? ''));
    return { kind: 'closed', proposal: closed };
  }

  /** Reopens issue `id` in Notion for `userId` (who may: checked by the caller). */
  async reopen(id: number, userId: string): Promise<CloseOutcome> {
    const issue = this.deps.proposals.get(id);
    if (issue?.state !== 'created' || !issue.pageId) return { kind: 'unknown' };
    const figureNow = this.figureOf(issue);
    const offer = issue.reopenOfferTs;
    if (!offer || offer === 'pending') return { kind: 'already_open', proposal: issue };
    const check = this.checkOf(issue);
    const outcome = await this.changeStatus(issue, 'reopen', `reopen ${offer}`, {
      comment: `Reopened from Slack by Slack user ${userId}: ${check} ${figureNow ?? ''} now.`,
      record: (status) => this.rows.reopened(id, status),
    });
    if (outcome.kind !== 'changed') return outcome;
    await this.updateReply(issue, offer, reopenOfferMessage(issue, check, figureNow ?? '', userId));
    return { kind: 'reopened', proposal: outcome.proposal };
  }

  /**
   * Claims the change (one caller proceeds; a claim older than the lease is taken over), sets the
   * status in Notion with a comment carrying `(audit-bot, issue proposal <id>, <occasion>)`, records
   * it and refreshes the proposal message. A failure gives the claim back.
   */
  private async changeStatus(
    issue: Proposal,
    to: 'close' | 'reopen',
    occasion: string,
    change: { readonly comment: string; readonly record: (status: string) => void },
  ): Promise<CloseOutcome | { kind: 'changed'; proposal: Proposal }> {
    const { notion, now } = this.deps;
    if (!notion || !issue.pageId) return { kind: 'no_notion' };
    const staleBefore = new Date(now().getTime() - this.deps.leaseMs);
    if (!this.rows.claim(issue.id, to, now(), staleBefore)) return { kind: 'busy' };
    const marker = `(audit-bot, issue proposal ${issue.id}, ${occasion})`;
    try {
      change.record(await notion.setStatus(issue.pageId, to, `${change.comment} ${marker}`, marker));
    } catch (error) {
      this.rows.release(issue.id);
      const reason = error instanceof IssueSetupError ? error.message : describeNotionError(error);
      this.deps.logger.warn(
        { proposal: issue.id },
        `issue not ${to}d in Notion: ${reason || describeError(error)}`,
      );
      return { kind: 'failed', error: reason };
    }
    await this.deps.refreshMessage(issue.id);
    return { kind: 'changed', proposal: this.deps.proposals.get(issue.id) ?? issue };
  }

  /** Posts an offer in the issue's thread, claimed first (once); a failed post is offered again later. */
  private async postOffer(issue: Proposal, kind: 'close' | 'reopen', message: MessageContent): Promise<void> {
    if (!issue.channel || !issue.ts || !this.rows.claimOffer(issue.id, kind)) return;
    try {
      const answer = await this.deps.client.chat.postMessage({
        channel: issue.channel,
        thread_ts: issue.ts,
        ...message,
      });
      this.rows.setOffer(issue.id, kind, answer.ts ?? 'posted');
    } catch (error) {
      this.rows.setOffer(issue.id, kind, null);
      this.deps.logger.warn({ proposal: issue.id }, `${kind} offer not posted: ${describeSlackError(error)}`);
    }
  }

  /** A thread reply that offered Close or Reopen, now saying who did it. */
  private async updateReply(issue: Proposal, ts: string | undefined, message: MessageContent): Promise<void> {
    if (!issue.channel || !ts || ts === 'pending') return;
    try {
      await this.deps.client.chat.update({ channel: issue.channel, ts, ...message });
    } catch (error) {
      this.deps.logger.warn({ proposal: issue.id }, `offer not updated: ${describeSlackError(error)}`);
    }
  }
}

/** The closing columns of issue_proposals: one conditional UPDATE per step, so one caller proceeds. */
class CloseRows {
  constructor(private readonly store: Store) {}

  private write(sql: string, params: readonly unknown[]): boolean {
    return this.store.db.prepare(sql).run(...params).changes === 1;
  }

  /** Claims posting the Close (or Reopen) offer of `id`, once per offer. */
  claimOffer(id: number, kind: 'close' | 'reopen'): boolean {
    return this.write(
      kind === 'close'
        ? "UPDATE issue_proposals SET close_offer_ts = 'pending' WHERE id = ? AND close_offer_ts IS NULL AND closed_at IS NULL"
        : "UPDATE issue_proposals SET reopen_offer_ts = 'pending' WHERE id = ? AND reopen_offer_ts IS NULL",
      [id],
    );
  }

  /** The posted offer's ts; null gives the claim back (offered again at the next measurement). */
  setOffer(id: number, kind: 'close' | 'reopen', ts: string | null): void {
    this.write(
      kind === 'close'
        ? 'UPDATE issue_proposals SET close_offer_ts = ? WHERE id = ?'
        : 'UPDATE issue_proposals SET reopen_offer_ts = ? WHERE id = ?',
      [ts, id],
    );
  }

  /**
   * Claims closing `id` (not closed yet) or reopening it (its Reopen offer posted); a claim older
   * than `staleBefore` is taken over.
   */
  claim(id: number, to: 'close' | 'reopen', now: Date, staleBefore: Date): boolean {
    const ready =
      to === 'close' ? 'closed_at IS NULL' : "reopen_offer_ts IS NOT NULL AND reopen_offer_ts != 'pending'";
    return this.write(
      `UPDATE issue_proposals SET closing_at = ? WHERE id = ? AND state = 'created' AND ${ready}
         AND (closing_at IS NULL OR closing_at < ?)`,
      [now.toISOString(), id, staleBefore.toISOString()],
    );
  }

  release(id: number): void {
    this.write('UPDATE issue_proposals SET closing_at = NULL WHERE id = ?', [id]);
  }

  /** Open again: the loop can offer Close, and later Reopen, anew. */
  reopened(id: number, status: string): void {
    this.write(
      `UPDATE issue_proposals SET closed_by = NULL, closed_at = NULL, closing_at = NULL, close_offer_ts = NULL,
         reopen_offer_ts = NULL, notion_status = ? WHERE id = ?`,
      [status, id],
    );
  }

  closed(id: number, userId: string, status: string, now: Date): void {
    this.write(
      `UPDATE issue_proposals SET closed_by = ?, closed_at = ?, closing_at = NULL, notion_status = ?,
         notion_edited_at = COALESCE(notion_edited_at, ?) WHERE id = ?`,
      [userId, now.toISOString(), status, now.toISOString(), id],
    );
  }
}
