// Global middleware: in-flight tracking for graceful shutdown and per-action counters.

import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { AppDeps } from '../app/deps.js';

export function trackInFlight(deps: Pick<AppDeps, 'lifecycle' | 'logger'>): Middleware<AnyMiddlewareArgs> {
  return async ({ next, body }) => {
    if (deps.lifecycle.stopping) {
      // Shutting down: leave it unacknowledged so Slack retries against the next instance.
      deps.logger.info(
        { type: (body as { type?: string }).type },
        'ignoring Slack request received while stopping',
      );
      return;
    }
    await deps.lifecycle.track(next);
  };
}

export function countActions(deps: Pick<AppDeps, 'metrics'>): Middleware<AnyMiddlewareArgs> {
  return async ({ next, body }) => {
    const name = actionName(body);
    if (name) deps.metrics.actions.inc({ action: name });
    await next();
  };
}

/** `action_id` of a button, `callback_id` of a shortcut or view; undefined for commands/events. */
export function actionName(body: AnyMiddlewareArgs['body']): string | undefined {
  const b = body as {
    type?: string;
    actions?: Array<{ action_id?: string }>;
    callback_id?: string;
    view?: { callback_id?: string };
  };
  switch (b.type) {
    case 'block_actions':
      return b.actions?.[0]?.action_id;
    case 'shortcut':
    case 'message_action':
      return b.callback_id;
    case 'view_submission':
      return b.view?.callback_id;
    default:
      return undefined;
  }
}
