// Delivers alert groups to Slack from the store (a durable outbox): posts each group's message
// once, updates it in place with the latest state (pending changes coalesce into one update),
// then posts queued thread replies. Within each channel it sends the most severe groups first
// (critical, warning, the rest; oldest change first within a severity) at about one message a
// second; a source with more open groups than `alerts.max_open_groups_per_source` has the rest
// held back, and the channel gets one notice saying so, updated in place.
//
// Nothing a group holds can stop the loop: a group that cannot be rendered, or that Slack
// refuses for good (invalid_blocks, channel_not_found…), is parked with its reason, logged and
// counted, and the others go on; 429s wait for Retry-After and other failures back off, per
// group; an error outside any one group (the store) is logged and the loop tries again later.
// After a crash it resumes from the store; a message or thread reply whose post was cut off
// is looked up in Slack by its metadata before posting again, so nothing is posted twice.

import type { webApi } from '@slack/bolt';
import type { MessageContent } from '../kit/blocks.js';
import { describeError } from '../kit/errors.js';
import type { Logger } from '../kit/logger.js';
import type { BotMetrics } from '../kit/metrics.js';
import {
  describeSlackError,
  type FindPostedOptions,
  findPostedByMetadata,
  slackErrorCode,
  slackRetryAfterMs,
} from '../kit/slack.js';
import { LogThrottle } from '../kit/throttle.js';
import { alertMessage, type SilenceBackends, threadReplyText } from './blocks.js';
import {
  backoffMs,
  IDLE_POLL_MS,
  METADATA_EVENT,
  NOTICE_GIVE_UP_MS,
  PER_CHANNEL_BATCH,
  PERMANENT_SLACK_ERRORS,
  TokenBucket,
} from './delivery-policy.js';
import type { GroupRow, UnreadableRow } from './group-rows.js';
import type { AlertGroups, PendingReply } from './groups.js';
import {
  dueNoticeTasks,
  type HeldNotices,
  heldClearedMessage,
  heldNoticeMessage,
  type NoticeTask,
  noticeKey,
} from './held-notices.js';
import { severityRank } from './incoming.js';

export interface OutboxDeps {
  readonly groups: AlertGroups;
  readonly notices: HeldNotices;
  /** A client without its own retries: the outbox schedules retries per group. */
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  readonly metrics: BotMetrics;
  readonly timezone: string;
  readonly now: () => Date;
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly maxOpenPerSource: number;
  /** Which silencing APIs are configured: groups of the others get no Silence button. */
  readonly silencing: SilenceBackends;
}

export class AlertOutbox {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly buckets = new Map<string, TokenBucket>();
  /** Notices whose last attempt failed: when to try again (kept in memory; a restart retries). */
  private readonly noticeRetries = new Map<string, { at: number; attempts: number }>();
  private roundFailures = 0;
  /** Parking is caused by what outsiders post: log each kind a few times a minute at most. */
  private readonly parkLog: LogThrottle;

