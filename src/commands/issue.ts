// `/audit issue [title…]`: opens the issue form, prefilled with the title if one was given.

import type { AppDeps } from '../app/deps.js';
import { openIssueForm } from '../issues/form.js';
import { SUBCOMMAND_SPECS } from '../kit/subcommands.js';
import type { Subcommand } from './registry.js';

export function issueSubcommand(deps: Pick<AppDeps, 'issues'>): Subcommand {
  return {
    ...SUBCOMMAND_SPECS.issue,
    async run({ args, client, triggerId, channelId }) {
      await openIssueForm(client, triggerId, {
        prefill: args ? { title: args } : {},
        metadata: { channel: channelId },
        checks: deps.issues.checks,
      });
    },
  };
}
