// Acknowledge and Silence 1h on an alert group's message. Silences go to Alertmanager, or for
// Grafana's alerts to Grafana's own silences API; a group whose API is not configured has no
// Silence button at all (see silenceUnavailable), so this answers only stale messages.

import type { App, BlockButtonAction } from '@slack/bolt';
import { createSilence } from '../alerts/alertmanager-client.js';
import { ALERT_NOTES, silenceMatchers } from '../alerts/blocks.js';
import type { AppDeps } from '../app/deps.js';
import { describeError } from '../kit/errors.js';
import { ACTION } from '../kit/ids.js';
import { privateNote } from '../kit/notice.js';
import { permitted } from '../kit/permissions.js';
import type { ButtonArgs, Registrations } from './registered.js';

const SILENCE_MS = 3_600_000;

export function acknowledgeAlertAction(deps: Pick<AppDeps, 'alerts' | 'now'>) {
  return async ({ ack, action, body, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const row = deps.alerts.groups.acknowledge(action.value ?? '', body.user.id, deps.now());
    if (!row) {
      await respond(privateNote(ALERT_NOTES.unknownGroup));
      return;
    }
    deps.alerts.outbox.wake();
  };
}

export function silenceAlertAction(
  deps: Pick<AppDeps, 'alerts' | 'now' | 'permissions' | 'silenceApis' | 'logger'>,
) {
  return async ({ ack, action, body, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const userId = body.user.id;
    const refusal = privateNote(ALERT_NOTES.silenceRefused);
    if (!(await permitted(deps, { permission: 'silence_alerts', userId, what: 'Silence', respond, refusal })))
      return;
    const row = deps.alerts.groups.byId(action.value ?? '');
    if (!row) {
      await respond(privateNote(ALERT_NOTES.unknownGroup));
      return;
    }
    const grafana = row.state.source === 'grafana';
    const api = grafana ? deps.silenceApis.grafana : deps.silenceApis.alertmanager;
    if (!api) {
      await respond(
        privateNote(grafana ? ALERT_NOTES.silenceNeedsGrafana : ALERT_NOTES.silenceNeedsAlertmanager),
      );
      return;
    }
    const startsAt = deps.now();
    const endsAt = new Date(startsAt.getTime() + SILENCE_MS);
    try {
      const id = await createSilence(api, {
        matchers: silenceMatchers(row.state),
        startsAt,
        endsAt,
        createdBy: `slack:${userId}`,
        comment: `Silenced from Slack by ${userId} via audit-bot: ${row.state.title}`,
      });
      deps.alerts.groups.recordSilence(
        row.groupId,
        { id, by: userId, until: endsAt.toISOString() },
        deps.now(),
      );
      deps.alerts.outbox.wake();
    } catch (error) {
      deps.logger.warn({ group: row.groupId }, `silence failed: ${describeError(error)}`);
      await respond(privateNote(ALERT_NOTES.silenceFailed(describeError(error))));
    }
  };
}

export function registerAlertListeners(app: App, deps: AppDeps): Registrations {
  app.action<BlockButtonAction>(ACTION.alertAcknowledge, acknowledgeAlertAction(deps));
  app.action<BlockButtonAction>(ACTION.alertSilence, silenceAlertAction(deps));
  return { actions: [ACTION.alertAcknowledge, ACTION.alertSilence] };
}
