// Which issues track which checks, as the digest, `/audit issues` and the issue form see them.

import type { TrackingIssue } from '../digests/blocks.js';
import type { MessageContent } from '../kit/blocks.js';
import type { ProbeResults } from '../probes/results-store.js';
import type { ProbeRunner } from '../probes/runner.js';
import { formatFigure } from '../status/blocks.js';
import { openIssuesMessage } from './blocks.js';
import type { Check } from './check-links.js';
import type { TrackedCheck } from './notion.js';
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

/** Where checks are read: the probes (titles) and the stored results (figures, recent history). */
export interface MeasuredChecks {
  readonly runner: Pick<ProbeRunner, 'probe'>;
  readonly results: Pick<ProbeResults, 'latestMeasured' | 'history'>;
}

/** A check's title and latest figure, as the Notion page and the close offer show them. */
export function describeCheckFrom(
  measured: MeasuredChecks | undefined,
): (probeId: string) => TrackedCheck | undefined {
  return (id) => {
    const probe = measured?.runner.probe(id);
    if (!probe) return undefined;
    const latest = measured?.results.latestMeasured(id);
    return { id, title: probe.title, figure: latest ? formatFigure(latest.measurement) : 'not measured yet' };
  };
}
