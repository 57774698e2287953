// Scheduled digests. Each digest's cron runs in the config's time zone (node-cron `timezone`,
// DST-safe) with node-cron's own coordination hook (`distributed` + a RunCoordinator backed
// by the store), so processes sharing the database post each slot exactly once. A slot missed
// while the bot was down is posted once, marked late, if it is within the digest's grace.
// A slot claimed and then cut off by a crash (its claim never finished) is settled at start and
// by a periodic check once its claim is older than the time a post can take: the post is looked
// for in the channel (digests carry their slot in message metadata) and adopted, else posted
// late within grace, else logged as missed. None of this background work can reject, and one
// unreadable row is skipped with its reason.

import type { webApi } from '@slack/bolt';
import { createTask, type ScheduledTask } from 'node-cron';
import type { Config, DigestConfig } from '../config/index.js';
import { describeError } from '../kit/errors.js';
import type { Logger } from '../kit/logger.js';
import type { BotMetrics } from '../kit/metrics.js';
import { describeSlackError, findPostedByMetadata } from '../kit/slack.js';
import { defaultRefresh } from '../probes/index.js';
import type { ProbeResults } from '../probes/results-store.js';
import type { ProbeRunner } from '../probes/runner.js';
import { takeSnapshot } from '../probes/snapshot.js';
import { runWithin } from '../status/service.js';
import type { Store } from '../store/store.js';
import {
  type DigestInput,
  digestFigures,
  digestMessage,
  digestTitle,
  type PostOutcome,
  type TrackingIssue,
} from './blocks.js';
import { DigestRuns, slotKey, storeRunCoordinator, taskName, type UnfinishedRun } from './runs.js';
import { refreshIntervalMs, slotsBetween } from './slots.js';

/** How far back a restart looks for slots it missed (older ones are only counted). */
const MISSED_LOOKBACK_MS = 7 * 86_400_000;

/** `metadata.event_type` of digest messages; the payload is `{digest, slot, late}`. */
export const DIGEST_EVENT_TYPE = 'audit_digest';

/**
 * A claim is left to whoever made it for the digest's refresh_wait plus this (Slack's retries):
 * another process sharing the database may still be posting it.
 */
const POST_MARGIN_MS = 2 * 60_000;

/** How often unfinished claims are looked for after the start. */
const RECOVER_EVERY_MS = 60_000;

export interface DigestSchedulerDeps {
  readonly config: Config;
  readonly store: Store;
  readonly runner: ProbeRunner;
  readonly results: ProbeResults;
  readonly client: webApi.WebClient;
  readonly logger: Logger;
  readonly metrics: BotMetrics;
  readonly now: () => Date;
  /** The open issue tracking a check (issues/), shown on its line. */
  readonly issueFor?: (probeId: string) => TrackingIssue | undefined;
}

export class DigestScheduler {
  readonly runs: DigestRuns;
  private readonly tasks: ScheduledTask[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Run keys this process is posting right now: never taken for cut off. */
  private readonly postingHere = new Set<string>();
  /** Unreadable rows already reported (once per process each). */
  private readonly reported = new Set<string>();
  private recoverTimer: NodeJS.Timeout | undefined;
  private recovering: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: DigestSchedulerDeps) {
    this.runs = new DigestRuns(deps.store, ({ key, digestId, reason }) => {
      if (this.reported.has(key)) return;
      this.reported.add(key);
      this.deps.metrics.digestRunsSkipped.inc({ digest: digestId });
      this.deps.logger.warn(
        { digest: digestId, run: key, reason },
        `digest run skipped: it does not read (${reason})`,
      );
    });
  }

  get digests(): readonly DigestConfig[] {
    return this.deps.config.digests;
  }

  digest(id: string | undefined): DigestConfig | undefined {
    return id ? this.digests.find((d) => d.id === id) : this.digests[0];
  }

  channelOf(digest: DigestConfig): string {
    // The config schema requires one of the two.
    return digest.channel ?? this.deps.config.slack.channels.digest ?? '';
  }

