// Prometheus metrics served on GET /metrics. One registry per running bot (no globals), so
// tests can build several bots in one process and read each one's counters.

import { Counter, collectDefaultMetrics, Registry } from 'prom-client';

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

  readonly issueProposalsSkipped = new Counter({
    name: 'audit_bot_issue_proposals_skipped_total',
    help: 'Issue proposal rows skipped because they do not read as proposals, by the loop or view that met them',
    labelNames: ['loop'] as const,
    registers: [this.registry],
  });

  readonly issueClaimsResumed = new Counter({
    name: 'audit_bot_issue_claims_resumed_total',
    help: 'Issue creations cut off by a crash (or past their lease) and resumed, by what resumed them: approve or sweep',
    labelNames: ['by'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'audit_bot_' });
  }
}
