// Publishes the Home tab when a user opens it (when their copy is out of date).

import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from '../app/deps.js';
import { EVENT } from '../kit/ids.js';
import type { Registrations } from './registered.js';

export function appHomeOpened(deps: Pick<AppDeps, 'home'>) {
  return async ({
    event,
  }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>): Promise<void> => {
    if (event.tab !== 'home') return;
    await deps.home.opened(event.user);
  };
}

export function registerHomeListeners(app: App, deps: AppDeps): Registrations {
  app.event(EVENT.appHomeOpened, appHomeOpened(deps));
  return { events: [EVENT.appHomeOpened] };
}
