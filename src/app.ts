// Builds the Bolt App from explicit dependencies and registers every listener. Nothing else
// lives here: transports choose the receiver, runtime.ts starts and stops things.

import { App, type Receiver } from '@slack/bolt';
import type { AppDeps } from './app/deps.js';
import { boltLogger } from './kit/logger.js';
import { errorHandler } from './listeners/error-handler.js';
import { type Registered, registerListeners } from './listeners/index.js';

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

export interface BuildAppOptions {
  readonly receiver: Receiver;
  readonly botToken: string;
  readonly slackApiUrl: string;
  readonly deps: AppDeps;
}

export function buildApp({ receiver, botToken, slackApiUrl, deps }: BuildAppOptions): {
  app: App;
  registered: Registered;
} {
  const app = new App({
    token: botToken,
    receiver,
    logger: boltLogger(deps.logger),
    // init() runs auth.test, so a rejected token stops the start with a clear message.
    deferInitialization: true,
    clientOptions: { slackApiUrl, retryConfig: SLACK_RETRY_POLICY },
  });
  const registered = registerListeners(app, deps);
  app.error(errorHandler(deps));
  return { app, registered };
}
