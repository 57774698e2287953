// Composition root: opens the store, builds the dependencies, picks the transport from the
// environment, starts everything and knows how to stop it in order. main.ts adds the process
// concerns (signals, exit codes); tests call startBot directly with their own env and config.

import type { Server } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { type App, ExpressReceiver, SocketModeReceiver, webApi } from '@slack/bolt';
import { silenceApis } from './alerts/alertmanager-client.js';
import { AlertGroups } from './alerts/groups.js';
import { HeldNotices } from './alerts/held-notices.js';
import { AlertOutbox } from './alerts/outbox.js';
import { AlertVisibility } from './alerts/visibility.js';
import { buildApp, SLACK_RETRY_POLICY } from './app.js';
import { type Config, type Env, secretValues } from './config/index.js';
import type { AppDeps } from './deps.js';
import { ShellConsole } from './dev/console.js';
import { startDemo } from './dev/demo/index.js';
import { LocalSlack } from './dev/local-slack.js';
import { ShellReceiver } from './dev/receiver.js';
import { DigestScheduler } from './digests/scheduler.js';
import { HomePublisher } from './home/publisher.js';
import { registerAlertRoutes } from './http/alert-routes.js';
import { registerPushRoute } from './http/probe-results.js';
import { addFallbackHandlers, closeServer, createHttpApp, listen, serverUrl } from './http/server.js';
import { SLACK_BODY_LIMIT, slackRequestGuard } from './http/slack-guard.js';
import { NotionIssues } from './issues/notion.js';
import { IssueService } from './issues/service.js';
import { BadRows } from './kit/bad-rows.js';
import { AuditBotError, describeError } from './kit/errors.js';
import { newProcessInstance } from './kit/instance.js';
import { Lifecycle } from './kit/lifecycle.js';
import { boltLogger, type Logger } from './kit/logger.js';
import { BotMetrics } from './kit/metrics.js';
import { createNotionClient } from './kit/notion.js';
import { Permissions } from './kit/permissions.js';
import { SecretMasker } from './kit/secrets.js';
import { slackErrorCode } from './kit/slack.js';
import type { Registered } from './listeners/index.js';
import { createProbes } from './probes/index.js';
import { PushResults } from './probes/push-results.js';
import { ProbeResults } from './probes/results-store.js';
import { ProbeRunner } from './probes/runner.js';
import { Retention } from './store/retention.js';
import { Store } from './store/store.js';

export interface ShellIo {
  readonly input: Readable;
  readonly output: Writable;
  readonly interactive: boolean;
}

export interface StartOptions {
  readonly env: Env;
  readonly config: Config;
  readonly logger: Logger;
  /** Shell mode's console streams; defaults to the process's stdin/stdout. */
  readonly shellIo?: ShellIo;
  /** Off in tests that start many bots in one process. */
  readonly processMetrics?: boolean;
  readonly now?: () => Date;
  /** Measure every probe at start and on its schedule (tests that drive the runner turn it off). */
  readonly startProbes?: boolean;
  /** Run digest schedules (tests of other features turn them off). */
  readonly startDigests?: boolean;
  /** Shorter waits for tests; each defaults to its production value. */
  readonly waits?: {
    readonly homePublishSpacingMs?: number;
    readonly homeChangeCheckMs?: number;
    readonly issueRetryDelayMs?: number;
  };
}

export interface RunningBot {
  readonly transport: Env['transport']['kind'];
  /** Base URL of the HTTP server (health, metrics, webhooks, and /slack/events in HTTP mode). */
  readonly httpUrl: string;
  readonly app: App;
  readonly deps: AppDeps;
  readonly registered: Registered;
  /** Shell mode: resolves when the console reaches end of input. */
  readonly finished: Promise<void> | undefined;
  stop(): Promise<void>;
}

/** Shorter webhook tokens are accepted (other tools may already use them) but warned about. */
const WEBHOOK_TOKEN_MIN_LENGTH = 16;

const SHELL_BOT_TOKEN = 'xoxb-local-shell';

/** How long shell mode waits for the first measurements before taking input. */
const SHELL_FIRST_ROUND_WAIT_MS = 15_000;

/** How long a stop waits for handlers in flight before closing the database anyway. */
export const DRAIN_TIMEOUT_MS = 10_000;

