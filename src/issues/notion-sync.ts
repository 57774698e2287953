// Notion's state of created issues, brought back into Slack within a minute: a webhook's signal
// names pages, whose current state is then read (events carry no content and come batched,
// repeated or out of order), and a poll reads what was edited since the last poll, for installs
// Notion cannot reach. Either way the state is stored once (an older or equal reading changes
// nothing) and every Slack message showing the issue is updated. A failed read is logged and
// retried by the next poll; it never stops the loop.

import { describeError } from '../kit/errors.js';
import type { Logger } from '../kit/logger.js';
import { describeNotionError } from '../kit/notion.js';
import type { Store } from '../store/store.js';
import type { NotionIssues } from './notion.js';
import type { IssueState } from './notion-state.js';
import type { Proposal, Proposals } from './proposals.js';

/** Settings keys: the webhook verification token Notion sent, and when a signed event first passed. */
export const NOTION_VERIFICATION_TOKEN = 'notion_webhook_verification_token';
export const NOTION_WEBHOOK_VERIFIED_AT = 'notion_webhook_verified_at';

/** The token Notion sent, while no event signed with it has arrived (approvers see it on Home). */
export function pendingVerificationToken(store: Store): string | undefined {
  return store.getSetting(NOTION_WEBHOOK_VERIFIED_AT)
    ? undefined
    : store.getSetting(NOTION_VERIFICATION_TOKEN);
}

/** Settings key: the newest last_edited_time the poll has read up to. */
const POLLED_TO = 'notion_issues_polled_to';
/** Notion's edit times are minute-precise: each poll reads the last minute again. */
const POLL_OVERLAP_MS = 60_000;

export interface NotionSyncDeps {
  readonly notion: NotionIssues;
  readonly proposals: Proposals;
  readonly store: Store;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly pollEveryMs: number;
  /** Shows the changed proposal wherever Slack shows it (its message, the Home tab). */
  readonly onChange: (proposal: Proposal) => Promise<void>;
}

export class NotionIssueSync {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: NotionSyncDeps) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => void this.poll(), this.deps.pollEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.polling;
  }

  /** Reads the current state of pages a webhook named, and shows what changed. */
  async pages(pageIds: readonly string[]): Promise<void> {
    for (const pageId of new Set(pageIds)) {
      if (this.stopped) return;
      try {
        const state = await this.deps.notion.state(pageId);
        if (state) await this.apply(state);
      } catch (error) {
        this.deps.logger.warn({ page: pageId }, `Notion page not read back: ${describeNotionError(error)}`);
      }
    }
  }

  /** One poll (never two at once, never rejecting): pages edited since the last one. */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce()
      .catch((error: unknown) =>
        this.deps.logger.warn(
          `Notion issues not polled: ${describeNotionError(error) || describeError(error)}`,
        ),
      )
      .finally(() => {
        this.polling = undefined;
      });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    const { store, notion, now } = this.deps;
    // The first poll starts from the oldest created issue never read back (or now).
    const from =
      store.getSetting(POLLED_TO) ??
      [now().toISOString(), ...this.deps.proposals.unread().map((p) => p.createdAt)].sort()[0];
    const start = from ?? now().toISOString();
    const since = new Date(Date.parse(start) - POLL_OVERLAP_MS).toISOString();
    let newest = start;
    for (const state of await notion.editedSince(since)) {
      if (this.stopped) return;
      await this.apply(state);
      if (state.editedAt > newest) newest = state.editedAt;
    }
    store.setSetting(POLLED_TO, newest, now());
  }

  private async apply(state: IssueState): Promise<void> {
    for (const proposal of this.deps.proposals.applyNotionState(state)) {
      this.deps.logger.info(
        { proposal: proposal.id, status: state.status, gone: state.gone },
        'issue state read back from Notion',
      );
      await this.deps.onChange(proposal);
    }
  }
}
