// Publishes the Home tab when a user opens it (when their copy is out of date).

import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from '../../app/deps.js';

export function appHomeOpened(deps: Pick<AppDeps, 'home'>) {
  return async ({
    event,
  }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>): Promise<void> => {
    if (event.tab !== 'home') return;
    await deps.home.opened(event.user);
  };
}
