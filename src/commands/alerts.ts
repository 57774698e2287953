// `/audit alerts`: the alert groups firing now, with links to their messages — those of the
// channels the person may read (alerts.visible_to, slack.permissions.view_all_alerts).

import { severityEmoji } from '../alerts/blocks.js';
import { canSee, visibilityNote } from '../alerts/visibility.js';
import type { AppDeps } from '../app/deps.js';
import { clamp, context, escapeMrkdwn, link, section } from '../kit/blocks.js';
import { formatAge } from '../kit/format.js';
import { packLines } from '../status/blocks.js';
import { SUBCOMMAND_SPECS, type Subcommand } from './registry.js';

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
      if (firing.length === 0) {
        await respond({
          response_type: 'ephemeral',
          text: 'No alert groups are firing.',
          blocks: [
            section(':large_green_circle: No alert groups are firing.'),
            ...(note ? [context(note)] : []),
          ],
        });
        return;
      }
      const now = deps.now();
      const lines = firing.map((row) => {
        const s = row.state;
        const emoji = severityEmoji(s.severity);
        const title = clamp(s.title, 150);
        // Slack resolves archive links to the message in any workspace the user is in.
        const shown = row.ts
          ? link(`https://slack.com/archives/${row.channel}/p${row.ts.replace('.', '')}`, title)
          : `${escapeMrkdwn(title)} (not posted yet)`;
        const count = s.alerts.filter((a) => a.status === 'firing').length + s.truncatedAlerts;
        const extra = [
          s.severity ? escapeMrkdwn(clamp(String(s.severity), 50)) : '',
          `${count} alert${count === 1 ? '' : 's'}`,
          `since ${formatAge(s.firingSince, now).replace(' ago', '')}`,
        ]
          .concat(s.acknowledged ? [`acknowledged by <@${s.acknowledged.by}>`] : [])
          .filter(Boolean)
          .join(' · ');
        return `${emoji} ${shown} — ${extra} in <#${row.channel}>`;
      });
      const text = `${firing.length} alert group${firing.length === 1 ? ' is' : 's are'} firing`;
      await respond({
        response_type: 'ephemeral',
        text,
        blocks: [section(`*${text}*`), ...packLines(lines).slice(0, 44), ...(note ? [context(note)] : [])],
      });
    },
  };
}