  constructor(private readonly deps: OutboxDeps) {
    this.parkLog = new LogThrottle(deps.logger);
    deps.metrics.observeAlerts({
      parked: () => deps.groups.parkedCounts(),
      held: () => {
        const byChannel = new Map<string, number>();
        for (const { channel, count } of deps.groups.heldCounts(deps.maxOpenPerSource))
          byChannel.set(channel, (byChannel.get(channel) ?? 0) + count);
        return [...byChannel].map(([channel, count]) => ({ channel, count }));
      },
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    try {
      // A new version of the bot (or a fixed channel) may deliver what was parked before.
      const retried = this.deps.groups.unparkAll(this.deps.now());
      if (retried > 0) this.deps.logger.info({ groups: retried }, 'retrying parked alert groups');
    } catch (error) {
      this.deps.logger.warn(`parked alert groups not retried: ${describeError(error)}`);
    }
    // run() handles its own errors; this catch only keeps a bug there from ending the process.
    this.loop = this.run().catch((error: unknown) => {
      this.deps.metrics.backgroundErrors.inc({ loop: 'alert_outbox' });
      this.deps.logger.error(`alert outbox stopped: ${describeError(error)}`);
    });
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
    const bucket = this.buckets.get(channel) ?? new TokenBucket(this.deps.ratePerSecond, this.deps.burst);
    this.buckets.set(channel, bucket);
    return bucket;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let pause: number;
      try {
        pause = await this.round();
        this.roundFailures = 0;
      } catch (error) {
        // Outside any one group (the store is locked, full or closed): wait longer each time.
        pause = backoffMs(this.roundFailures);
        this.roundFailures += 1;
        this.deps.metrics.backgroundErrors.inc({ loop: 'alert_outbox' });
        this.deps.logger.error(
          { retryInMs: Math.round(pause) },
          `alert outbox round failed: ${describeError(error)}`,
        );
      }
      if (!this.running) break;
      if (pause > 0) await this.sleep(pause);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** One pass over what is due; returns how long to wait before the next. */
  private async round(): Promise<number> {
    const { groups } = this.deps;
    const { rows, unreadable } = groups.due(this.deps.now(), PER_CHANNEL_BATCH, this.deps.maxOpenPerSource);
    for (const row of unreadable) this.park(row, 'unreadable_state', row.problem);
    const notices = dueNoticeTasks({
      held: groups.heldCounts(this.deps.maxOpenPerSource),
      stored: this.deps.notices.all(),
      retryAt: (key) => this.noticeRetries.get(key)?.at,
      now: this.deps.now().getTime(),
    });
    const channels = new Set([...rows.map((r) => r.channel), ...notices.keys()]);
    let delivered = 0;
    // Channels proceed independently; within one, critical groups go first, then the notices
    // (so a flood is announced early), then the rest in severity order.
    await Promise.all(
      [...channels].map(async (channel) => {
        const queue = rows.filter((r) => r.channel === channel);
        const critical = queue.filter((r) => severityRank(r.state.severity) === 0);
        const rest = queue.filter((r) => severityRank(r.state.severity) !== 0);
        for (const item of [...critical, ...(notices.get(channel) ?? []), ...rest]) {
          if (!this.running) return;
          if (!this.bucket(channel).take()) return;
          const done = 'kind' in item ? await this.deliverNotice(item) : await this.deliver(item);
          if (done) delivered += 1;
        }
      }),
    );
    // Nothing sent: wait for a change, or poll (rate budgets refill, backoffs expire).
    return delivered > 0 ? 0 : rows.length > 0 || notices.size > 0 ? 200 : IDLE_POLL_MS;
  }

  /** Brings one group's message (and its thread) up to date; false when it must wait. */
  private async deliver(row: GroupRow): Promise<boolean> {
    const { client, groups, now } = this.deps;
    let message: MessageContent;
    try {
      message = alertMessage(row.state, row.groupId, this.deps.timezone, now(), this.deps.silencing);
    } catch (error) {
      // The same state renders the same way next time: only a change to the group can help.
      this.park(row, 'render_error', `its message cannot be rendered: ${describeError(error)}`);
      return false;
    }
    try {
      let ts = row.ts;
      // A post cut off by a crash may have reached Slack: find it by its metadata.
      if (!ts && row.postingSince)
        ts = await this.lookUp({
          channel: row.channel,
          eventType: METADATA_EVENT.group,
          match: (payload) => payload.group_id === row.groupId,
          since: new Date(row.postingSince),
        });
      if (!ts) {
        groups.markPosting(row.groupKey, now());
        const answer = await client.chat.postMessage({
          channel: row.channel,
          ...message,
          unfurl_links: false,
          metadata: { event_type: METADATA_EVENT.group, event_payload: { group_id: row.groupId } },
        });
        ts = String(answer.ts);
        groups.setTs(row.groupKey, ts);
        this.deps.metrics.alertMessages.inc({ kind: 'post' });
      } else {
        if (row.ts === undefined) groups.setTs(row.groupKey, ts);
        await client.chat.update({ channel: row.channel, ts, ...message });
        this.deps.metrics.alertMessages.inc({ kind: 'update' });
      }
      for (const reply of groups.pendingReplies(row.groupKey)) await this.postReply(row, ts, reply);
      groups.markDelivered(row.groupKey, row.version);
      return true;
    } catch (error) {
      this.failed(row, error);
      return false;
    }
  }

  /**
   * Posts one thread reply exactly once: marked before the call and posted with metadata, so a
   * restart that finds the mark looks for the reply in the thread before posting it again.
   */
  private async postReply(row: GroupRow, threadTs: string, reply: PendingReply): Promise<void> {
    const { client, groups, now } = this.deps;
    const found = reply.postingSince
      ? await this.lookUp({
          channel: row.channel,
          threadTs,
          eventType: METADATA_EVENT.reply,
          match: (payload) => payload.reply_id === reply.id,
          since: new Date(reply.postingSince),
        })
      : undefined;
    if (!found) {
      groups.markReplyPosting(reply.id, now());
      await client.chat.postMessage({
        channel: row.channel,
        thread_ts: threadTs,
        text: threadReplyText(reply.event),
        unfurl_links: false,
        metadata: {
          event_type: METADATA_EVENT.reply,
          event_payload: { group_id: row.groupId, reply_id: reply.id },
        },
      });
      this.deps.metrics.alertMessages.inc({ kind: 'reply' });
    }
    groups.markReplyPosted(reply.id, now());
  }

  /** Parks the group when Slack refuses it for good; otherwise schedules a retry. */
  private failed(row: GroupRow, error: unknown): void {
    const { groups, now } = this.deps;
    const code = slackErrorCode(error);
    const detail = describeSlackError(error);
    if (code !== undefined && PERMANENT_SLACK_ERRORS.has(code)) {
      this.park(row, code, detail);
      return;
    }
    const waitMs = this.retryWait(error, backoffMs(row.attempts));
    groups.markFailed(row.groupKey, detail, new Date(now().getTime() + waitMs));
    this.deps.logger.warn(
      { group: row.groupId, channel: row.channel, retryInMs: Math.round(waitMs) },
      `alert not delivered yet: ${detail}`,
    );
  }

  /** How long to wait after a failed Slack call (its Retry-After, else `otherwiseMs`), counted by reason. */
  private retryWait(error: unknown, otherwiseMs: number): number {
    const retryAfter = slackRetryAfterMs(error);
    this.deps.metrics.alertDeliveryFailures.inc({
      reason: retryAfter !== undefined ? 'rate_limited' : 'error',
    });
    return retryAfter ?? otherwiseMs;
  }

  private park(row: Omit<UnreadableRow, 'problem'>, reason: string, detail: string): void {
    // A group changed since it was read gets its own attempt at the new version.
    if (!this.deps.groups.park(row.groupKey, row.version, reason, detail, this.deps.now())) return;
    this.deps.metrics.alertsParkedTotal.inc({ reason });
    this.parkLog.warn(
      `parked:${reason}`,
      { group: row.groupId, channel: row.channel, reason },
      `alert group parked (retried when it changes or at restart): ${detail}`,
    );
  }

  /**
   * Looks for a post cut off by a crash. When the token may not read that conversation at all
   * (missing_scope: a DM channel needs im:history, which the bot does not request), the post
   * is sent again: a possible duplicate is better than an alert never shown.
   */
  private async lookUp(options: FindPostedOptions): Promise<string | undefined> {
    try {
      return await findPostedByMetadata(this.deps.client, options);
    } catch (error) {
      if (slackErrorCode(error) !== 'missing_scope') throw error;
      this.parkLog.warn(
        `lookup:${options.channel}`,
        { channel: options.channel },
        `cannot look for a post cut off by a crash (${describeSlackError(error)}): posting it again`,
      );
      return undefined;
    }
  }

  private async deliverNotice(task: NoticeTask): Promise<boolean> {
    const { client, notices, now } = this.deps;
    const { channel, sourceKey, count, stored } = task;
    const key = noticeKey(channel, sourceKey);
    try {
      let ts = stored?.ts;
      if (!ts && stored?.postingSince)
        ts = await this.lookUp({
          channel,
          eventType: METADATA_EVENT.notice,
          match: (payload) => payload.source === sourceKey,
          since: new Date(stored.postingSince),
        });
      const message =
        count === 0
          ? heldClearedMessage(sourceKey)
          : heldNoticeMessage(sourceKey, count, this.deps.maxOpenPerSource);
      if (ts) await client.chat.update({ channel, ts, ...message });
      if (count === 0) notices.remove(channel, sourceKey);
      else if (ts) notices.shown(channel, sourceKey, ts, count, now());
      else {
        notices.markPosting(channel, sourceKey, now());
        const answer = await client.chat.postMessage({
          channel,
          ...message,
          unfurl_links: false,
          unfurl_media: false,
          metadata: { event_type: METADATA_EVENT.notice, event_payload: { source: sourceKey } },
        });
        notices.shown(channel, sourceKey, String(answer.ts), count, now());
      }
      this.noticeRetries.delete(key);
      this.deps.metrics.alertMessages.inc({ kind: 'notice' });
      return true;
    } catch (error) {
      const attempts = (this.noticeRetries.get(key)?.attempts ?? 0) + 1;
      const permanent = PERMANENT_SLACK_ERRORS.has(slackErrorCode(error) ?? '');
      // A notice Slack refuses for good is dropped once nothing is held back, and otherwise
      // tried again rarely (the groups themselves are parked or delivered on their own).
      if (permanent && count === 0) notices.remove(channel, sourceKey);
      const waitMs = this.retryWait(error, permanent ? NOTICE_GIVE_UP_MS : backoffMs(attempts));
      this.noticeRetries.set(key, { at: now().getTime() + waitMs, attempts });
      this.deps.logger.warn(
        { channel, retryInMs: Math.round(waitMs) },
        `held-back alerts notice not delivered yet: ${describeSlackError(error)}`,
      );
      return false;
    }
  }
}
