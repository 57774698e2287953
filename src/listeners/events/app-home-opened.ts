// Publishes the Home tab when a user opens it.

import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { homeView } from '../../blocks/home.js';
import { SUBCOMMAND_SPECS } from '../../commands/registry.js';
import { type AppDeps, configurationNotes } from '../../deps.js';
import { SUBCOMMANDS } from '../../ids.js';

export function appHomeOpened(deps: Pick<AppDeps, 'config' | 'features' | 'now'>) {
  return async ({
    event,
    client,
  }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>): Promise<void> => {
    if (event.tab !== 'home') return;
    await client.views.publish({
      user_id: event.user,
      view: homeView({
        subcommands: SUBCOMMANDS.map((name) => SUBCOMMAND_SPECS[name]),
        notes: configurationNotes(deps),
        now: deps.now(),
      }),
    });
  };
}
