// POST /probes/:id/results: a script reports a test run. Stored durably before the 202, then
// the probe is measured at once so /audit status shows it without waiting for a schedule.
// A `ran_at` more than a few minutes ahead of the bot's clock is refused with the reason: a
// time in the future would otherwise read as the newest result for as long as it lies ahead.

import type { Express } from 'express';
import type { AppDeps } from '../app/deps.js';
import { formatDuration } from '../kit/format.js';
import { pushResultSchema } from '../probes/push-results.js';
import { WebhookGuard } from './webhook.js';

/** Clock skew tolerated between the sender and the bot. */
export const RAN_AT_MAX_AHEAD_MS = 5 * 60_000;

export function registerPushRoute(
  http: Express,
  deps: Pick<AppDeps, 'runner' | 'pushResults' | 'logger' | 'metrics' | 'now'>,
  token: string | undefined,
): void {
  const route = '/probes/:id/results';
  const guard = new WebhookGuard({ token, logger: deps.logger, metrics: deps.metrics });
  http.post(route, ...guard.accept(route), (req, res) => {
    const id = String(req.params.id);
    const config = deps.runner.config(id);
    if (!config) {
      guard.refuse(route, res, 404, 'unknown_probe', { message: `no probe has id "${id}"` });
      return;
    }
    if (config.kind !== 'push') {
      guard.refuse(route, res, 409, 'not_a_push_probe', {
        message: `probe "${id}" is of kind ${config.kind}, not push`,
      });
      return;
    }
    const result = guard.parse(route, pushResultSchema, req, res);
    if (!result) return;
    const ahead = result.ran_at ? Date.parse(result.ran_at) - deps.now().getTime() : 0;
    if (ahead > RAN_AT_MAX_AHEAD_MS) {
      guard.refuse(route, res, 400, 'invalid_body', {
        issues: [
          {
            path: 'ran_at',
            code: 'custom',
            message: `${result.ran_at} is ${formatDuration(ahead)} ahead of the bot's clock; at most ${formatDuration(RAN_AT_MAX_AHEAD_MS)} ahead is accepted`,
          },
        ],
      });
      return;
    }
    const storedId = deps.pushResults.add(id, result, deps.now());
    res.status(202).json({ accepted: true, id: storedId });
    void deps.runner.run(id);
  });
}
