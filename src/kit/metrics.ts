// Prometheus metrics served on GET /metrics. One registry per running bot (no globals), so
// tests can build several bots in one process and read each one's counters.

import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export class BotMetrics {
  readonly registry = new Registry();

  readonly commands = new Counter({
    name: 'audit_bot_commands_total',
    help: 'Slash commands handled, by subcommand',
    labelNames: ['subcommand'] as const,
    registers: [this.registry],
  });

  readonly actions = new Counter({
    name: 'audit_bot_actions_total',
    help: 'Interactive actions handled (buttons, shortcuts, view submissions), by id',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'audit_bot_errors_total',
    help: 'Errors that reached the error handler, by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly digestsPosted = new Counter({
    name: 'audit_bot_digests_posted_total',
    help: 'Digests posted to Slack, by digest id',
    labelNames: ['digest'] as const,
    registers: [this.registry],
  });

  readonly digestFailures = new Counter({
    name: 'audit_bot_digest_failures_total',
    help: 'Digests that could not be posted after retries, by digest id',
    labelNames: ['digest'] as const,
    registers: [this.registry],
  });

  readonly digestRunsSkipped = new Counter({
    name: 'audit_bot_digest_runs_skipped_total',
    help: 'Digest run rows skipped because they do not read (figures, slot, claim time), by digest id',
    labelNames: ['digest'] as const,
    registers: [this.registry],
  });

  readonly digestSlotsInterrupted = new Counter({
    name: 'audit_bot_digest_slots_interrupted_total',
    help: 'Digest slots whose post was cut off by a crash, by digest id and outcome: adopted, posted_late, missed',
    labelNames: ['digest', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly alertsAccepted = new Counter({
    name: 'audit_bot_alerts_accepted_total',
    help: 'Alert webhook bodies accepted and stored, by source',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly slackRequestsRefused = new Counter({
    name: 'audit_bot_slack_requests_refused_total',
    help: 'Requests to /slack/events refused before Bolt saw them, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly slackDuplicates = new Counter({
    name: 'audit_bot_slack_duplicates_total',
    help: 'Slack requests already handled (retries and replays) acknowledged without handling them again, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly slackUnhandled = new Counter({
    name: 'audit_bot_slack_unhandled_total',
    help: 'Slack requests no listener handles (old buttons, view_closed, other callback ids), acknowledged at once, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly webhookRefused = new Counter({
    name: 'audit_bot_webhook_refused_total',
    help: 'Webhook requests refused (401, 400, 413, 415, 503…), by route and reason',
    labelNames: ['route', 'reason'] as const,
    registers: [this.registry],
  });

  readonly alertMessages = new Counter({
    name: 'audit_bot_alert_messages_total',
    help: 'Alert messages sent to Slack: post, update, reply',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly alertDeliveryFailures = new Counter({
    name: 'audit_bot_alert_delivery_failures_total',
    help: 'Failed attempts to deliver an alert group (retried later), by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly alertsParkedTotal = new Counter({
    name: 'audit_bot_alerts_parked_total',
    help: 'Alert groups parked because retrying cannot deliver them (render_error, unreadable_state, or the Slack error), by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** Read from the store when scraped; set by whoever owns the alert groups (see observe*). */
  private parkedSource: (() => ReadonlyArray<{ reason: string; count: number }>) | undefined;
  private heldSource: (() => ReadonlyArray<{ channel: string; count: number }>) | undefined;

  readonly alertsParked: Gauge<'reason'>;
  readonly alertsHeld: Gauge<'channel'>;

  readonly backgroundErrors = new Counter({
    name: 'audit_bot_background_errors_total',
    help: 'Unexpected errors caught at the top of a background loop (which carries on), by loop',
    labelNames: ['loop'] as const,
    registers: [this.registry],
  });

  readonly issueProposalsSkipped = new Counter({
    name: 'audit_bot_issue_proposals_skipped_total',
    help: 'Issue proposal rows skipped because they do not read as proposals, by the loop or view that met them',
    labelNames: ['loop'] as const,
    registers: [this.registry],
  });

  readonly badRows = new Counter({
    name: 'audit_bot_bad_rows_total',
    help: 'Stored rows that could not be read and were skipped (each counted once per process), by table',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  readonly prunedRows = new Counter({
    name: 'audit_bot_pruned_rows_total',
    help: 'Stored rows removed by the retention job (retention: in audit-bot.yml), by table',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  readonly issueClaimsResumed = new Counter({
    name: 'audit_bot_issue_claims_resumed_total',
    help: 'Issue creations cut off by a crash (or past their lease) and resumed, by what resumed them: approve or sweep',
    labelNames: ['by'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    // Gauges built here (not as field initialisers) so their collect() can see the sources.
    const metrics = this;
    this.alertsParked = new Gauge({
      name: 'audit_bot_alerts_parked',
      help: 'Alert groups parked now (not retried until they change or the bot restarts), by reason',
      labelNames: ['reason'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { reason, count } of readSafely(metrics.parkedSource)) this.set({ reason }, count);
      },
    });
    this.alertsHeld = new Gauge({
      name: 'audit_bot_alerts_held',
      help: 'Alert groups held back by alerts.max_open_groups_per_source, by channel',
      labelNames: ['channel'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { channel, count } of readSafely(metrics.heldSource)) this.set({ channel }, count);
      },
    });

    if (options.processMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'audit_bot_' });
  }

  /** Where the parked and held-back gauges read their figures when /metrics is scraped. */
  observeAlerts(sources: {
    parked: () => ReadonlyArray<{ reason: string; count: number }>;
    held: () => ReadonlyArray<{ channel: string; count: number }>;
  }): void {
    this.parkedSource = sources.parked;
    this.heldSource = sources.held;
  }
}

/** A scrape must answer even when the store cannot (closed while stopping, locked). */
function readSafely<T>(source: (() => ReadonlyArray<T>) | undefined): ReadonlyArray<T> {
  try {
    return source?.() ?? [];
  } catch {
    return [];
  }
}
