// What follows the creation of an issue: Notion's state read back, and closing it from Slack.
// Built by IssueService with its proposals and its way of refreshing a proposal's message.

import { IssueClosing } from './closing.js';
import type { TrackedCheck } from './notion.js';
import { NotionIssueSync } from './notion-sync.js';
import type { Proposals } from './proposals.js';
import type { IssueServiceDeps } from './service.js';

export function buildFollowUps(
  deps: IssueServiceDeps,
  proposals: Proposals,
  leaseMs: number,
  refreshMessage: (id: number) => Promise<void>,
  describeCheck: (probeId: string) => TrackedCheck | undefined,
): { notionSync: NotionIssueSync | undefined; closing: IssueClosing } {
  const issuesConfig = deps.config.notion.issues;
  const notionSync =
    deps.notion && issuesConfig
      ? new NotionIssueSync({
          notion: deps.notion,
          proposals,
          store: deps.store,
          logger: deps.logger,
          now: deps.now,
          pollEveryMs: deps.pollEveryMs ?? issuesConfig.poll_every,
          onChange: async (proposal) => {
            await refreshMessage(proposal.id);
            deps.onChange?.();
          },
        })
      : undefined;
  const closing = new IssueClosing({
    store: deps.store,
    proposals,
    notion: deps.notion,
    client: deps.client,
    logger: deps.logger,
    now: deps.now,
    leaseMs,
    describeCheck,
    history: (probeId, n) => deps.measured?.results.history(probeId, n) ?? [],
    closeAfter: deps.config.notion.issues?.close_after ?? 2,
    refreshMessage: async (id) => {
      await refreshMessage(id);
      deps.onChange?.();
    },
  });
  return { notionSync, closing };
}
