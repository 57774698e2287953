// Issue proposals and their creation in Notion, exactly once: documented issues of the newest
// audit report and "Propose issue" clicks become proposal messages (once per source); Approve
// claims the proposal in the store before calling Notion, creation first looks for a page with
// the same title (so a retry, a second approver or a restart never makes a second page), and
// Notion failures leave the proposal failed with a Retry button.
//
// Claims name the process instance that made them. A claim cut off by a crash (made by a
// process that is gone, or older than notion.issues.claim_lease) is taken over by the next
// Approve or Retry at once, and by a periodic sweep that never rejects; one unreadable row is
// skipped with its reason, never stopping the rest. Posting a proposal is claimed the same way
// and carries the proposal id in the message metadata, so a post cut off before its ts was
// recorded is found in the channel instead of posted twice.

import type { webApi } from '@slack/bolt';
import { type Config, DEFAULT_CLAIM_LEASE_MS } from '../config/index.js';
import type { TrackingIssue } from '../digests/blocks.js';
import type { MessageContent } from '../kit/blocks.js';
import { describeError } from '../kit/errors.js';
import { claimIsStale, newProcessInstance, type ProcessInstance } from '../kit/instance.js';
import type { Logger } from '../kit/logger.js';
import type { BotMetrics } from '../kit/metrics.js';
import { describeNotionError } from '../kit/notion.js';
import { describeSlackError } from '../kit/slack.js';
import { LogThrottle } from '../kit/throttle.js';
import type { Measurement } from '../probes/types.js';
import type { Store } from '../store/store.js';
import { type Check, checksOf, linkedCheck } from './check-links.js';
import type { IssueClosing } from './closing.js';
import { buildFollowUps } from './follow-ups.js';
import type { IssueFields } from './form.js';
import { ProposalMessenger } from './messenger.js';
import { type IssueDraft, IssueSetupError, type NotionIssues, type TrackedCheck } from './notion.js';
import type { NotionIssueSync } from './notion-sync.js';
import {
  type ApproveOutcome,
  type NewProposal,
  type Proposal,
  type ProposalReader,
  Proposals,
  type UnreadableProposal,
} from './proposals.js';
import { describeCheckFrom, type MeasuredChecks, openIssuesOf, trackingIssue } from './tracking.js';

/** Attempts at creating a page before the proposal is marked failed. */
export const CREATE_ATTEMPTS = 3;

/** The sweep runs twice per lease, but at least this often (and at most every 500 ms). */
const SWEEP_EVERY_MAX_MS = 30_000;

export interface IssueServiceDeps {
  readonly config: Config;
  readonly store: Store;
  readonly client: webApi.WebClient;
  /** Undefined without NOTION_TOKEN or notion.issues: proposals stay local drafts. */
  readonly notion: NotionIssues | undefined;
  readonly logger: Logger;
  readonly metrics: BotMetrics;
  readonly now: () => Date;
  /** This process; claims it makes carry its id. */
  readonly instance?: ProcessInstance;
  readonly retryDelayMs?: number;
  /** Where the checks' titles and figures are read: the runner and the stored results. */
  readonly measured?: MeasuredChecks;
  /** Told when a proposal changed outside a Slack action (Notion's state read back). */
  readonly onChange?: () => void;
  /** How often Notion is polled for edited issues; default notion.issues.poll_every. */
  readonly pollEveryMs?: number | undefined;
}

