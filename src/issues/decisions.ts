// Who may approve, edit or dismiss a proposal, and whether it can still be decided on.
// Dismissing a report proposal ends it for good and editing changes what an approver will
// create, so all three need `approve_issues`; every refusal is logged (throttled: any member can
// press, or forge, at will).

import type { Logger } from '../kit/logger.js';
import type { Permissions } from '../kit/permissions.js';
import { LogThrottle } from '../kit/throttle.js';
import type { Decision } from './blocks.js';
import type { Proposal, Proposals } from './proposals.js';

export interface DecisionDeps {
  readonly permissions: Permissions;
  readonly logger: Logger;
}

/**
 * Whether `userId` may take `action`. With `withinDeadline` (a view submission, answered within
 * Slack's 3 s), an answer that does not come in time is `undefined`: "not known yet", which
 * changes nothing.
 */
export async function mayDecide(
  deps: DecisionDeps,
  userId: string,
  action: Decision,
  { withinDeadline = false } = {},
): Promise<boolean | undefined> {
  const allowed = withinDeadline
    ? await deps.permissions.allowsWithinDeadline('approve_issues', userId)
    : await deps.permissions.allows('approve_issues', userId);
  if (allowed !== true)
    refusalLog(deps.logger).warn(
      `issue-refusal:${action}:${userId}`,
      {
        user: userId,
        permission: 'approve_issues',
        action,
        ...(allowed === undefined ? { timedOut: true } : {}),
      },
      `${action} of an issue proposal refused: ${allowed === undefined ? 'permission not known in time' : 'missing permission'}`,
    );
  return allowed;
}

/** The proposal, while it can still be edited or dismissed (not yet created, dismissed or busy). */
export function undecided(proposals: Proposals, id: number): Proposal | undefined {
  const proposal = proposals.get(id);
  return proposal && (proposal.state === 'proposed' || proposal.state === 'failed') ? proposal : undefined;
}

const refusalLogs = new WeakMap<Logger, LogThrottle>();
function refusalLog(logger: Logger): LogThrottle {
  const throttle = refusalLogs.get(logger) ?? new LogThrottle(logger);
  refusalLogs.set(logger, throttle);
  return throttle;
}
