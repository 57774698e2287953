// POST /alerts/alertmanager, /alerts/grafana and /alerts: validated, stored and applied to their
// group in one transaction, then 202; the outbox worker takes it from there. Alertmanager's
// shape is recognised on every route (Grafana's webhook contact point posts it too, and people
// point either at /alerts), so a group is always keyed by its groupKey, never by a title.

import type { Express, Request, Response } from 'express';
import { fromAlertmanager, fromSimple, type IncomingGroup } from '../alerts/incoming.js';
import { channelFor } from '../alerts/routing.js';
import {
  alertmanagerWebhookSchema,
  type GroupState,
  isGrafana,
  looksLikeAlertmanager,
  simpleAlertSchema,
} from '../alerts/schemas.js';
import type { AppDeps } from '../app/deps.js';
import { WebhookGuard } from './webhook.js';

export function registerAlertRoutes(
  http: Express,
  deps: Pick<AppDeps, 'config' | 'alerts' | 'metrics' | 'logger' | 'now'>,
  token: string | undefined,
): void {
  const guard = new WebhookGuard({ token, logger: deps.logger, metrics: deps.metrics });
  const accept = (
    route: string,
    source: GroupState['source'],
    body: unknown,
    incoming: IncomingGroup,
    res: Response,
  ) => {
    const channel = channelFor(incoming.commonLabels, deps.config);
    if (!channel) {
      guard.refuse(route, res, 503, 'no_alert_channel', {
        message: 'set alerts.default_channel or slack.channels.alerts',
      });
      return;
    }
    deps.alerts.groups.accept(source, body, incoming, channel, deps.now());
    deps.metrics.alertsAccepted.inc({ source });
    res.status(202).json({ accepted: true, group: incoming.groupKey });
    deps.alerts.outbox.wake();
  };

  const relayed = (route: string, req: Request, res: Response) => {
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
    http.post(route, ...guard.accept(route), (req, res) => relayed(route, req, res));
  }

  http.post('/alerts', ...guard.accept('/alerts'), (req, res) => {
    if (looksLikeAlertmanager(req.body)) {
      relayed('/alerts', req, res);
      return;
    }
    const alert = guard.parse('/alerts', simpleAlertSchema, req, res);
    if (alert) accept('/alerts', 'json', req.body, fromSimple(alert, deps.now()), res);
  });
}
