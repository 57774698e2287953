// What each feature registered with Bolt, so the manifest test can compare it with manifest.yml.

import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';

export type Registered = Readonly<
  Record<'commands' | 'shortcuts' | 'actions' | 'events' | 'views', readonly string[]>
>;

/** One feature's share of Registered. */
export type Registrations = Partial<Registered>;

/** What a button's listener receives. */
export type ButtonArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;
