// POST /alerts/alertmanager and POST /alerts: validated, stored and applied to their group in
// one transaction, then 202; the outbox worker takes it from there.

import type { Express } from 'express';
import type { Config } from '../config.js';
import { asyncRoute, jsonBody, parseBody, requireBearer } from '../http/webhook.js';
import type { Logger } from '../logger.js';
import type { BotMetrics } from '../metrics.js';
import { type AlertGroups, fromAlertmanager, fromSimple, type IncomingGroup } from './groups.js';
import type { AlertOutbox } from './outbox.js';
import { channelFor } from './routing.js';
import { alertmanagerWebhookSchema, simpleAlertSchema } from './schemas.js';

export interface AlertRouteDeps {
  readonly config: Config;
  readonly groups: AlertGroups;
  readonly outbox: AlertOutbox;
  readonly metrics: BotMetrics;
  readonly logger: Logger;
  readonly now: () => Date;
}

export function registerAlertRoutes(http: Express, deps: AlertRouteDeps, token: string | undefined): void {
  const accept = (
    source: 'alertmanager' | 'json',
    body: unknown,
    incoming: IncomingGroup,
    res: import('express').Response,
  ) => {
    const channel = channelFor(incoming.commonLabels, deps.config);
    if (!channel) {
      res
        .status(503)
        .json({ error: 'no_alert_channel', message: 'set alerts.default_channel or slack.channels.alerts' });
      return;
    }
    deps.groups.accept(source, body, incoming, channel, deps.now());
    deps.metrics.alertsAccepted.inc({ source });
    res.status(202).json({ accepted: true, group: incoming.groupKey });
    deps.outbox.wake();
  };

  http.post(
    '/alerts/alertmanager',
    requireBearer(token),
    jsonBody(),
    asyncRoute((req, res) => {
      const payload = parseBody(alertmanagerWebhookSchema, req, res);
      if (payload) accept('alertmanager', req.body, fromAlertmanager(payload), res);
    }),
  );

  http.post(
    '/alerts',
    requireBearer(token),
    jsonBody(),
    asyncRoute((req, res) => {
      const alert = parseBody(simpleAlertSchema, req, res);
      if (alert) accept('json', req.body, fromSimple(alert, deps.now()), res);
    }),
  );
}
