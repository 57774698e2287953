// "Propose issue" under a digest line below target. Proposals are created with the Notion
// issues feature; until it is set up the user is told so, privately.

import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { notConfiguredMessage } from '../../blocks/notice.js';

export async function proposeIssueAction({
  ack,
  respond,
}: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>): Promise<void> {
  await ack();
  await respond({
    response_type: 'ephemeral',
    replace_original: false,
    ...notConfiguredMessage(
      'Proposing issues is not set up yet.',
      'Proposals arrive with the Notion issues feature.',
    ),
  });
}
