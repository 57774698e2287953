// The Bolt App: built first on the chosen receiver, so its Web API client serves every job as
// well as every handler; listeners are bound once the features exist (runtime.ts).

import { App, type Receiver } from '@slack/bolt';
import type { AppDeps } from './app/deps.js';
import { boltLogger, type Logger } from './kit/logger.js';
import { errorHandler } from './listeners/error-handler.js';
import { registerListeners } from './listeners/index.js';
import type { Registered } from './listeners/registered.js';

/**
 * Retries for Web API calls made while handling a request or running a job: network errors,
 * 5xx and 429 (honouring Retry-After) are retried five times over about half a minute;
 * Slack's own refusals (invalid_auth, channel_not_found…) are final and not retried.
 */
export const SLACK_RETRY_POLICY = {
  retries: 5,
  factor: 2,
  minTimeout: 500,
  maxTimeout: 15_000,
  randomize: true,
} as const;

export interface CreateAppOptions {
  readonly receiver: Receiver;
  readonly botToken: string;
  readonly slackApiUrl: string;
  readonly logger: Logger;
}

export function createApp({ receiver, botToken, slackApiUrl, logger }: CreateAppOptions): App {
  return new App({
    token: botToken,
    receiver,
    logger: boltLogger(logger),
    // init() runs auth.test, so a rejected token stops the start with a clear message.
    deferInitialization: true,
    // No listener keeps conversation state; Bolt's store would run on every request for nothing.
    convoStore: false,
    clientOptions: { slackApiUrl, retryConfig: SLACK_RETRY_POLICY },
  });
}

/** Binds every listener and the error handler; returns what was registered. */
export function wireApp(app: App, deps: AppDeps): Registered {
  const registered = registerListeners(app, deps);
  app.error(errorHandler(deps));
  return registered;
}
