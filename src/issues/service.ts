// Issue proposals and their creation in Notion, exactly once: documented issues of the newest
// audit report and "Propose issue" clicks become proposal messages (once per source); Approve
// claims the proposal in the store before calling Notion, creation first looks for a page with
// the same title (so a retry, a second approver or a restart never makes a second page), and
// Notion failures leave the proposal failed with a Retry button.

import type { webApi } from '@slack/bolt';
import { proposalMessage } from '../blocks/issue.js';
import type { Config } from '../config.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { describeNotionError } from '../notion/client.js';
import { type IssueDraft, IssueSetupError, type NotionIssues } from '../notion/issues.js';
import type { Measurement } from '../probes/types.js';
import type { Store } from '../store/store.js';
import { type NewProposal, type Proposal, Proposals } from './proposals.js';

/** Attempts at creating a page before the proposal is marked failed. */
export const CREATE_ATTEMPTS = 3;
/** A claim older than this after a restart is taken to be a crash and resumed. */
const STUCK_AFTER_MS = 60_000;

export type ApproveOutcome =
  | { kind: 'created'; proposal: Proposal }
  | { kind: 'existing'; proposal: Proposal }
  | { kind: 'busy'; proposal: Proposal }
  | { kind: 'done'; proposal: Proposal }
  | { kind: 'failed'; proposal: Proposal; error: string }
  | { kind: 'no_notion' }
  | { kind: 'unknown' };

export interface IssueServiceDeps {
  readonly config: Config;
  readonly store: Store;
  readonly client: webApi.WebClient;
  /** Undefined without NOTION_TOKEN or notion.issues: proposals stay local drafts. */
  readonly notion: NotionIssues | undefined;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly retryDelayMs?: number;
}

export class IssueService {
  readonly proposals: Proposals;

  constructor(private readonly deps: IssueServiceDeps) {
    this.proposals = new Proposals(deps.store);
  }

  get notionConnected(): boolean {
    return this.deps.notion !== undefined;
  }

  /** Proposes each documented issue of a report once, and posts what is not posted yet. */
  async proposeFromReport(report: Extract<Measurement, { kind: 'report' }>): Promise<void> {
    for (const issue of report.issues) {
      this.proposals.propose(
        {
          sourceKey: `report:${report.file}:${issue.key}`,
          title: issue.title,
          priority: issue.priority ?? 'Medium',
          type: issue.type ?? 'Internal Issue',
          description: issue.description,
          reportFile: report.file,
        },
        this.deps.now(),
      );
    }
    await this.postUnposted();
  }

  /** A proposal from elsewhere (a probe below target); returns it whether new or not. */
  async propose(proposal: NewProposal): Promise<Proposal> {
    const { proposal: row } = this.proposals.propose(proposal, this.deps.now());
    await this.postUnposted();
    return this.proposals.get(row.id) ?? row;
  }

