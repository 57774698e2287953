// The Slack side of the process, chosen by which credentials are present (DESIGN.md,
// "Transports"): HTTP mode on the shared express server, Socket Mode, or shell mode with its
// stand-in Slack on loopback. Each gives a Bolt receiver and the Web API address to call;
// everything after that is the same in all three.

import type { Readable, Writable } from 'node:stream';
import { type App, ExpressReceiver, type Receiver, SocketModeReceiver, webApi } from '@slack/bolt';
import type { Express } from 'express';
import type { Env } from './config/index.js';
import { LocalSlack } from './dev/local-slack.js';
import { ShellReceiver } from './dev/receiver.js';
import { SLACK_BODY_LIMIT, slackRequestGuard } from './http/slack-guard.js';
import { AuditBotError, describeError } from './kit/errors.js';
import { boltLogger, type Logger } from './kit/logger.js';
import type { BotMetrics } from './kit/metrics.js';
import { slackErrorCode } from './kit/slack.js';

export interface ShellIo {
  readonly input: Readable;
  readonly output: Writable;
  readonly interactive: boolean;
}

export interface SlackTransport {
  readonly kind: Env['transport']['kind'];
  readonly receiver: Receiver;
  readonly botToken: string;
  readonly slackApiUrl: string;
  /** Shell mode: the stand-in Slack and the receiver the console feeds. */
  readonly shell?: { readonly slack: LocalSlack; readonly receiver: ShellReceiver };
  /** Connects in Socket Mode (after auth.test and the HTTP server); nothing to do otherwise. */
  connect?(app: App): Promise<void>;
  /** Stops taking requests (Socket Mode disconnects); the first step of a stop. */
  disconnect?(app: App): Promise<void>;
  /** Stops the stand-in Slack (shell mode); the last. */
  close?(): Promise<void>;
}

const SHELL_BOT_TOKEN = 'xoxb-local-shell';

export async function openTransport(
  env: Env,
  http: Express,
  { logger, metrics }: { logger: Logger; metrics: BotMetrics },
): Promise<SlackTransport> {
  const transport = env.transport;
  switch (transport.kind) {
    case 'http': {
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
        // slackRequestGuard has checked the signature and the time window, in constant time,
        // before anything was parsed: checking them again costs every ack a second HMAC.
        signatureVerification: false,
      });
      return {
        kind: 'http',
        receiver,
        botToken: transport.botToken,
        slackApiUrl: env.slackApiUrl,
      };
    }
    case 'socket': {
      const receiver = new SocketModeReceiver({
        appToken: transport.appToken,
        logger: boltLogger(logger),
        installerOptions: { clientOptions: { slackApiUrl: env.slackApiUrl } },
      });
      return {
        kind: 'socket',
        receiver,
        botToken: transport.botToken,
        slackApiUrl: env.slackApiUrl,
        async connect(app) {
          try {
            await app.start();
          } catch (error) {
            throw new AuditBotError(
              'slack_auth_failed',
              `Socket Mode could not connect: ${slackReason(error)} (check SLACK_APP_TOKEN)`,
              { cause: error },
            );
          }
        },
        async disconnect(app) {
          await app
            .stop()
            .catch((error: unknown) => logger.warn(`stopping Slack connection: ${describeError(error)}`));
        },
      };
    }
    case 'shell': {
      // Shell mode's "Slack" is a stand-in on loopback; the same Web API client code talks to it.
      const slack = new LocalSlack();
      await slack.start();
      const receiver = new ShellReceiver();
      return {
        kind: 'shell',
        receiver,
        botToken: SHELL_BOT_TOKEN,
        slackApiUrl: slack.apiUrl,
        shell: { slack, receiver },
        close: () => slack.stop(),
      };
    }
  }
}

/** Runs Bolt's init (auth.test), turning Slack's refusal into one clear error. */
export async function initialise(app: App, env: Env): Promise<void> {
  try {
    await app.init();
  } catch (error) {
    const where = env.transport.kind === 'shell' ? 'the local shell' : env.slackApiUrl;
    throw new AuditBotError(
      'slack_auth_failed',
      `Slack rejected SLACK_BOT_TOKEN on auth.test at ${where}: ${slackReason(error)}`,
      { cause: error },
    );
  }
}

/** Slack's own word for a refusal (`invalid_auth`), else what went wrong on the way. */
function slackReason(error: unknown): string {
  if (error instanceof webApi.WebAPIRequestError) return error.original.message;
  return slackErrorCode(error) ?? describeError(error);
}
