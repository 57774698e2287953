// Reading the Slack Web API's errors through the SDK's own error classes, and finding a message
// the bot posted before a crash cut off the record of it. Shared by every feature that posts.

import { webApi } from '@slack/bolt';
import type { MessageContent } from './blocks.js';
import { describeError } from './errors.js';

/** Slack's error string (`channel_not_found`, `missing_scope`…) of a platform error. */
export function slackErrorCode(error: unknown): string | undefined {
  return error instanceof webApi.WebAPIPlatformError ? error.data.error : undefined;
}

/** Milliseconds Slack asked to wait (429 + Retry-After), when the client did not wait itself. */
export function slackRetryAfterMs(error: unknown): number | undefined {
  return error instanceof webApi.WebAPIRateLimitedError ? error.retryAfter * 1000 : undefined;
}

/** One line for logs and users: what Slack said, never the request (which carries the token). */
export function describeSlackError(error: unknown): string {
  if (error instanceof webApi.WebAPIPlatformError) return `Slack answered ${error.data.error}`;
  if (error instanceof webApi.WebAPIRateLimitedError)
    return `Slack is rate limiting (retry after ${error.retryAfter} s)`;
  if (error instanceof webApi.WebAPIHTTPError) return `Slack answered HTTP ${error.statusCode}`;
  if (error instanceof webApi.WebAPIRequestError) return `Slack is not reachable: ${error.original.message}`;
  return describeError(error);
}

/** Slack's answers to an ephemeral message in a channel the bot cannot use. */
const EPHEMERAL_REFUSALS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_in_channel',
]);

/**
 * Tells `user` privately in `channel` (an ephemeral message), else by direct message: Slack
 * refuses an ephemeral message in a channel the bot is not in (chat:write.public does not
 * cover it), and a modal has no response_url to answer through.
 */
export async function tellPrivately(
  client: webApi.WebClient,
  { channel, user, message }: { channel: string | undefined; user: string; message: MessageContent },
): Promise<void> {
  if (channel) {
    try {
      await client.chat.postEphemeral({ channel, user, ...message });
      return;
    } catch (error) {
      if (!EPHEMERAL_REFUSALS.has(slackErrorCode(error) ?? '')) throw error;
    }
  }
  await client.chat.postMessage({ channel: user, ...message });
}

export interface FindPostedOptions {
  readonly channel: string;
  /** The `metadata.event_type` the message was posted with. */
  readonly eventType: string;
  /** Tells the wanted message by its `metadata.event_payload`. */
  readonly match: (payload: Readonly<Record<string, unknown>>) => boolean;
  /** The post was attempted after this time; older messages are not read. */
  readonly since: Date;
  /** Look among the replies in this message's thread (conversations.replies) instead. */
  readonly threadTs?: string;
}

/** Pages of history read at most: a crash recovery looks back minutes, not days. */
const MAX_HISTORY_PAGES = 5;

/**
 * Finds a message the bot posted with metadata (top level, or in the thread `threadTs`), so a
 * post that reached Slack just before a crash is adopted instead of posted twice. Needs
 * `channels:history` / `groups:history` (for conversations.history and conversations.replies
 * alike); in a public channel the bot posted to through `chat:write.public` without being a
 * member, Slack answers `not_in_channel`, so the bot joins it (`channels:join`) and reads again.
 */
export async function findPostedByMetadata(
  client: webApi.WebClient,
  options: FindPostedOptions,
): Promise<string | undefined> {
  // A minute of slack for clock skew between this host and Slack.
  const oldest = (options.since.getTime() / 1000 - 60).toFixed(6);
  let joined = false;
  type Page = Pick<webApi.ConversationsHistoryResponse, 'messages' | 'has_more' | 'response_metadata'>;
  const read = async (cursor: string | undefined): Promise<Page> => {
    const request = { channel: options.channel, include_all_metadata: true, limit: 200, oldest, cursor };
    const call = (): Promise<Page> =>
      options.threadTs
        ? client.conversations.replies({ ...request, ts: options.threadTs })
        : client.conversations.history(request);
    try {
      return await call();
    } catch (error) {
      if (slackErrorCode(error) !== 'not_in_channel' || joined) throw error;
      joined = true;
      await client.conversations.join({ channel: options.channel });
      return call();
    }
  };
  let cursor: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page += 1) {
    const answer = await read(cursor);
    for (const message of answer.messages ?? []) {
      const metadata = message.metadata as
        | { event_type?: unknown; event_payload?: Record<string, unknown> }
        | undefined;
      if (metadata?.event_type === options.eventType && options.match(metadata.event_payload ?? {}))
        return message.ts;
    }
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (!answer.has_more || !cursor) return undefined;
  }
  return undefined;
}
