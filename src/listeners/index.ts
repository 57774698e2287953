// The single place where Slack ids are bound to handlers. Returns what it registered so the
// manifest test can compare it with manifest.yml.

import type { App } from '@slack/bolt';
import type { AppDeps } from '../app/deps.js';
import { registerCommands } from '../commands/index.js';
import { registerActions } from './actions/index.js';
import { registerEvents } from './events/index.js';
import { acknowledgeUnhandled, SeenRequests, skipDuplicates } from './gate.js';
import { countActions, trackInFlight } from './middleware.js';
import { registerShortcuts } from './shortcuts/index.js';
import { registerViews } from './views/index.js';

export interface Registered {
  readonly commands: readonly string[];
  readonly shortcuts: readonly string[];
  readonly actions: readonly string[];
  readonly events: readonly string[];
  readonly views: readonly string[];
}

export function registerListeners(app: App, deps: AppDeps): Registered {
  // Shutting down comes first: a request left unacknowledged then is retried by Slack, so it
  // must not be remembered as handled.
  app.use(trackInFlight(deps));
  app.use(acknowledgeUnhandled(deps));
  app.use(skipDuplicates({ ...deps, seen: new SeenRequests(deps.store, deps.now) }));
  app.use(countActions(deps));
  return {
    commands: registerCommands(app, deps),
    shortcuts: registerShortcuts(app),
    actions: registerActions(app, deps),
    events: registerEvents(app, deps),
    views: registerViews(app, deps),
  };
}
