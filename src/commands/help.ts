// `/audit help` (and the bare `/audit`): only what the caller may do, each with an example.

import type { AppDeps } from '../app/deps.js';
import { configurationNotes } from '../home/notes.js';
import { SUBCOMMAND_SPECS, type SubcommandSpec } from '../kit/subcommands.js';
import { helpMessage } from './help-blocks.js';
import type { Subcommand } from './registry.js';

export function helpSubcommand(
  deps: Pick<AppDeps, 'config' | 'features' | 'permissions'>,
  listed: () => readonly SubcommandSpec[],
): Subcommand {
  return {
    ...SUBCOMMAND_SPECS.help,
    async run({ respond, userId }) {
      const allowed: SubcommandSpec[] = [];
      for (const spec of listed()) {
        if (!spec.permission || (await deps.permissions.allows(spec.permission, userId))) allowed.push(spec);
      }
      await respond({ response_type: 'ephemeral', ...helpMessage(allowed, configurationNotes(deps)) });
    },
  };
}