export class IssueService {
  readonly proposals: Proposals;
  readonly instance: ProcessInstance;
  /** Proposals this process is creating or posting right now: never taken over from itself. */
  private readonly creatingHere = new Set<number>();
  private readonly postingHere = new Set<number>();
  /** Unreadable rows already reported, so each is logged and counted once per process. */
  private readonly reported = new Set<string>();
  private readonly throttle: LogThrottle;
  private readonly messenger: ProposalMessenger;
  /** A check's title and latest figure; undefined for an unknown id. */
  readonly describeCheck: (probeId: string) => TrackedCheck | undefined;
  /** Notion's state of created issues read back (undefined without Notion). */
  readonly notionSync: NotionIssueSync | undefined;
  /** Close issue, offered once a tracked check meets its target again. */
  readonly closing: IssueClosing;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: IssueServiceDeps) {
    this.instance = deps.instance ?? newProcessInstance(deps.now());
    this.proposals = new Proposals(deps.store, (reader, row) => this.reportUnreadable(reader, row));
    this.throttle = new LogThrottle(deps.logger);
    this.describeCheck = describeCheckFrom(deps.measured);
    this.messenger = new ProposalMessenger(deps.client, deps.logger, (id) => this.describeCheck(id)?.title);
    const followUps = buildFollowUps(
      deps,
      this.proposals,
      this.leaseMs,
      (id) => this.refreshMessage(id),
      this.describeCheck,
    );
    this.notionSync = followUps.notionSync;
    this.closing = followUps.closing;
  }

  /** How long a live process keeps its claim (notion.issues.claim_lease). */
  get leaseMs(): number {
    return this.deps.config.notion.issues?.claim_lease ?? DEFAULT_CLAIM_LEASE_MS;
  }

  /** Sweeps now (claims cut off by the previous process) and then periodically. */
  start(): void {
    const every = Math.max(500, Math.min(SWEEP_EVERY_MAX_MS, Math.floor(this.leaseMs / 2)));
    this.timer = setInterval(() => void this.sweep(), every);
    // The sweep never keeps the process alive on its own.
    this.timer.unref();
    void this.sweep();
    this.notionSync?.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all([this.sweeping, this.notionSync?.stop()]);
  }

  /**
   * One pass of the background work: resumes creation claims cut off by a crash, then posts
   * proposals whose message has not reached Slack. Never rejects (it runs on a timer, and an
   * unhandled rejection ends the process); at most one pass runs at a time.
   */
  sweep(): Promise<void> {
    if (this.stopped) return this.sweeping ?? Promise.resolve();
    this.sweeping ??= (async () => {
      await this.resumeCutOff().catch((error: unknown) => {
        this.deps.logger.error(`resuming issue creations failed: ${describeError(error)}`);
      });
      await this.postUnposted().catch((error: unknown) => {
        this.deps.logger.error(`posting issue proposals failed: ${describeError(error)}`);
      });
    })().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  /** The checks an issue may track: every configured probe. */
  get checks(): Check[] {
    return checksOf(this.deps.config);
  }

  /** The `/audit issues` answer: open issues with their checks (shared: says who shared it). */
  openIssues(sharedBy?: string): MessageContent {
    return openIssuesOf(this.proposals, this.checks, this.deps.now(), sharedBy);
  }

  /** The newest open issue (or live proposal) tracking check `probeId`, for the digest. */
  issueFor(probeId: string): TrackingIssue | undefined {
    return trackingIssue(this.proposals, probeId);
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
          probeId: linkedCheck(
            issue.title,
            this.deps.config.probes.map((p) => ({
              id: p.id,
              title: p.title ?? p.id,
              issue_match: p.issue_match,
            })),
          ),
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

  /**
   * Posts each proposal whose message is not in Slack yet, exactly once however many callers run
   * at the same time: each post is claimed in the store first, and a claim an earlier attempt
   * left behind means that attempt may have reached Slack, so the channel is searched first.
   */
  async postUnposted(): Promise<void> {
    const channel = this.deps.config.slack.channels.issues;
    if (!channel) return;
    for (const proposal of this.proposals.unposted()) {
      if (this.stopped) return;
      if (this.postingHere.has(proposal.id)) continue;
      if (proposal.postingBy !== undefined && !this.isCutOff(proposal.postingBy, proposal.postingAt))
        continue;
      const previous = { id: proposal.id, at: proposal.postingAt, instance: proposal.postingBy };
      if (!this.proposals.claimPosting(previous, this.instance.id, this.deps.now())) continue;
      this.postingHere.add(proposal.id);
      try {
        await this.postClaimed(proposal, channel);
      } catch (error) {
        this.proposals.releasePosting(proposal.id, this.instance.id);
        this.throttle.warn(
          'proposal-post',
          { proposal: proposal.id, channel },
          `proposal not posted yet: ${describeSlackError(error)}`,
        );
      } finally {
        this.postingHere.delete(proposal.id);
      }
    }
  }

  private async postClaimed(proposal: Proposal, channel: string): Promise<void> {
    // An earlier attempt may have reached Slack before a crash or a lost answer.
    const found = proposal.postingAt !== undefined ? await this.messenger.find(proposal, channel) : undefined;
    this.proposals.setMessage(proposal.id, channel, found || (await this.messenger.post(proposal, channel)));
    if (!found) return;
    this.deps.logger.info(
      { proposal: proposal.id, channel, ts: found },
      'proposal message found in the channel after an interrupted post; adopted',
    );
    await this.refreshMessage(proposal.id);
  }

  /** Approve (or Retry): claim (or take over a claim cut off by a crash), create once, update the message. */
  async approve(id: number, userId: string): Promise<ApproveOutcome> {
    const proposal = this.proposals.get(id);
    if (!proposal) return { kind: 'unknown' };
    if (!this.deps.notion) return { kind: 'no_notion' };
    if (proposal.state === 'created' || proposal.state === 'dismissed') return { kind: 'done', proposal };
    if (this.creatingHere.has(id)) return { kind: 'busy', proposal };
    if (!this.proposals.claim(id, userId, this.instance.id, this.deps.now())) {
      const current = this.proposals.get(id) ?? proposal;
      if (current.state === 'created' || current.state === 'dismissed')
        return { kind: 'done', proposal: current };
      if (!this.takeOverIfCutOff(current, userId)) return { kind: 'busy', proposal: current };
      this.deps.metrics.issueClaimsResumed.inc({ by: 'approve' });
    }
    return this.runClaimed(id, userId, true);
  }

  /** Resumes creation claims cut off by a crash: the title search finds a page already made. */
  private async resumeCutOff(): Promise<void> {
    if (!this.deps.notion) return;
    for (const proposal of this.proposals.creating()) {
      if (this.stopped) return;
      if (!this.takeOverIfCutOff(proposal)) continue;
      this.deps.metrics.issueClaimsResumed.inc({ by: 'sweep' });
      try {
        await this.runClaimed(proposal.id, proposal.claimedBy ?? 'audit-bot', true);
      } catch (error) {
        // One proposal failing in an unexpected way must not stop the others.
        this.deps.logger.error(
          { proposal: proposal.id },
          `resuming the issue creation failed: ${describeError(error)}`,
        );
      }
    }
  }

  /** Takes over a creation claim if nobody is working on it any more; logs who left it. */
  private takeOverIfCutOff(proposal: Proposal, userId?: string): boolean {
    if (proposal.state !== 'creating' || this.creatingHere.has(proposal.id)) return false;
    if (!this.isCutOff(proposal.claimedInstance, proposal.claimedAt)) return false;
    const claim = { id: proposal.id, at: proposal.claimedAt, instance: proposal.claimedInstance };
    if (!this.proposals.takeOver(claim, this.instance.id, this.deps.now(), userId)) return false;
    this.deps.logger.info(
      {
        proposal: proposal.id,
        claimedAt: proposal.claimedAt,
        claimedBy: proposal.claimedInstance ?? 'an earlier build',
        ...(userId ? { user: userId } : {}),
      },
      'resuming an issue creation cut off by a crash',
    );
    return true;
  }

  /** A claim (instance, time) nobody works on any more: its process is gone, or its lease ran out. */
  private isCutOff(instance: string | undefined, at: string | undefined): boolean {
    const time = at === undefined ? Number.NaN : Date.parse(at);
    // A claim without a readable time cannot be waited out; it is cut off.
    if (Number.isNaN(time)) return true;
    return claimIsStale({ instance, at: new Date(time) }, this.instance, this.leaseMs, this.deps.now());
  }

  private reportUnreadable(reader: ProposalReader, row: UnreadableProposal): void {
    const key = `${reader}:${row.id ?? row.reason}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.deps.metrics.issueProposalsSkipped.inc({ loop: reader });
    this.deps.logger.warn(
      { proposal: row.id, reason: row.reason, reader },
      `issue proposal row skipped: it does not read as a proposal (${row.reason})`,
    );
  }

  async dismiss(id: number, userId: string, reason: string): Promise<boolean> {
    const ok = this.proposals.dismiss(id, userId, reason, this.deps.now());
    if (ok) await this.refreshMessage(id);
    return ok;
  }

  async edit(id: number, fields: IssueFields): Promise<boolean> {
    const ok = this.proposals.edit(id, fields, this.deps.now());
    if (ok) await this.refreshMessage(id);
    return ok;
  }

  /** The form: create right away (or keep a local draft without Notion). */
  async createFromForm(draft: IssueDraft & { probeId?: string }, userId: string): Promise<ApproveOutcome> {
    const { proposal } = this.proposals.propose(
      {
        ...draft,
        sourceKey: `form:${userId}:${this.deps.now().toISOString()}:${Math.random().toString(36).slice(2, 8)}`,
      },
      this.deps.now(),
    );
    if (!this.deps.notion) {
      // Kept as a proposal in the issues channel, where it can be approved once Notion is set up.
      await this.postUnposted();
      return { kind: 'no_notion' };
    }
    if (!this.proposals.claim(proposal.id, userId, this.instance.id, this.deps.now()))
      return { kind: 'busy', proposal };
    return this.runClaimed(proposal.id, userId, false);
  }

  /** Creates a proposal this process has just claimed, marked as in hand meanwhile. */
  private async runClaimed(id: number, userId: string, refreshFirst: boolean): Promise<ApproveOutcome> {
    this.creatingHere.add(id);
    try {
      if (refreshFirst) await this.refreshMessage(id);
      return await this.createClaimed(id, userId);
    } finally {
      this.creatingHere.delete(id);
    }
  }

  private async createClaimed(id: number, userId: string): Promise<ApproveOutcome> {
    const notion = this.deps.notion;
    const proposal = this.proposals.get(id);
    if (!notion || !proposal) return { kind: 'unknown' };
    let lastError = 'Notion did not answer';
    for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt += 1) {
      // Stopping leaves the claim to the next process (it was made by one that is gone then);
      // a claim another process took over (this one outlived its lease) is left to it.
      if ((attempt > 1 && this.stopped) || !this.proposals.renew(id, this.instance.id, this.deps.now()))
        return { kind: 'busy', proposal: this.proposals.get(id) ?? proposal };
      try {
        const tracked = this.trackedCheck(proposal);
        const page = await notion.create({ ...proposal, ...tracked });
        if (tracked.check) this.proposals.setFigureAtCreation(id, tracked.check.figure);
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

  private trackedCheck(proposal: Proposal): { check?: TrackedCheck } {
    const check = proposal.probeId ? this.describeCheck(proposal.probeId) : undefined;
    return check ? { check } : {};
  }

  private async refreshMessage(id: number): Promise<void> {
    const proposal = this.proposals.get(id);
    if (proposal) await this.messenger.update(proposal);
  }
}