export async function startBot(options: StartOptions): Promise<RunningBot> {
  const { env, config, logger } = options;
  // Resources are closed in reverse order if a later step of the start fails.
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.warn(`cleanup after a failed start: ${describeError(error)}`);
      }
    }
  };

  try {
    const store = Store.open(env.dbPath, { logger });
    cleanups.push(() => store.close());
    const lifecycle = new Lifecycle();
    const now = options.now ?? (() => new Date());
    // Claims in the store name this process, so the next one can tell them cut off by a crash.
    const instance = newProcessInstance(now());
    const metrics = new BotMetrics({ processMetrics: options.processMetrics ?? true });
    // Unreadable stored rows are skipped by their readers, logged and counted once each.
    const badRows = new BadRows(logger, metrics.badRows);
    const results = new ProbeResults(store, badRows);
    const pushResults = new PushResults(store, badRows);
    const notion = env.notionToken
      ? createNotionClient({ token: env.notionToken, baseUrl: env.notionBaseUrl, logger })
      : undefined;
    const demo = config.demo ? await startDemo(config.demo, logger) : undefined;
    if (demo) cleanups.push(() => demo.stop());
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
    cleanups.push(() => runner.stop());
    const transport = env.transport;

    // Shell mode's "Slack" is a stand-in on loopback; the same Web API client code talks to it.
    let localSlack: LocalSlack | undefined;
    if (transport.kind === 'shell') {
      const slack = new LocalSlack();
      await slack.start();
      cleanups.push(() => slack.stop());
      localSlack = slack;
    }
    const botToken = transport.kind === 'shell' ? SHELL_BOT_TOKEN : transport.botToken;
    const slackApiUrl = localSlack ? localSlack.apiUrl : env.slackApiUrl;
    // Background jobs (digests) post with their own client; handlers use Bolt's.
    const jobClient = new webApi.WebClient(botToken, {
      slackApiUrl,
      retryConfig: SLACK_RETRY_POLICY,
      logger: boltLogger(logger),
    });
    const digests = new DigestScheduler({
      config,
      store,
      runner,
      results,
      client: jobClient,
      logger,
      metrics,
      now,
    });
    cleanups.push(() => digests.stop());
    const alertGroups = new AlertGroups(store);
    const outbox = new AlertOutbox({
      groups: alertGroups,
      notices: new HeldNotices(store),
      // No client-side retries: the outbox reschedules each group itself, so one failing
      // group never holds up the others, and 429s surface with their Retry-After.
      client: new webApi.WebClient(botToken, {
        slackApiUrl,
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
    cleanups.push(() => outbox.stop());
    const issues = new IssueService({
      config,
      store,
      client: jobClient,
      notion: notion && config.notion.issues ? new NotionIssues(notion, config.notion.issues) : undefined,
      logger,
      metrics,
      now,
      instance,
      retryDelayMs: options.waits?.issueRetryDelayMs,
    });
    cleanups.push(() => issues.stop());
    // Each new reading of the audit report proposes its documented issues (once each).
    runner.onResult((result) => {
      if (result.measurement?.kind === 'report') {
        void issues.proposeFromReport(result.measurement).catch((error: unknown) => {
          logger.warn(`issue proposals from the report failed: ${describeError(error)}`);
        });
      }
    });
    const permissions = new Permissions(config, jobClient);
    const alerts = {
      groups: alertGroups,
      outbox,
      visibility: new AlertVisibility(config, permissions, jobClient, logger),
    };
    const features = {
      notion: env.notionToken !== undefined,
      alertmanager: env.alertmanagerUrl !== undefined,
      grafana: env.grafana !== undefined,
      webhooks: env.webhookToken !== undefined,
    };
    const home = new HomePublisher(
      {
        config,
        features,
        now,
        runner,
        results,
        alerts,
        issues,
        permissions,
        logger,
        metrics,
      },
      jobClient,
      options.waits?.homePublishSpacingMs,
      options.waits?.homeChangeCheckMs,
    );
    cleanups.push(() => home.stop());
    // Old rows are pruned on a timer (retention: in audit-bot.yml); never what is still needed.
    const retention = new Retention({
      store,
      policy: config.retention,
      logger,
      counter: metrics.prunedRows,
      notionProbeIds: config.probes.filter((p) => p.kind === 'notion').map((p) => p.id),
      now,
    });
    cleanups.push(() => retention.stop());
    // refreshSoon never rejects (main.ts exits on an unhandled rejection).
    runner.onResult(() => home.refreshSoon());
    const deps: AppDeps = {
      config,
      store,
      logger,
      metrics,
      lifecycle,
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
    };
    const http = createHttpApp(deps);

    let app: App;
    let registered: Registered;
    let finished: Promise<void> | undefined;
    let shell: ShellConsole | undefined;
    let stopTransport: () => Promise<void> = async () => {};

    if (transport.kind === 'http') {
      // Headers, size and signature are checked here before Bolt reads anything.
      http.post(
        '/slack/events',
        slackRequestGuard({ signingSecret: transport.signingSecret, logger, metrics }),
      );
      const receiver = new ExpressReceiver({
        signingSecret: transport.signingSecret,
        logger: boltLogger(logger),
        app: http,
        endpoints: '/slack/events',
        bodyLimit: SLACK_BODY_LIMIT,
      });
      ({ app, registered } = buildApp({ receiver, botToken, slackApiUrl, deps }));
      await initialise(app, env);
    } else if (transport.kind === 'socket') {
      const receiver = new SocketModeReceiver({
        appToken: transport.appToken,
        logger: boltLogger(logger),
        installerOptions: { clientOptions: { slackApiUrl: env.slackApiUrl } },
      });
      ({ app, registered } = buildApp({ receiver, botToken, slackApiUrl, deps }));
      await initialise(app, env);
    } else {
      const slack = localSlack as LocalSlack;
      const receiver = new ShellReceiver();
      ({ app, registered } = buildApp({ receiver, botToken, slackApiUrl, deps }));
      await initialise(app, env);
      const io = options.shellIo ?? {
        input: process.stdin,
        output: process.stdout,
        interactive: Boolean(process.stdin.isTTY),
      };
      shell = new ShellConsole({
        receiver,
        slack,
        ...io,
        user: env.shellUser ?? 'U0SHELL',
        approvers: config.slack.approvers,
        teamId: 'T0LOCAL',
      });
    }

    registerPushRoute(http, deps, env.webhookToken);
    registerAlertRoutes(
      http,
      { config, groups: alertGroups, outbox, metrics, logger, now },
      env.webhookToken,
    );
    addFallbackHandlers(http, deps);
    const server: Server = await listen(http, env.port, env.host);
    cleanups.push(() => closeServer(server, 1000));

    if (transport.kind === 'socket') {
      try {
        await app.start();
      } catch (error) {
        throw new AuditBotError(
          'slack_auth_failed',
          `Socket Mode could not connect: ${slackReason(error)} (check SLACK_APP_TOKEN)`,
          {
            cause: error,
          },
        );
      }
      stopTransport = async () => {
        await app.stop();
      };
    }

    if (env.webhookToken !== undefined && env.webhookToken.length < WEBHOOK_TOKEN_MIN_LENGTH) {
      logger.warn(
        `AUDIT_BOT_WEBHOOK_TOKEN is shorter than ${WEBHOOK_TOKEN_MIN_LENGTH} characters: easy to guess`,
      );
    }
    const firstRound = (options.startProbes ?? true) ? runner.start() : Promise.resolve();
    if (options.startDigests ?? true) await digests.start();
    outbox.start();
    home.start();
    retention.start();
    issues.start();
    if (shell) {
      // The console answers from stored figures: give the first measurements a moment, so
      // `printf '/audit status\n' | npm start` shows numbers rather than "never measured".
      await Promise.race([
        firstRound,
        new Promise((resolve) => setTimeout(resolve, SHELL_FIRST_ROUND_WAIT_MS).unref()),
      ]);
      finished = shell.run();
    }
    const httpUrl = serverUrl(server);
    logger.info(
      { transport: transport.kind, url: httpUrl, config: config.source, db: store.path },
      'audit-bot started',
    );

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        lifecycle.beginStopping();
        await stopTransport().catch((error: unknown) =>
          logger.warn(`stopping Slack connection: ${describeError(error)}`),
        );
        await closeServer(server, DRAIN_TIMEOUT_MS);
        const drained = await lifecycle.drain(DRAIN_TIMEOUT_MS);
        if (!drained) logger.warn({ pending: lifecycle.pending }, 'stopped with work still in flight');
        cleanups.pop(); // the server, closed above
        await cleanUp();
        logger.info('audit-bot stopped');
      })();
      return stopping;
    };
    return { transport: transport.kind, httpUrl, app, deps, registered, finished, stop };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Runs Bolt's init (auth.test), turning Slack's refusal into one clear error. */
async function initialise(app: App, env: Env): Promise<void> {
  try {
    await app.init();
  } catch (error) {
    const where = env.transport.kind === 'shell' ? 'the local shell' : env.slackApiUrl;
    throw new AuditBotError(
      'slack_auth_failed',
      `Slack rejected SLACK_BOT_TOKEN on auth.test at ${where}: ${slackReason(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** Slack's own word for a refusal (`invalid_auth`), else what went wrong on the way. */
function slackReason(error: unknown): string {
  if (error instanceof webApi.WebAPIRequestError) return error.original.message;
  return slackErrorCode(error) ?? describeError(error);
}
