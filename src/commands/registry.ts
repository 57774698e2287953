// The one registry of `/audit` subcommands. Help text, the "did you mean" suggestion, the
// dispatcher and the tests all read this list, so help can never drift from what exists.

import type { RespondArguments, webApi } from '@slack/bolt';
import { closest, distance } from 'fastest-levenshtein';
import { COMMAND, type SubcommandName } from '../kit/ids.js';
import type { Permission } from '../kit/permissions.js';

export interface CommandContext {
  /** Text after the subcommand word, trimmed. */
  readonly args: string;
  readonly userId: string;
  readonly channelId: string;
  readonly triggerId: string;
  readonly respond: (message: RespondArguments) => Promise<unknown>;
  readonly client: webApi.WebClient;
}

export interface Subcommand {
  readonly name: SubcommandName;
  /** Argument synopsis for help, e.g. `[probe-id]`. */
  readonly args: string;
  readonly summary: string;
  readonly example: string;
  /** Who may run it (slack.permissions, else approvers); unset: everyone. */
  readonly permission?: Permission;
  run(context: CommandContext): Promise<void>;
}

export type SubcommandSpec = Omit<Subcommand, 'run'>;

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
  alerts: {
    name: 'alerts',
    args: '',
    summary: 'List alert groups that are firing',
    example: `${COMMAND} alerts`,
  },
};

export type ParsedCommand =
  | { kind: 'found'; name: SubcommandName; args: string }
  | { kind: 'unknown'; word: string; suggestion: SubcommandName | undefined };

/** Splits `/audit` text into a known subcommand and its arguments; empty text means help. */
export function parseCommandText(text: string, names: readonly SubcommandName[]): ParsedCommand {
  const trimmed = text.trim();
  if (!trimmed) return { kind: 'found', name: 'help', args: '' };
  const [first = ''] = trimmed.split(/\s+/);
  const word = first.toLowerCase();
  const args = trimmed.slice(first.length).trim();
  const exact = names.find((n) => n === word);
  if (exact) return { kind: 'found', name: exact, args };
  return { kind: 'unknown', word: first, suggestion: suggest(word, names) };
}

/** The closest subcommand when it is plausibly a typo: a prefix, or at most 2 edits away. */
export function suggest(word: string, names: readonly SubcommandName[]): SubcommandName | undefined {
  if (names.length === 0 || !word) return undefined;
  const prefixed = names.filter((n) => n.startsWith(word));
  if (prefixed.length === 1) return prefixed[0];
  const best = closest(word, [...names]) as SubcommandName;
  const allowed = word.length <= 4 ? 1 : 2;
  return distance(word, best) <= allowed ? best : undefined;
}
