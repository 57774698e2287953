// Which issues track which checks, as the digest, `/audit issues` and the issue form see them.

import type { TrackingIssue } from '../digests/blocks.js';
import type { MessageContent } from '../kit/blocks.js';
import { openIssuesMessage } from './blocks.js';
import type { Check } from './check-links.js';
import { isOpenIssue, type Proposals } from './proposals.js';

export function openIssuesOf(
  proposals: Proposals,
  checks: readonly Check[],
  now: Date,
  sharedBy: string | undefined,
): MessageContent {
  const titles = new Map(checks.map((c) => [c.id, c.title]));
  return openIssuesMessage(proposals.createdIssues(), {
    now,
    checkTitle: (id) => titles.get(id),
    waiting: proposals.open().length,
    ...(sharedBy ? { sharedBy } : {}),
  });
}

/**
 * The issue tracking `probeId`: the newest that is still open (or a proposal not decided yet),
 * else the newest created one, finished in Notion or closed from Slack.
 */
export function trackingIssue(proposals: Proposals, probeId: string): TrackingIssue | undefined {
  const tracking = proposals.trackingCheck(probeId);
  const open = tracking.find((p) => p.state !== 'created' || isOpenIssue(p));
  const issue = open ?? tracking.find((p) => p.state === 'created');
  if (!issue) return undefined;
  return {
    title: issue.title,
    url: issue.pageUrl,
    status: issue.state === 'created' ? (issue.notion?.status ?? 'created') : issue.state,
    openedAt: issue.createdAt,
    open: open !== undefined,
  };
}
