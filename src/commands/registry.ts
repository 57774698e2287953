// The one registry of `/audit` subcommands. Help text, the "did you mean" suggestion, the
// dispatcher and the tests all read this list, so help can never drift from what exists.

import type { RespondArguments, webApi } from '@slack/bolt';
import { closest, distance } from 'fastest-levenshtein';
import type { SubcommandName } from '../kit/ids.js';
import type { SubcommandSpec } from '../kit/subcommands.js';

export interface CommandContext {
  /** Text after the subcommand word, trimmed. */
  readonly args: string;
  readonly userId: string;
  readonly channelId: string;
  readonly triggerId: string;
  readonly respond: (message: RespondArguments) => Promise<unknown>;
  readonly client: webApi.WebClient;
}

export interface Subcommand extends SubcommandSpec {
  run(context: CommandContext): Promise<void>;
  /**
   * An answer ready in memory for these arguments, sent in the acknowledgement itself (no
   * response_url post); undefined: acknowledge, then `run`. Only for subcommands anyone may use.
   */
  answerAtOnce?(args: string): RespondArguments | undefined;
}

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
