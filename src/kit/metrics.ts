// Prometheus metrics served on GET /metrics. One registry per running bot (no globals), so
// tests can build several bots in one process and read each one's counters.

import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export class BotMetrics {
  readonly registry = new Registry();

  /** A counter `audit_bot_<name>` in this bot's registry. */
  private counter<Label extends string>(name: string, help: string, ...labelNames: Label[]): Counter<Label> {
    return new Counter({ name: `audit_bot_${name}`, help, labelNames, registers: [this.registry] });
  }

  readonly commands = this.counter('commands_total', 'Slash commands handled, by subcommand', 'subcommand');

  readonly actions = this.counter(
    'actions_total',
    'Interactive actions handled (buttons, shortcuts, view submissions), by id',
    'action',
  );

  readonly errors = this.counter('errors_total', 'Errors that reached the error handler, by code', 'code');

  readonly digestsPosted = this.counter(
    'digests_posted_total',
    'Digests posted to Slack, by digest id',
    'digest',
  );

  readonly digestFailures = this.counter(
    'digest_failures_total',
    'Digests that could not be posted after retries, by digest id',
    'digest',
  );

  readonly digestRunsSkipped = this.counter(
    'digest_runs_skipped_total',
    'Digest run rows skipped because they do not read (figures, slot, claim time), by digest id',
    'digest',
  );

  readonly digestSlotsInterrupted = this.counter(
    'digest_slots_interrupted_total',
    'Digest slots whose post was cut off by a crash, by digest id and outcome: adopted, posted_late, missed',
    'digest',
    'outcome',
  );

  readonly alertsAccepted = this.counter(
    'alerts_accepted_total',
    'Alert webhook bodies accepted and stored, by source',
    'source',
  );

  readonly slackRequestsRefused = this.counter(
    'slack_requests_refused_total',
    'Requests to /slack/events refused before Bolt saw them, by reason',
    'reason',
  );

  readonly slackDuplicates = this.counter(
    'slack_duplicates_total',
    'Slack requests already handled (retries and replays) acknowledged without handling them again, by kind',
    'kind',
  );

  readonly slackUnhandled = this.counter(
    'slack_unhandled_total',
    'Slack requests no listener handles (old buttons, view_closed, other callback ids), acknowledged at once, by kind',
    'kind',
  );

  readonly webhookRefused = this.counter(
    'webhook_refused_total',
    'Webhook requests refused (401, 400, 413, 415, 503…), by route and reason',
    'route',
    'reason',
  );

  readonly alertMessages = this.counter(
    'alert_messages_total',
    'Alert messages sent to Slack: post, update, reply',
    'kind',
  );

  readonly alertDeliveryFailures = this.counter(
    'alert_delivery_failures_total',
    'Failed attempts to deliver an alert group (retried later), by reason',
    'reason',
  );

  readonly alertsParkedTotal = this.counter(
    'alerts_parked_total',
    'Alert groups parked because retrying cannot deliver them (render_error, unreadable_state, or the Slack error), by reason',
    'reason',
  );

  /** Read from the store when scraped; set by whoever owns the alert groups (see observe*). */
  private parkedSource: (() => ReadonlyArray<{ reason: string; count: number }>) | undefined;
  private heldSource: (() => ReadonlyArray<{ channel: string; count: number }>) | undefined;

  readonly backgroundErrors = this.counter(
    'background_errors_total',
    'Unexpected errors caught at the top of a background loop (which carries on), by loop',
    'loop',
  );

  readonly issueProposalsSkipped = this.counter(
    'issue_proposals_skipped_total',
    'Issue proposal rows skipped because they do not read as proposals, by the loop or view that met them',
    'loop',
  );

  readonly badRows = this.counter(
    'bad_rows_total',
    'Stored rows that could not be read and were skipped (each counted once per process), by table',
    'table',
  );

  readonly prunedRows = this.counter(
    'pruned_rows_total',
    'Stored rows removed by the retention job (retention: in audit-bot.yml), by table',
    'table',
  );

  readonly issueClaimsResumed = this.counter(
    'issue_claims_resumed_total',
    'Issue creations cut off by a crash (or past their lease) and resumed, by what resumed them: approve or sweep',
    'by',
  );

  constructor(options: { processMetrics?: boolean } = {}) {
    // Gauges built here (not as field initialisers) so their collect() can see the sources;
    // nothing but a scrape reads them, so they are kept by the registry alone.
    const metrics = this;
    new Gauge({
      name: 'audit_bot_alerts_parked',
      help: 'Alert groups parked now (not retried until they change or the bot restarts), by reason',
      labelNames: ['reason'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { reason, count } of readSafely(metrics.parkedSource)) this.set({ reason }, count);
      },
    });
    new Gauge({
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
