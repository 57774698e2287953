// "Propose issue" under a digest line below target: proposes an issue for that check (once
// a day per check) in the issues channel, where an approver can create it.

import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from '../../app/deps.js';
import { section } from '../../kit/blocks.js';
import { takeSnapshot } from '../../probes/snapshot.js';
import { formatFigure, formatTarget } from '../../status/blocks.js';

export function proposeIssueAction(deps: Pick<AppDeps, 'issues' | 'runner' | 'results' | 'config' | 'now'>) {
  return async ({
    ack,
    action,
    body,
    respond,
  }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>): Promise<void> => {
    await ack();
    const probeId = action.value ?? '';
    const now = deps.now();
    const probe = takeSnapshot(deps.runner, deps.results, {
      now,
      timezone: deps.config.timezone,
      only: [probeId],
    }).probes[0];
    if (!probe?.latest) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'That check has no figure to propose an issue for yet.',
      });
      return;
    }
    const figure = formatFigure(probe.latest.measurement);
    const target = formatTarget(probe);
    const day = now.toISOString().slice(0, 10);
    const proposal = await deps.issues.propose({
      sourceKey: `probe:${probe.id}:${day}`,
      title: `[AUDIT] ${probe.title} at ${figure.split(' (')[0]}${target ? ` - ${target.replace('target ', 'below ')}` : ''}`,
      priority: 'Medium',
      type: 'Internal Issue',
      description: [
        `Proposed from the audit digest by <@${body.user.id}> on ${day}.`,
        '',
        `Current state: ${figure}${target ? ` (${target})` : ''}`,
        `Source: ${probe.source}`,
      ].join('\n'),
    });
    const where = proposal.channel ? ` in <#${proposal.channel}>` : '';
    const text = `:memo: Proposed “${proposal.title}”${where}; an approver can create it in Notion.`;
    await respond({ response_type: 'ephemeral', replace_original: false, text, blocks: [section(text)] });
  };
}
