// POST /probes/:id/results: a script reports a test run. Stored durably before the 202, then
// the probe is measured at once so /audit status shows it without waiting for a schedule.

import type { Express } from 'express';
import type { AppDeps } from '../deps.js';
import { asyncRoute, jsonBody, parseBody, requireBearer } from '../http/webhook.js';
import { pushResultSchema } from './push.js';

export function registerPushRoute(
  http: Express,
  deps: Pick<AppDeps, 'runner' | 'pushResults' | 'logger' | 'now'>,
  token: string | undefined,
): void {
  http.post(
    '/probes/:id/results',
    requireBearer(token),
    jsonBody(),
    asyncRoute((req, res) => {
      const id = String(req.params.id);
      const config = deps.runner.config(id);
      if (!config) {
        res.status(404).json({ error: 'unknown_probe', message: `no probe has id "${id}"` });
        return;
      }
      if (config.kind !== 'push') {
        res
          .status(409)
          .json({ error: 'not_a_push_probe', message: `probe "${id}" is of kind ${config.kind}, not push` });
        return;
      }
      const result = parseBody(pushResultSchema, req, res);
      if (!result) return;
      const storedId = deps.pushResults.add(id, result, deps.now());
      res.status(202).json({ accepted: true, id: storedId });
      void deps.runner.run(id);
    }),
  );
}
