// Placeholder answer for subcommands whose feature is not set up in this installation yet.

import { notConfiguredMessage } from '../blocks/notice.js';
import type { SubcommandName } from '../ids.js';
import { SUBCOMMAND_SPECS, type Subcommand } from './registry.js';

export function notConfiguredSubcommand(name: SubcommandName, sentence: string, hint: string): Subcommand {
  return {
    ...SUBCOMMAND_SPECS[name],
    async run({ respond }) {
      await respond({ response_type: 'ephemeral', ...notConfiguredMessage(sentence, hint) });
    },
  };
}
