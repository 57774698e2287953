// What the status command, the Refresh button and the detail view share: snapshot the
// store, or refresh first with a bounded wait (slow sources answer later, never block).

import type { MessageContent } from '../kit/blocks.js';
import type { Permissions } from '../kit/permissions.js';
import type { ProbeResults } from '../probes/results-store.js';
import type { ProbeRunner } from '../probes/runner.js';
import { takeSnapshot } from '../probes/snapshot.js';
import { probeDetailMessage, type StatusOptions, statusMessage, unknownProbeMessage } from './blocks.js';

export interface StatusDeps {
  readonly runner: ProbeRunner;
  readonly results: ProbeResults;
  readonly config: { readonly timezone: string };
  readonly now: () => Date;
}

/**
 * Whether `userId` may see a probe's full source (a command line): the approvers, or whoever
 * `slack.permissions.approve_issues` names.
 */
export function seesSourceDetail(
  deps: { readonly permissions: Permissions },
  userId: string,
): Promise<boolean> {
  return deps.permissions.allows('approve_issues', userId);
}

/** How long a refresh waits for fresh figures before answering with what is there. */
export const REFRESH_WAIT_MS = 20_000;

export function renderStatus(
  deps: StatusDeps,
  probeId?: string,
  options: StatusOptions = {},
): MessageContent {
  const now = deps.now();
  const timezone = deps.config.timezone;
  if (!probeId) return statusMessage(takeSnapshot(deps.runner, deps.results, { now, timezone }), options);
  const only = [probeId];
  const probe = takeSnapshot(deps.runner, deps.results, { now, timezone, only, historyLength: 30 }).probes[0];
  if (!probe) return unknownProbeMessage(probeId, deps.runner.ids);
  return probeDetailMessage({ probe, lastError: deps.results.lastError(probeId), now, timezone }, options);
}

/** Runs the probe (or all), waiting at most `waitMs`; probes still running show as measuring. */
export async function refreshThenRender(
  deps: StatusDeps,
  probeId?: string,
  waitMs = REFRESH_WAIT_MS,
  options: StatusOptions = {},
): Promise<MessageContent> {
  await runWithin(deps.runner, probeId ? [probeId] : deps.runner.ids, waitMs);
  return renderStatus(deps, probeId, options);
}

/** Runs the probes, waiting for them at most `waitMs` (slower ones go on and store later). */
export async function runWithin(runner: ProbeRunner, ids: readonly string[], waitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(ids.map((id) => runner.run(id))),
    new Promise((resolve) => (timer = setTimeout(resolve, waitMs))),
  ]);
  clearTimeout(timer);
}
