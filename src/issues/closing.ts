// Closing the loop: when a check an issue tracks meets its target again and stays there
// (notion.issues.close_after measurements in a row), Close issue is offered once in the
// proposal's thread, with the figure at creation and now. Close sets the page's status to the
// done value, comments on the page with the figures and who closed it, and updates the messages
// that show the issue — once, however many clicks: the close is claimed in the store first (a
// claim older than the lease, cut off by a crash, is taken over), and the comment carries a
// marker so a retried close does not comment twice.

import type { webApi } from '@slack/bolt';
import { describeError } from '../kit/errors.js';
import type { Logger } from '../kit/logger.js';
import { describeNotionError } from '../kit/notion.js';
import { describeSlackError } from '../kit/slack.js';
import type { Store } from '../store/store.js';
import { closeOfferMessage, isOpenIssue, reopenOfferMessage } from './blocks.js';
import { IssueSetupError, type NotionIssues } from './notion.js';
import type { Proposal, Proposals } from './proposals.js';

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
  readonly checkTitle: (probeId: string) => string | undefined;
  /** Shows the proposal's current state in its message. */
  readonly refreshMessage: (id: number) => Promise<void>;
}

export class IssueClosing {
  private readonly rows: CloseRows;

  constructor(private readonly deps: ClosingDeps) {
    this.rows = new CloseRows(deps.store);
  }

  /** Offers Close issue on every open issue tracking `probeId`, which is at target (`figure`). */
  async offer(probeId: string, figure: string): Promise<void> {
    const { proposals, client, logger } = this.deps;
    for (const issue of proposals.trackingCheck(probeId)) {
      if (
        issue.state !== 'created' ||
        !isOpenIssue(issue) ||
        issue.closeOfferTs ||
        !issue.channel ||
        !issue.ts
      )
        continue;
      if (!this.rows.claimOffer(issue.id)) continue;
      try {
        const answer = await client.chat.postMessage({
          channel: issue.channel,
          thread_ts: issue.ts,
          ...closeOfferMessage(issue, this.deps.checkTitle(probeId) ?? probeId, figure),
        });
        this.rows.setOffer(issue.id, answer.ts ?? 'posted');
      } catch (error) {
        // Offered again at the next measurement at target.
        this.rows.setOffer(issue.id, null);
        logger.warn({ proposal: issue.id }, `Close issue not offered: ${describeSlackError(error)}`);
      }
    }
  }

  /** Closes issue `id` in Notion for `userId` (who may: checked by the caller). */
  async close(id: number, userId: string, figureNow: string | undefined): Promise<CloseOutcome> {
    const { proposals, notion, now } = this.deps;
    const issue = proposals.get(id);
    if (issue?.state !== 'created' || !issue.pageId) return { kind: 'unknown' };
    if (issue.closedAt) return { kind: 'already', proposal: issue };
    if (!notion) return { kind: 'no_notion' };
    if (!this.rows.claim(id, now(), new Date(now().getTime() - this.deps.leaseMs))) return { kind: 'busy' };
    // One marker per Close offer: a retried close finds its comment; a later close comments anew.
    const marker = `(audit-bot, issue proposal ${id}, offer ${issue.closeOfferTs ?? 'none'})`;
    const check = issue.probeId ? (this.deps.checkTitle(issue.probeId) ?? issue.probeId) : undefined;
    const figures = check
      ? ` ${check}: ${issue.figureAtCreation ?? 'not known'} at creation, ${figureNow ?? 'not measured'} now.`
      : '';
    try {
      const status = await notion.setStatus(
        issue.pageId,
        'close',
        `Closed from Slack by Slack user ${userId}.${figures} ${marker}`,
        marker,
      );
      this.rows.closed(id, userId, status, now());
    } catch (error) {
      this.rows.release(id);
      const reason = error instanceof IssueSetupError ? error.message : describeNotionError(error);
      this.deps.logger.warn(
        { proposal: id },
        `issue not closed in Notion: ${reason || describeError(error)}`,
      );
      return { kind: 'failed', error: reason };
    }
    await this.deps.refreshMessage(id);
    const closed = proposals.get(id) ?? issue;
    await this.updateOffer(closed, check ?? '', figureNow);
    return { kind: 'closed', proposal: closed };
  }

  /**
   * Offers Reopen issue, once, on the finished issue tracking `probeId` (closed from Slack, or
   * done in Notion) now that its check fails (`figure`) — unless an open issue or a proposal
   * already tracks the check.
   */
  async offerReopen(probeId: string, figure: string): Promise<void> {
    const { proposals, client, logger } = this.deps;
    const tracking = proposals.trackingCheck(probeId);
    if (tracking.some((p) => p.state !== 'created' || (isOpenIssue(p) && !p.closedAt))) return;
    const issue = tracking.find((p) => p.state === 'created' && !p.notion?.gone);
    if (!issue || issue.reopenOfferTs || !issue.channel || !issue.ts) return;
    if (!this.rows.claimReopenOffer(issue.id)) return;
    try {
      const answer = await client.chat.postMessage({
        channel: issue.channel,
        thread_ts: issue.ts,
        ...reopenOfferMessage(issue, this.deps.checkTitle(probeId) ?? probeId, figure, undefined),
      });
      this.rows.setReopenOffer(issue.id, answer.ts ?? 'posted');
    } catch (error) {
      this.rows.setReopenOffer(issue.id, null);
      logger.warn({ proposal: issue.id }, `Reopen issue not offered: ${describeSlackError(error)}`);
    }
  }

