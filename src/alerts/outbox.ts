// Delivers alert groups to Slack from the store (a durable outbox): posts each group's message
// once, updates it in place with the latest state (pending changes coalesce into one update),
// then posts queued thread replies. Stays within about one message per second per channel;
// 429s wait for Retry-After and other failures back off, per group, without blocking others.
// After a crash it resumes from the store; a message whose post was cut off is looked up in
// the channel (by its metadata) before posting again, so a restart does not post it twice.

import type { webApi } from '@slack/bolt';
import { alertMessage } from '../blocks/alert.js';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { BotMetrics } from '../metrics.js';
import type { AlertGroups, GroupRow } from './groups.js';

/** Slack allows about one message per second per channel, with short bursts. */
export const CHANNEL_RATE_PER_SECOND = 1;
export const CHANNEL_BURST = 3;
const MAX_BACKOFF_MS = 60_000;
const IDLE_POLL_MS = 1000;
/** Groups fetched per channel per round; more than a round's rate budget allows. */
const PER_CHANNEL_BATCH = 10;
const METADATA_EVENT = 'audit_alert';

export interface OutboxDeps {
  readonly groups: AlertGroups;
  /** A client without its own retries: the outbox schedules retries per group. */
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  readonly metrics: BotMetrics;
  readonly timezone: string;
  readonly now: () => Date;
  readonly ratePerSecond?: number;
  readonly burst?: number;
}

class TokenBucket {
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

export class AlertOutbox {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly deps: OutboxDeps) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Called after a webhook or button stored a change. */
  wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  private bucket(channel: string): TokenBucket {
    let bucket = this.buckets.get(channel);
    if (!bucket) {
      bucket = new TokenBucket(
        this.deps.ratePerSecond ?? CHANNEL_RATE_PER_SECOND,
        this.deps.burst ?? CHANNEL_BURST,
      );
      this.buckets.set(channel, bucket);
    }
    return bucket;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let due: GroupRow[] = [];
      try {
        due = this.deps.groups.due(this.deps.now(), PER_CHANNEL_BATCH);
      } catch (error) {
        this.deps.logger.error(`alert outbox cannot read the store: ${describeError(error)}`);
      }
      let delivered = 0;
      // Channels proceed independently; within one channel, messages go out in order.
      const byChannel = new Map<string, GroupRow[]>();
      for (const row of due) byChannel.set(row.channel, [...(byChannel.get(row.channel) ?? []), row]);
      await Promise.all(
        [...byChannel.entries()].map(async ([channel, rows]) => {
          for (const row of rows) {
            if (!this.running) return;
            if (!this.bucket(channel).take()) return;
            if (await this.deliver(row)) delivered += 1;
          }
        }),
      );
      if (!this.running) break;
      // Nothing sent: wait for a change, or poll (rate budgets refill, backoffs expire).
      const pause = delivered > 0 ? 0 : due.length > 0 ? 200 : IDLE_POLL_MS;
      if (pause > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pause);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** Brings one group's message (and its thread) up to date; false when it must wait. */
  private async deliver(row: GroupRow): Promise<boolean> {
    const { client, groups, now } = this.deps;
    const message = alertMessage(row.state, row.groupId, this.deps.timezone, now());
    try {
      let ts = row.ts;
      if (!ts && row.postingSince) ts = await this.findPosted(row);
      if (!ts) {
        groups.markPosting(row.groupKey, now());
        const answer = await client.chat.postMessage({
          channel: row.channel,
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          metadata: { event_type: METADATA_EVENT, event_payload: { group_id: row.groupId } },
        });
        ts = String(answer.ts);
        groups.setTs(row.groupKey, ts);
        this.deps.metrics.alertMessages.inc({ kind: 'post' });
      } else {
        if (row.ts === undefined) groups.setTs(row.groupKey, ts);
        await client.chat.update({ channel: row.channel, ts, text: message.text, blocks: message.blocks });
        this.deps.metrics.alertMessages.inc({ kind: 'update' });
      }
      for (const reply of groups.pendingReplies(row.groupKey)) {
        await client.chat.postMessage({ channel: row.channel, thread_ts: ts, text: reply.text });
        groups.markReplyPosted(reply.id, now());
        this.deps.metrics.alertMessages.inc({ kind: 'reply' });
      }
      groups.markDelivered(row.groupKey, row.version);
      return true;
    } catch (error) {
      const retryAfter = (error as { retryAfter?: unknown }).retryAfter;
      const waitMs =
        typeof retryAfter === 'number'
          ? retryAfter * 1000
          : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(row.attempts, 6)) * (0.75 + Math.random() * 0.5);
      const reason = slackReason(error);
      groups.markFailed(row.groupKey, reason, new Date(now().getTime() + waitMs));
      this.deps.metrics.alertDeliveryFailures.inc({
        reason: typeof retryAfter === 'number' ? 'rate_limited' : 'error',
      });
      this.deps.logger.warn(
        { group: row.groupId, channel: row.channel, retryInMs: Math.round(waitMs) },
        `alert not delivered yet: ${reason}`,
      );
      return false;
    }
  }

  /** A post cut off by a crash may have reached Slack: find it by its metadata. */
  private async findPosted(row: GroupRow): Promise<string | undefined> {
    const oldest = row.postingSince ? (Date.parse(row.postingSince) / 1000 - 60).toFixed(6) : undefined;
    const history = await this.deps.client.conversations.history({
      channel: row.channel,
      include_all_metadata: true,
      limit: 200,
      ...(oldest ? { oldest } : {}),
    });
    const found = (history.messages ?? []).find((m) => {
      const metadata = m.metadata as
        | { event_type?: string; event_payload?: { group_id?: unknown } }
        | undefined;
      return metadata?.event_type === METADATA_EVENT && metadata.event_payload?.group_id === row.groupId;
    });
    return found?.ts;
  }
}

function slackReason(error: unknown): string {
  const data = (error as { data?: { error?: unknown } }).data;
  if (typeof data?.error === 'string') return `Slack answered ${data.error}`;
  return describeError(error);
}
