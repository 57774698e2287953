// The features, built from the store and the App's Web API client: probes and their runner,
// digests, the alert relay, Notion issues, the Home tab and retention. Nothing starts here;
// runtime.ts starts the jobs once the transport is up.

import { type App, webApi } from '@slack/bolt';
import { silenceApis } from './alerts/alertmanager-client.js';
import { AlertGroups } from './alerts/groups.js';
import { HeldNotices } from './alerts/held-notices.js';
import { AlertOutbox } from './alerts/outbox.js';
import { AlertVisibility } from './alerts/visibility.js';
import type { AppDeps } from './app/deps.js';
import { type Config, type Env, secretValues } from './config/index.js';
import { DigestScheduler } from './digests/scheduler.js';
import { HomePublisher } from './home/publisher.js';
import { NotionIssues } from './issues/notion.js';
import { IssueService } from './issues/service.js';
import { BadRows } from './kit/bad-rows.js';
import { describeError } from './kit/errors.js';
import { newProcessInstance } from './kit/instance.js';
import type { Lifecycle } from './kit/lifecycle.js';
import { boltLogger, type Logger } from './kit/logger.js';
import type { BotMetrics } from './kit/metrics.js';
import { createNotionClient } from './kit/notion.js';
import { Permissions } from './kit/permissions.js';
import { SecretMasker } from './kit/secrets.js';
import { createProbes } from './probes/index.js';
import { PushResults } from './probes/push-results.js';
import { ProbeResults } from './probes/results-store.js';
import { ProbeRunner } from './probes/runner.js';
import { Retention } from './store/retention.js';
import type { Store } from './store/store.js';

export interface ServiceOptions {
  readonly env: Env;
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly metrics: BotMetrics;
  readonly lifecycle: Lifecycle;
  readonly now: () => Date;
  /** Its client serves every handler and job; the outbox alone gets its own (no retries). */
  readonly app: App;
  readonly slackApiUrl: string;
  readonly botToken: string;
  /** Shorter waits for tests; each defaults to its production value. */
  readonly waits?: {
    readonly homePublishSpacingMs?: number;
    readonly homeChangeCheckMs?: number;
    readonly issueRetryDelayMs?: number;
    /** How long a view submission waits for a user-group lookup (production: 2 s). */
    readonly permissionDeadlineMs?: number;
    /** How often Notion is polled for edited issues (production: notion.issues.poll_every). */
    readonly notionPollMs?: number;
  };
}

export interface Services extends AppDeps {
  readonly retention: Retention;
}

export function buildServices(options: ServiceOptions): Services {
  const { env, config, logger, store, metrics, now, app } = options;
  const client = app.client;
  // Claims in the store name this process, so the next one can tell them cut off by a crash.
  const instance = newProcessInstance(now());
  // Unreadable stored rows are skipped by their readers, logged and counted once each.
  const badRows = new BadRows(logger, metrics.badRows);
  const results = new ProbeResults(store, badRows);
  const pushResults = new PushResults(store, badRows);
  const notion = env.notionToken
    ? createNotionClient({ token: env.notionToken, baseUrl: env.notionBaseUrl, logger })
    : undefined;
  // Known secret values, masked in probe output, stored results and what users are shown.
  const masker = new SecretMasker(secretValues(env));
  const runner = new ProbeRunner({
    probes: createProbes(config.probes, {
      store,
      pushResults,
      notion,
      now,
      reportsDir: config.reports?.dir,
      childEnv: env.childEnv,
      masker,
    }),
    configs: config.probes,
    results,
    logger,
    timezone: config.timezone,
    now,
    masker,
  });
  const digests = new DigestScheduler({
    config,
    store,
    runner,
    results,
    client,
    logger,
    metrics,
    now,
    // `issues` is built below; the digest asks only when it posts.
    issueFor: (probeId) => issues.issueFor(probeId),
  });
  const groups = new AlertGroups(store);
  const outbox = new AlertOutbox({
    groups,
    notices: new HeldNotices(store),
    // No client-side retries: the outbox reschedules each group itself, so one failing
    // group never holds up the others, and 429s surface with their Retry-After.
    client: new webApi.WebClient(options.botToken, {
      slackApiUrl: options.slackApiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: boltLogger(logger),
    }),
    logger,
    metrics,
    timezone: config.timezone,
    now,
    ratePerSecond: config.alerts.rate_per_channel,
    burst: config.alerts.burst,
    maxOpenPerSource: config.alerts.max_open_groups_per_source,
    silencing: { alertmanager: env.alertmanagerUrl !== undefined, grafana: env.grafana !== undefined },
  });
  const issues = new IssueService({
    config,
    store,
    client,
    notion: notion && config.notion.issues ? new NotionIssues(notion, config.notion.issues) : undefined,
    logger,
    metrics,
    now,
    instance,
    retryDelayMs: options.waits?.issueRetryDelayMs,
    measured: { runner, results },
    // Built below; called only once the bot runs.
    onChange: () => home.refreshSoon(),
    pollEveryMs: options.waits?.notionPollMs,
  });
  // Each measurement may offer to close (at target) or reopen (failing again) the issues of its check.
  runner.onResult((result) => void issues.closing.measured(result));
  // Each new reading of the audit report proposes its documented issues (once each).
  runner.onResult((result) => {
    if (result.measurement?.kind === 'report') {
      void issues.proposeFromReport(result.measurement).catch((error: unknown) => {
        logger.warn(`issue proposals from the report failed: ${describeError(error)}`);
      });
    }
  });
  const permissions = new Permissions(config, client, options.waits?.permissionDeadlineMs);
  const alerts = { groups, outbox, visibility: new AlertVisibility(config, permissions, client, logger) };
  const features = {
    notion: env.notionToken !== undefined,
    alertmanager: env.alertmanagerUrl !== undefined,
    grafana: env.grafana !== undefined,
    webhooks: env.webhookToken !== undefined,
  };
  const home = new HomePublisher(
    { config, store, features, now, runner, results, alerts, issues, permissions, logger, metrics },
    client,
    options.waits?.homePublishSpacingMs,
    options.waits?.homeChangeCheckMs,
  );
  // refreshSoon never rejects (main.ts exits on an unhandled rejection).
  runner.onResult(() => home.refreshSoon());
  // Old rows are pruned on a timer (retention: in audit-bot.yml); never what is still needed.
  const retention = new Retention({
    store,
    policy: config.retention,
    logger,
    counter: metrics.prunedRows,
    notionProbeIds: config.probes.filter((p) => p.kind === 'notion').map((p) => p.id),
    now,
  });
  return {
    config,
    store,
    logger,
    metrics,
    lifecycle: options.lifecycle,
    features,
    now,
    runner,
    results,
    pushResults,
    digests,
    alerts,
    permissions,
    silenceApis: silenceApis(env),
    issues,
    home,
    retention,
  };
}