  /** Reopens issue `id` in Notion for `userId` (who may: checked by the caller). */
  async reopen(id: number, userId: string, figureNow: string | undefined): Promise<CloseOutcome> {
    const { proposals, notion, now } = this.deps;
    const issue = proposals.get(id);
    if (issue?.state !== 'created' || !issue.pageId) return { kind: 'unknown' };
    const offer = issue.reopenOfferTs;
    if (!offer || offer === 'pending') return { kind: 'already_open', proposal: issue };
    if (!notion) return { kind: 'no_notion' };
    if (!this.rows.claimReopen(id, now(), new Date(now().getTime() - this.deps.leaseMs)))
      return { kind: 'busy' };
    const marker = `(audit-bot, issue proposal ${id}, reopen ${offer})`;
    const check = issue.probeId ? (this.deps.checkTitle(issue.probeId) ?? issue.probeId) : '';
    try {
      const status = await notion.setStatus(
        issue.pageId,
        'reopen',
        `Reopened from Slack by Slack user ${userId}: ${check} ${figureNow ?? ''} now. ${marker}`,
        marker,
      );
      this.rows.reopened(id, status);
    } catch (error) {
      this.rows.release(id);
      const reason = error instanceof IssueSetupError ? error.message : describeNotionError(error);
      this.deps.logger.warn(
        { proposal: id },
        `issue not reopened in Notion: ${reason || describeError(error)}`,
      );
      return { kind: 'failed', error: reason };
    }
    await this.deps.refreshMessage(id);
    const reopened = proposals.get(id) ?? issue;
    if (issue.channel)
      await this.deps.client.chat
        .update({
          channel: issue.channel,
          ts: offer,
          ...reopenOfferMessage(issue, check, figureNow ?? '', userId),
        })
        .catch((error: unknown) =>
          this.deps.logger.warn({ proposal: id }, `Reopen offer not updated: ${describeSlackError(error)}`),
        );
    return { kind: 'reopened', proposal: reopened };
  }

  /** The thread reply that offered Close issue, now saying who closed it. */
  private async updateOffer(issue: Proposal, check: string, figureNow: string | undefined): Promise<void> {
    if (!issue.channel || !issue.closeOfferTs || issue.closeOfferTs === 'pending') return;
    try {
      await this.deps.client.chat.update({
        channel: issue.channel,
        ts: issue.closeOfferTs,
        ...closeOfferMessage(issue, check, figureNow ?? ''),
      });
    } catch (error) {
      this.deps.logger.warn({ proposal: issue.id }, `Close offer not updated: ${describeSlackError(error)}`);
    }
  }
}

/** The closing columns of issue_proposals: one conditional UPDATE per step, so one caller proceeds. */
class CloseRows {
  constructor(private readonly store: Store) {}

  private write(sql: string, params: readonly unknown[]): boolean {
    return this.store.db.prepare(sql).run(...params).changes === 1;
  }

  /** Claims offering Close issue for `id` (once per issue); false when it was offered already. */
  claimOffer(id: number): boolean {
    return this.write(
      "UPDATE issue_proposals SET close_offer_ts = 'pending' WHERE id = ? AND close_offer_ts IS NULL AND closed_at IS NULL",
      [id],
    );
  }

  setOffer(id: number, ts: string | null): void {
    this.write('UPDATE issue_proposals SET close_offer_ts = ? WHERE id = ?', [ts, id]);
  }

  /** Claims closing `id`: one caller proceeds; a claim older than `staleBefore` is taken over. */
  claim(id: number, now: Date, staleBefore: Date): boolean {
    return this.write(
      `UPDATE issue_proposals SET closing_at = ? WHERE id = ? AND state = 'created' AND closed_at IS NULL
         AND (closing_at IS NULL OR closing_at < ?)`,
      [now.toISOString(), id, staleBefore.toISOString()],
    );
  }

  release(id: number): void {
    this.write('UPDATE issue_proposals SET closing_at = NULL WHERE id = ?', [id]);
  }

  claimReopenOffer(id: number): boolean {
    return this.write(
      "UPDATE issue_proposals SET reopen_offer_ts = 'pending' WHERE id = ? AND reopen_offer_ts IS NULL",
      [id],
    );
  }

  setReopenOffer(id: number, ts: string | null): void {
    this.write('UPDATE issue_proposals SET reopen_offer_ts = ? WHERE id = ?', [ts, id]);
  }

  /** Claims reopening `id` (its Reopen offer is posted); a claim older than `staleBefore` is taken over. */
  claimReopen(id: number, now: Date, staleBefore: Date): boolean {
    return this.write(
      `UPDATE issue_proposals SET closing_at = ? WHERE id = ? AND state = 'created'
         AND reopen_offer_ts IS NOT NULL AND reopen_offer_ts != 'pending' AND (closing_at IS NULL OR closing_at < ?)`,
      [now.toISOString(), id, staleBefore.toISOString()],
    );
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
