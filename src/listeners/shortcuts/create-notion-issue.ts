// Message shortcut "Create Notion issue". Until the Notion issues feature is in place it
// tells the user, privately, that issues cannot be created yet.

import type { AllMiddlewareArgs, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { notConfiguredMessage } from '../../blocks/notice.js';

export async function createNotionIssueShortcut({
  shortcut,
  ack,
  respond,
}: AllMiddlewareArgs & SlackShortcutMiddlewareArgs): Promise<void> {
  await ack();
  if (shortcut.type !== 'message_action') return;
  await respond({
    response_type: 'ephemeral',
    ...notConfiguredMessage(
      'Creating Notion issues is not set up yet.',
      'The issue form arrives with the Notion issues feature.',
    ),
  });
}
