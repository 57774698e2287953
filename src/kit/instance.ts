// Which process made a claim in the store. Work claimed in the database (an issue being created,
// a proposal or digest being posted) records the claiming process instance, so a later process
// can tell a claim cut off by a crash (made by another instance before it started) from one that
// is still being worked on, without waiting for a lease to run out.

import { randomUUID } from 'node:crypto';

export interface ProcessInstance {
  /** Random per start: two processes (or two bots in one test process) never share it. */
  readonly id: string;
  readonly startedAt: Date;
}

export function newProcessInstance(now: Date = new Date()): ProcessInstance {
  return { id: randomUUID(), startedAt: now };
}

/**
 * Whether a claim recorded in the store may be taken over by `self`: it was made by an older
 * build that recorded no instance, or by another instance before this one started (that
 * process is gone; it may have been a sibling still alive, which the lease bounds), or it is
 * older than the lease. Claims this process is still working on are excluded by the caller.
 */
export function claimIsStale(
  claim: { readonly instance: string | undefined; readonly at: Date },
  self: ProcessInstance,
  leaseMs: number,
  now: Date,
): boolean {
  if (claim.instance === undefined) return true;
  if (claim.instance !== self.id && claim.at.getTime() < self.startedAt.getTime()) return true;
  return now.getTime() - claim.at.getTime() > leaseMs;
}
