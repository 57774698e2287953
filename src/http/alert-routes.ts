// POST /alerts/alertmanager, /alerts/grafana and /alerts: validated, stored and applied to their
// group in one transaction, then 202; the outbox worker takes it from there. Alertmanager's
// shape is recognised on every route (Grafana's webhook contact point posts it too, and people
// point either at /alerts), so a group is always keyed by its groupKey, never by a title.

import type { Express } from 'express';
import type { AlertGroups } from '../alerts/groups.js';
import { fromAlertmanager, fromSimple, type IncomingGroup } from '../alerts/incoming.js';
import type { AlertOutbox } from '../alerts/outbox.js';
import { channelFor } from '../alerts/routing.js';
import {
  alertmanagerWebhookSchema,
  type GroupState,
  isGrafana,
  looksLikeAlertmanager,
  simpleAlertSchema,
} from '../alerts/schemas.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../kit/logger.js';
import type { BotMetrics } from '../kit/metrics.js';
import { asyncRoute, WebhookGuard } from './webhook.js';

export interface AlertRouteDeps {
  readonly config: Config;
  readonly groups: AlertGroups;
  readonly outbox: AlertOutbox;
  readonly metrics: BotMetrics;
  readonly logger: Logger;
  readonly now: () => Date;
}

export function registerAlertRoutes(http: Express, deps: AlertRouteDeps, token: string | undefined): void {
  const guard = new WebhookGuard({ token, logger: deps.logger, metrics: deps.metrics });
  const accept = (
    route: string,
    source: GroupState['source'],
    body: unknown,
    incoming: IncomingGroup,
    res: import('express').Response,
  ) => {
    const channel = channelFor(incoming.commonLabels, deps.config);
    if (!channel) {
      guard.refuse(route, res, 503, 'no_alert_channel', {
        message: 'set alerts.default_channel or slack.channels.alerts',
      });
      return;
    }
    deps.groups.accept(source, body, incoming, channel, deps.now());
    deps.metrics.alertsAccepted.inc({ source });
    res.status(202).json({ accepted: true, group: incoming.groupKey });
    deps.outbox.wake();
  };

  const relayed = (route: string, req: import('express').Request, res: import('express').Response) => {
    const payload = guard.parse(route, alertmanagerWebhookSchema, req, res);
    if (!payload) return;
    accept(
      route,
      isGrafana(payload) ? 'grafana' : 'alertmanager',
      req.body,
      fromAlertmanager(payload, deps.now()),
      res,
    );
  };

  for (const route of ['/alerts/alertmanager', '/alerts/grafana']) {
    http.post(
      route,
      ...guard.accept(route),
      asyncRoute((req, res) => relayed(route, req, res)),
    );
  }

  http.post(
    '/alerts',
    ...guard.accept('/alerts'),
    asyncRoute((req, res) => {
      if (looksLikeAlertmanager(req.body)) {
        relayed('/alerts', req, res);
        return;
      }
      const alert = guard.parse('/alerts', simpleAlertSchema, req, res);
      if (alert) accept('/alerts', 'json', req.body, fromSimple(alert, deps.now()), res);
    }),
  );
}