  /** Schedules every digest, then posts slots missed while the bot was down (within grace). */
  async start(): Promise<void> {
    for (const digest of this.digests) {
      const task = createTask(digest.cron, (context) => this.track(this.post(digest, context.date, false)), {
        name: taskName(digest.id),
        timezone: this.deps.config.timezone,
        distributed: true,
        runCoordinator: storeRunCoordinator(this.runs, digest.id, this.deps.now),
        noOverlap: false,
      });
      await task.start();
      this.tasks.push(task);
    }
    // In the background: a late digest may wait for probes, and the start should not.
    void this.recoverCutOff();
    for (const digest of this.digests) {
      void this.track(
        this.catchUp(digest).catch((error: unknown) => {
          this.deps.logger.error(
            { digest: digest.id },
            `catching up missed digests failed: ${describeError(error)}`,
          );
        }),
      );
    }
    this.recoverTimer = setInterval(() => void this.recoverCutOff(), RECOVER_EVERY_MS);
    this.recoverTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.recoverTimer);
    for (const task of this.tasks.splice(0)) await task.destroy();
    await Promise.allSettled([...this.inFlight]);
  }

  /** `/audit digest`: posts now, outside the schedule. */
  async postNow(digest: DigestConfig, requestedBy: string): Promise<PostOutcome> {
    const now = this.deps.now();
    const key = `manual:${digest.id}:${now.toISOString()}:${requestedBy}`;
    this.runs.claim(key, digest.id, now, false, now);
    return this.track(this.post(digest, now, false, key));
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    // The caller handles (or logs) the work's own failure; this bookkeeping must not turn it into
    // an unhandled rejection, which would end the process.
    work.finally(() => this.inFlight.delete(work)).catch(() => {});
    return work;
  }

  /**
   * Settles claims a crash cut off (see the file's first lines). One pass at a time; never
   * rejects; one run failing to settle does not stop the others.
   */
  recoverCutOff(): Promise<void> {
    if (this.stopped) return this.recovering ?? Promise.resolve();
    const pass = async () => {
      let unfinished: UnfinishedRun[];
      try {
        unfinished = this.runs.unfinished();
      } catch (error) {
        this.deps.logger.error(`reading unfinished digest claims failed: ${describeError(error)}`);
        return;
      }
      for (const run of unfinished) {
        if (this.stopped) return;
        try {
          await this.settle(run);
        } catch (error) {
          this.deps.logger.error(
            { digest: run.digestId, slot: run.slot },
            `settling a digest slot cut off by a crash failed: ${describeSlackError(error)}`,
          );
        }
      }
    };
    this.recovering ??= this.track(pass()).finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  private async settle(run: UnfinishedRun): Promise<void> {
    const digest = this.digests.find((d) => d.id === run.digestId);
    // A digest no longer configured has nowhere to be posted; its claims stay as they are.
    if (!digest || this.postingHere.has(run.key)) return;
    const now = this.deps.now();
    if (now.getTime() - Date.parse(run.claimedAt) <= digest.refresh_wait + POST_MARGIN_MS) return;
    if (!this.runs.takeOver(run, now)) return;
    const channel = this.channelOf(digest);
    const where = { digest: digest.id, slot: run.slot, channel };
    const ts = await findPostedByMetadata(this.deps.client, {
      channel,
      eventType: DIGEST_EVENT_TYPE,
      match: (payload) => payload.digest === digest.id && payload.slot === run.slot,
      since: new Date(run.claimedAt),
    }).catch((error: unknown) => {
      // Not knowing whether it was posted, it is not posted: the claim (just renewed) is looked
      // at again once it is older than the lease.
      this.deps.logger.warn(
        where,
        `could not look for a digest cut off by a crash (will try again): ${describeSlackError(error)}`,
      );
      return null;
    });
    if (ts === null) return;
    if (ts) {
      this.runs.finish(run.key, { state: 'posted', channel, ts }, this.deps.now());
      this.deps.metrics.digestSlotsInterrupted.inc({ digest: digest.id, outcome: 'adopted' });
      this.deps.logger.info({ ...where, ts }, 'digest cut off by a crash was found in the channel; adopted');
      return;
    }
    const slot = new Date(run.slot);
    // A digest someone asked for with /audit digest is not posted late unasked; it is missed.
    const manual = run.key.startsWith('manual:');
    if (!manual && now.getTime() - slot.getTime() <= digest.grace) {
      this.deps.metrics.digestSlotsInterrupted.inc({ digest: digest.id, outcome: 'posted_late' });
      this.deps.logger.info(where, 'digest cut off by a crash is posted late');
      await this.post(digest, slot, true, run.key);
      return;
    }
    this.runs.finish(
      run.key,
      {
        state: 'missed',
        channel,
        error: manual ? 'cut off by a crash' : 'cut off by a crash; past its grace',
      },
      this.deps.now(),
    );
    this.deps.metrics.digestSlotsInterrupted.inc({ digest: digest.id, outcome: 'missed' });
    this.deps.logger.warn(
      where,
      manual
        ? 'digest asked for with /audit digest missed: its post was cut off by a crash and it is not in the channel'
        : 'digest slot missed: its post was cut off by a crash, it is not in the channel and it is past its grace',
    );
  }

  /** The newest missed slot within grace is posted late; older misses are logged. */
  private async catchUp(digest: DigestConfig): Promise<void> {
    const now = this.deps.now();
    const lastKnown = this.runs.lastSlot(digest.id);
    // Without any history this is a first start: nothing was missed.
    if (!lastKnown) return;
    const from = new Date(Math.max(Date.parse(lastKnown) + 1000, now.getTime() - MISSED_LOOKBACK_MS));
    const missed = slotsBetween(digest.cron, this.deps.config.timezone, from, now).filter(
      (slot) => !this.runs.has(slotKey(digest.id, slot)),
    );
    if (missed.length === 0) return;
    const newest = missed[missed.length - 1] as Date;
    const withinGrace = now.getTime() - newest.getTime() <= digest.grace;
    const skipped = withinGrace ? missed.length - 1 : missed.length;
    if (skipped > 0) {
      this.deps.logger.warn(
        { digest: digest.id, missed: skipped, oldest: missed[0]?.toISOString() },
        'digest slots were missed while audit-bot was down; only the newest within grace is posted',
      );
    }
    if (!withinGrace) return;
    const key = slotKey(digest.id, newest);
    if (!this.runs.claim(key, digest.id, newest, true, now)) return;
    await this.post(digest, newest, true, key);
  }

  /** Posts a slot already claimed under `key` (a scheduled slot's own key when not given). */
  private async post(
    digest: DigestConfig,
    slot: Date,
    late: boolean,
    key = slotKey(digest.id, slot),
  ): Promise<PostOutcome> {
    const channel = this.channelOf(digest);
    this.postingHere.add(key);
    try {
      if (this.stopped) throw new Error('audit-bot is stopping');
      const { probes, report } = await this.compose(digest);
      const message = digestMessage({
        digestId: digest.id,
        title: digestTitle(digest.id, digest.title),
        slot,
        late,
        timezone: this.deps.config.timezone,
        now: this.deps.now(),
        probes,
        report,
      });
      const answer = await this.deps.client.chat.postMessage({
        channel,
        ...message,
        unfurl_links: false,
        metadata: {
          event_type: DIGEST_EVENT_TYPE,
          event_payload: { digest: digest.id, slot: slot.toISOString(), late: late },
        },
      });
      this.runs.finish(
        key,
        {
          state: 'posted',
          channel,
          ts: answer.ts,
          figures: digestFigures(probes),
          late,
        },
        this.deps.now(),
      );
      this.deps.metrics.digestsPosted.inc({ digest: digest.id });
      this.deps.logger.info({ digest: digest.id, slot: slot.toISOString(), late, channel }, 'digest posted');
      return { posted: true, channel, ts: answer.ts };
    } catch (error) {
      const reason = describeSlackError(error);
      this.runs.finish(key, { state: 'failed', channel, error: reason }, this.deps.now());
      this.deps.metrics.digestFailures.inc({ digest: digest.id });
      this.deps.logger.error(
        { digest: digest.id, slot: slot.toISOString(), channel },
        `digest not posted: ${reason}`,
      );
      return { posted: false, channel, error: reason };
    } finally {
      this.postingHere.delete(key);
    }
  }

  /** Refreshes listed probes older than their refresh interval (bounded wait), then snapshots. */
  private async compose(digest: DigestConfig): Promise<Pick<DigestInput, 'probes' | 'report'>> {
    const { runner, results } = this.deps;
    const now = this.deps.now();
    const stale = digest.probes.filter((id) => {
      const config = runner.config(id);
      const latest = results.latest(id);
      if (!config || config.kind === 'push') return false;
      if (!latest) return true;
      return (
        now.getTime() - Date.parse(latest.measuredAt) >
        refreshIntervalMs(config.refresh ?? defaultRefresh(config), this.deps.config.timezone)
      );
    });
    if (stale.length > 0) await runWithin(runner, stale, digest.refresh_wait);
    const previous = this.runs.lastPosted(digest.id)?.figures ?? {};
    const reportProbe = runner.ids.find((id) => runner.config(id)?.kind === 'report');
    const snapshot = takeSnapshot(runner, results, {
      now: this.deps.now(),
      timezone: this.deps.config.timezone,
      only: [...digest.probes, ...(reportProbe && !digest.probes.includes(reportProbe) ? [reportProbe] : [])],
    });
    const probes = snapshot.probes
      .filter((p) => digest.probes.includes(p.id))
      .map((probe) => ({ probe, previousFigure: previous[probe.id], issue: this.deps.issueFor?.(probe.id) }));
    return { probes, report: snapshot.report };
  }
}
