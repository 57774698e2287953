// `/audit issue [title…]`: opens the issue form, prefilled with the title if one was given.

import { openIssueForm } from '../issues/form.js';
import { SUBCOMMAND_SPECS } from '../kit/subcommands.js';
import type { Subcommand } from './registry.js';

export function issueSubcommand(): Subcommand {
  return {
    ...SUBCOMMAND_SPECS.issue,
    async run({ args, client, triggerId, channelId }) {
      await openIssueForm(client, triggerId, args ? { title: args } : {}, { channel: channelId });
    },
  };
}