  async postUnposted(): Promise<void> {
    const channel = this.deps.config.slack.channels.issues;
    if (!channel) return;
    for (const proposal of this.proposals.unposted()) {
      try {
        const message = proposalMessage(proposal);
        const answer = await this.deps.client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
        });
        if (answer.ts) this.proposals.setMessage(proposal.id, channel, answer.ts);
      } catch (error) {
        this.deps.logger.warn({ proposal: proposal.id }, `proposal not posted yet: ${describeError(error)}`);
      }
    }
  }

  /** Approve (or Retry): claim, create once, update the message. */
  async approve(id: number, userId: string): Promise<ApproveOutcome> {
    const proposal = this.proposals.get(id);
    if (!proposal) return { kind: 'unknown' };
    if (!this.deps.notion) return { kind: 'no_notion' };
    if (proposal.state === 'created' || proposal.state === 'dismissed') return { kind: 'done', proposal };
    if (!this.proposals.claim(id, userId, this.deps.now())) {
      return { kind: 'busy', proposal: this.proposals.get(id) ?? proposal };
    }
    await this.refreshMessage(id);
    return this.createClaimed(id, userId);
  }

  /** Resumes claims a crash left in `creating`: the title search finds a page already made. */
  async reconcile(): Promise<void> {
    if (!this.deps.notion) return;
    const stuck = this.proposals.stuck(new Date(this.deps.now().getTime() - STUCK_AFTER_MS));
    for (const proposal of stuck) {
      if (!this.proposals.reclaim(proposal.id, this.deps.now())) continue;
      this.deps.logger.info({ proposal: proposal.id }, 'resuming an issue creation interrupted by a restart');
      await this.createClaimed(proposal.id, proposal.claimedBy ?? 'audit-bot');
    }
  }

  async dismiss(id: number, userId: string, reason: string): Promise<boolean> {
    const ok = this.proposals.dismiss(id, userId, reason, this.deps.now());
    if (ok) await this.refreshMessage(id);
    return ok;
  }

  async edit(
    id: number,
    fields: { title: string; priority: string; type: string; description: string },
  ): Promise<boolean> {
    const ok = this.proposals.edit(id, fields, this.deps.now());
    if (ok) await this.refreshMessage(id);
    return ok;
  }

  /** The form: create right away (or keep a local draft without Notion). */
  async createFromForm(draft: IssueDraft, userId: string): Promise<ApproveOutcome> {
    const { proposal } = this.proposals.propose(
      {
        sourceKey: `form:${userId}:${this.deps.now().toISOString()}:${Math.random().toString(36).slice(2, 8)}`,
        title: draft.title,
        priority: draft.priority,
        type: draft.type,
        description: draft.description,
        ...(draft.slackLink ? { slackLink: draft.slackLink } : {}),
        ...(draft.reportFile ? { reportFile: draft.reportFile } : {}),
      },
      this.deps.now(),
    );
    if (!this.deps.notion) {
      // Kept as a proposal in the issues channel, where it can be approved once Notion is set up.
      await this.postUnposted();
      return { kind: 'no_notion' };
    }
    if (!this.proposals.claim(proposal.id, userId, this.deps.now())) return { kind: 'busy', proposal };
    return this.createClaimed(proposal.id, userId);
  }

  private async createClaimed(id: number, userId: string): Promise<ApproveOutcome> {
    const notion = this.deps.notion;
    const proposal = this.proposals.get(id);
    if (!notion || !proposal) return { kind: 'unknown' };
    let lastError = 'Notion did not answer';
    for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt += 1) {
      try {
        const page = await notion.create({
          title: proposal.title,
          priority: proposal.priority,
          type: proposal.type,
          description: proposal.description,
          ...(proposal.slackLink ? { slackLink: proposal.slackLink } : {}),
          ...(proposal.reportFile ? { reportFile: proposal.reportFile } : {}),
        });
        this.proposals.created(id, page, userId, this.deps.now());
        await this.refreshMessage(id);
        const done = this.proposals.get(id) ?? proposal;
        return page.existing ? { kind: 'existing', proposal: done } : { kind: 'created', proposal: done };
      } catch (error) {
        lastError = error instanceof IssueSetupError ? error.message : describeNotionError(error);
        this.deps.logger.warn({ proposal: id, attempt }, `Notion page not created: ${lastError}`);
        // Setup problems (missing property or option) will not fix themselves by retrying.
        if (error instanceof IssueSetupError) break;
        if (attempt < CREATE_ATTEMPTS)
          await new Promise((r) => setTimeout(r, (this.deps.retryDelayMs ?? 1000) * attempt));
      }
    }
    this.proposals.failed(id, lastError, this.deps.now());
    await this.refreshMessage(id);
    return { kind: 'failed', proposal: this.proposals.get(id) ?? proposal, error: lastError };
  }

  private async refreshMessage(id: number): Promise<void> {
    const proposal = this.proposals.get(id);
    if (!proposal?.channel || !proposal.ts) return;
    const message = proposalMessage(proposal);
    try {
      await this.deps.client.chat.update({
        channel: proposal.channel,
        ts: proposal.ts,
        text: message.text,
        blocks: message.blocks,
      });
    } catch (error) {
      this.deps.logger.warn({ proposal: id }, `proposal message not updated: ${describeError(error)}`);
    }
  }
}
