// `/audit alerts`: the alert groups firing now, with links to their messages — those of the
// channels the person may read (alerts.visible_to, slack.permissions.view_all_alerts).

import { firingListMessage } from '../alerts/blocks.js';
import { canSee, visibilityNote } from '../alerts/visibility.js';
import type { AppDeps } from '../app/deps.js';
import { SUBCOMMAND_SPECS } from '../kit/subcommands.js';
import type { Subcommand } from './registry.js';

export function alertsSubcommand(deps: Pick<AppDeps, 'alerts' | 'now'>): Subcommand {
  return {
    ...SUBCOMMAND_SPECS.alerts,
    async run({ respond, userId }) {
      const all = deps.alerts.groups.firing();
      const access = await deps.alerts.visibility.forUser(
        userId,
        all.map((row) => row.channel),
      );
      const firing = all.filter((row) => canSee(access, row.channel));
      const note = visibilityNote(access);
      await respond({ response_type: 'ephemeral', ...firingListMessage(firing, note, deps.now()) });
    },
  };
}
