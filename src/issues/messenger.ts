// Proposal messages in Slack: posted with the proposal id in their metadata (so a post cut off by
// a crash is found, not posted twice), and updated in place as the proposal changes.

import type { webApi } from '@slack/bolt';
import type { Logger } from '../kit/logger.js';
import { describeSlackError, findPostedByMetadata } from '../kit/slack.js';
import { proposalMessage } from './blocks.js';
import type { Proposal } from './proposals.js';

/** `metadata.event_type` of proposal messages; the payload is `{proposal_id}`. */
const PROPOSAL_EVENT_TYPE = 'audit_issue_proposal';

export class ProposalMessenger {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly logger: Logger,
    /** The title of a check, for the line naming the check a proposal tracks. */
    private readonly checkTitle: (probeId: string) => string | undefined = () => undefined,
  ) {}

  private message(proposal: Proposal) {
    return proposalMessage(proposal, proposal.probeId ? this.checkTitle(proposal.probeId) : undefined);
  }

  /** The ts of the proposal's message in `channel`, if an earlier attempt posted it. */
  find(proposal: Proposal, channel: string): Promise<string | undefined> {
    return findPostedByMetadata(this.client, {
      channel,
      eventType: PROPOSAL_EVENT_TYPE,
      match: (payload) => payload.proposal_id === proposal.id,
      since: new Date(proposal.createdAt),
    });
  }

  /** Posts the proposal; returns the message's ts. */
  async post(proposal: Proposal, channel: string): Promise<string> {
    const answer = await this.client.chat.postMessage({
      channel,
      ...this.message(proposal),
      unfurl_links: false,
      metadata: { event_type: PROPOSAL_EVENT_TYPE, event_payload: { proposal_id: proposal.id } },
    });
    if (!answer.ts) throw new Error('Slack answered the post without a ts');
    return answer.ts;
  }

  /** Shows the proposal's current state in its message; a failure is logged, never thrown. */
  async update(proposal: Proposal): Promise<void> {
    if (!proposal.channel || !proposal.ts) return;
    const message = this.message(proposal);
    try {
      await this.client.chat.update({ channel: proposal.channel, ts: proposal.ts, ...message });
    } catch (error) {
      this.logger.warn(
        { proposal: proposal.id },
        `proposal message not updated: ${describeSlackError(error)}`,
      );
    }
  }
}
