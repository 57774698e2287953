// Binds Slack ids to handlers: the middleware every request passes, then each feature's own
// registration file. Returns what it registered so the manifest test can compare it with
// manifest.yml.

import type { App } from '@slack/bolt';
import type { AppDeps } from '../app/deps.js';
import { registerCommands } from '../commands/index.js';
import { ACTION } from '../kit/ids.js';
import { registerAlertListeners } from './alerts.js';
import { gate, SeenRequests } from './gate.js';
import { registerHomeListeners } from './home.js';
import { registerIssueListeners } from './issues.js';
import { countActions, trackInFlight } from './middleware.js';
import type { Registered, Registrations } from './registered.js';
import { registerStatusListeners } from './status.js';

export function registerListeners(app: App, deps: AppDeps): Registered {
  // Shutting down comes first: a request left unacknowledged then is retried by Slack, so it
  // must not be remembered as handled.
  app.use(trackInFlight(deps));
  const seen = new SeenRequests(deps.store, deps.now, (error) =>
    deps.logger.warn(`cannot record handled Slack requests: ${String(error)}`),
  );
  app.use(gate({ ...deps, seen }));
  app.use(countActions(deps));
  // Link buttons still send an interaction; Slack shows an error unless it is acknowledged.
  app.action(ACTION.openLink, async ({ ack }) => {
    await ack();
  });
  const parts: Registrations[] = [
    { commands: registerCommands(app, deps), actions: [ACTION.openLink] },
    registerStatusListeners(app, deps),
    registerAlertListeners(app, deps),
    registerIssueListeners(app, deps),
    registerHomeListeners(app, deps),
  ];
  const all = (key: keyof Registered) => parts.flatMap((part) => part[key] ?? []);
  return {
    commands: all('commands'),
    shortcuts: all('shortcuts'),
    actions: all('actions'),
    events: all('events'),
    views: all('views'),
  };
}
