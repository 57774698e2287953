// Placeholder answer for subcommands whose feature is not set up in this installation yet.

import { notConfiguredMessage } from '../blocks/notice.js';
import type { SubcommandName } from '../ids.js';
import { type Subcommand, SUBCOMMAND_SPECS } from './registry.js';

export function notConfiguredSubcommand(name: SubcommandName, feature: string, hint: string): Subcommand {
  return {
    ...SUBCOMMAND_SPECS[name],
    async run({ respond }) {
      await respond({ response_type: 'ephemeral', ...notConfiguredMessage(feature, hint) });
    },
  };
}
