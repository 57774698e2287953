// Composition root: opens the store, then builds in the natural order — transport → app →
// features → listeners — starts the jobs, and knows how to stop it all in reverse. main.ts adds
// the process concerns (signals, exit codes); tests call startBot with their own env and config.

import type { App } from '@slack/bolt';
import type { AppDeps } from './app/deps.js';
import { createApp, wireApp } from './app.js';
import type { Config, Env } from './config/index.js';
import { ShellConsole } from './dev/console.js';
import { startDemo, withDemoEagleAt } from './dev/demo/index.js';
import { registerAlertRoutes } from './http/alert-routes.js';
import { registerNotionWebhook } from './http/notion-webhook.js';
import { registerPushRoute } from './http/probe-results.js';
import { addFallbackHandlers, closeServer, createHttpApp, listen, serverUrl } from './http/server.js';
import { describeError } from './kit/errors.js';
import { Lifecycle } from './kit/lifecycle.js';
import type { Logger } from './kit/logger.js';
import { BotMetrics } from './kit/metrics.js';
import type { Registered } from './listeners/registered.js';
import { buildServices, type ServiceOptions } from './services.js';
import { Store } from './store/store.js';
import { initialise, openTransport, type ShellIo } from './transport.js';

export type { ShellIo } from './transport.js';

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
  readonly waits?: ServiceOptions['waits'];
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

/** How long shell mode waits for the first measurements before taking input. */
const SHELL_FIRST_ROUND_WAIT_MS = 15_000;

/** How long a stop waits for handlers in flight before closing the database anyway. */
const DRAIN_TIMEOUT_MS = 10_000;

export async function startBot(options: StartOptions): Promise<RunningBot> {
  const { env, logger } = options;
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
    const metrics = new BotMetrics({ processMetrics: options.processMetrics ?? true });
    const demo = options.config.demo ? await startDemo(options.config.demo, logger) : undefined;
    if (demo) cleanups.push(() => demo.stop());
    const config = demo?.eagleUrl ? withDemoEagleAt(options.config, demo.eagleUrl) : options.config;

    const http = createHttpApp({ metrics, lifecycle });
    const transport = await openTransport(env, http, { logger, metrics });
    const app = createApp({ ...transport, logger });
    cleanups.push(() => transport.close?.());
    const services = buildServices({
      ...transport,
      env,
      config,
      logger,
      store,
      metrics,
      lifecycle,
      now,
      app,
      waits: options.waits,
    });
    const { runner, digests, alerts, issues, home, retention } = services;
    cleanups.push(
      ...[runner, digests, alerts.outbox, issues, home, retention].map((job) => () => job.stop()),
    );
    const registered = wireApp(app, services);
    await initialise(app, env);

    registerPushRoute(http, services, env.webhookToken);
    registerAlertRoutes(http, services, env.webhookToken);
    registerNotionWebhook(http, services, env.notionWebhookToken);
    addFallbackHandlers(http, services);
    const server = await listen(http, env.port, env.host);
    cleanups.push(() => closeServer(server, 1000));
    await transport.connect?.(app);

    if (env.webhookToken !== undefined && env.webhookToken.length < WEBHOOK_TOKEN_MIN_LENGTH) {
      logger.warn(
        `AUDIT_BOT_WEBHOOK_TOKEN is shorter than ${WEBHOOK_TOKEN_MIN_LENGTH} characters: easy to guess`,
      );
    }
    const firstRound = (options.startProbes ?? true) ? runner.start() : Promise.resolve();
    if (options.startDigests ?? true) await digests.start();
    alerts.outbox.start();
    home.start();
    retention.start();
    issues.start();
    let finished: Promise<void> | undefined;
    if (transport.shell) {
      const io = options.shellIo ?? {
        input: process.stdin,
        output: process.stdout,
        interactive: Boolean(process.stdin.isTTY),
      };
      const shell = new ShellConsole({
        ...transport.shell,
        ...io,
        user: env.shellUser ?? 'U0SHELL',
        approvers: config.slack.approvers,
        teamId: 'T0LOCAL',
      });
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
        await transport.disconnect?.(app);
        await closeServer(server, DRAIN_TIMEOUT_MS);
        const drained = await lifecycle.drain(DRAIN_TIMEOUT_MS);
        if (!drained) logger.warn({ pending: lifecycle.pending }, 'stopped with work still in flight');
        cleanups.pop(); // the server, closed above
        await cleanUp();
        logger.info('audit-bot stopped');
      })();
      return stopping;
    };
    return { transport: transport.kind, httpUrl, app, deps: services, registered, finished, stop };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
