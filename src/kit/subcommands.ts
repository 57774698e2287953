// What each `/audit` subcommand is for. Help, the Home tab, the "did you mean" suggestion and
// the dispatcher (src/commands/registry.ts, which attaches the handlers) all read this table,
// so help can never drift from what exists.

import { COMMAND, type SubcommandName } from './ids.js';
import type { Permission } from './permissions.js';

export interface SubcommandSpec {
  readonly name: SubcommandName;
  /** Argument synopsis for help, e.g. `[probe-id]`. */
  readonly args: string;
  readonly summary: string;
  readonly example: string;
  /** Who may run it (slack.permissions, else approvers); unset: everyone. */
  readonly permission?: Permission;
}

/** What each subcommand is for; the handlers are attached where the app is wired. */
export const SUBCOMMAND_SPECS: Readonly<Record<SubcommandName, SubcommandSpec>> = {
  help: { name: 'help', args: '', summary: 'Show what audit-bot can do', example: `${COMMAND} help` },
  status: {
    name: 'status',
    args: '[probe-id]',
    summary: 'Every check of the pipeline: value, target, trend and age; or one check in detail',
    example: `${COMMAND} status fingerprint-coverage`,
  },
  refresh: {
    name: 'refresh',
    args: '[probe-id]',
    summary: 'Measure again now (all checks, or one)',
    example: `${COMMAND} refresh djay-id-sync`,
    permission: 'refresh',
  },
  digest: {
    name: 'digest',
    args: '[digest-id]',
    summary: 'Post a digest to its channel now',
    example: `${COMMAND} digest morning`,
    permission: 'post_digests',
  },
  issue: {
    name: 'issue',
    args: '[title…]',
    summary: 'Open the form for a new Notion issue',
    example: `${COMMAND} issue Eagle export misses BPM tags`,
  },
  issues: {
    name: 'issues',
    args: '',
    summary: 'List the open Notion issues: the check each tracks, status and age',
    example: `${COMMAND} issues`,
  },
  alerts: {
    name: 'alerts',
    args: '',
    summary: 'List alert groups that are firing',
    example: `${COMMAND} alerts`,
  },
};
