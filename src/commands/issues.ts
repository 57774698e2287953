// `/audit issues`: the open Notion issues, each with the check it tracks, its status in Notion
// and its age; answered privately, with Share in channel.

import type { AppDeps } from '../app/deps.js';
import { SUBCOMMAND_SPECS } from '../kit/subcommands.js';
import type { Subcommand } from './registry.js';

export function issuesSubcommand(deps: Pick<AppDeps, 'issues'>): Subcommand {
  return {
    ...SUBCOMMAND_SPECS.issues,
    async run({ respond }) {
      await respond({ response_type: 'ephemeral', ...deps.issues.openIssues() });
    },
  };
}
