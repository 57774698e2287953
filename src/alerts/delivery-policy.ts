// How fast and how persistently the outbox delivers: Slack's per-channel rate, backoff after a
// failure, which refusals are final, and the metadata that finds a post cut off by a crash.

/** Slack allows about one message per second per channel, with short bursts (alerts.burst's default). */
export const CHANNEL_BURST = 3;
/** A held-back notice whose count keeps changing is updated at most this often. */
export const NOTICE_UPDATE_MS = 3000;
const MAX_BACKOFF_MS = 60_000;
/** How long a held-back notice that Slack refuses for good waits before it is tried again. */
export const NOTICE_GIVE_UP_MS = 10 * 60_000;
export const IDLE_POLL_MS = 1000;
/** Groups fetched per channel per round; more than a round's rate budget allows. */
export const PER_CHANNEL_BATCH = 10;

/** `metadata.event_type` of what the outbox posts, to find a post cut off by a crash. */
export const METADATA_EVENT = {
  group: 'audit_alert',
  reply: 'audit_alert_reply',
  notice: 'audit_alert_notice',
} as const;

/**
 * Slack's answers that the same request will get again, however often it is retried: the
 * group is parked instead. Rate limits, server errors, network trouble and token problems
 * (which affect every group alike) are retried with backoff.
 */
export const PERMANENT_SLACK_ERRORS: ReadonlySet<string> = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_arguments',
  'invalid_arg_name',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'metadata_too_large',
  'msg_too_long',
  'no_text',
  'too_many_attachments',
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'method_not_supported_for_channel_type',
  'missing_scope',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'cannot_reply_to_message',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'ekm_access_denied',
]);

/** About `rate` messages a second, with bursts of `burst`, per channel. */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** How long a group waits after its `attempts`-th failure: doubling, jittered, at most a minute. */
export function backoffMs(attempts: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 6));
  return base * (0.75 + Math.random() * 0.5);
}
