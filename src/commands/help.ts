// `/audit help` (and the bare `/audit`).

import { helpMessage } from '../blocks/help.js';
import { type AppDeps, configurationNotes } from '../deps.js';
import { SUBCOMMAND_SPECS, type Subcommand, type SubcommandSpec } from './registry.js';

export function helpSubcommand(
  deps: Pick<AppDeps, 'config' | 'features'>,
  listed: () => readonly SubcommandSpec[],
): Subcommand {
  return {
    ...SUBCOMMAND_SPECS.help,
    async run({ respond }) {
      await respond({
        response_type: 'ephemeral',
        ...helpMessage(listed(), { notes: configurationNotes(deps) }),
      });
    },
  };
}
