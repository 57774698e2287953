// `/audit help`: usage generated from the subcommand registry, so it lists exactly what exists.

import { context, divider, escapeMrkdwn, header, type MessageContent, section } from '../kit/blocks.js';
import { COMMAND } from '../kit/ids.js';
import type { SubcommandSpec } from '../kit/subcommands.js';

/** `notes` are shown under the list, e.g. which features still need configuration. */
export function helpMessage(
  subcommands: readonly SubcommandSpec[],
  notes: readonly string[],
): MessageContent {
  const lines = subcommands.map((s) => {
    const usage = [COMMAND, s.name, s.args].filter(Boolean).join(' ');
    return `\`${usage}\` — ${escapeMrkdwn(s.summary)}\n      e.g. \`${s.example}\``;
  });
  const blocks = [header('audit-bot — checks of the music-library pipeline'), section(lines.join('\n'))];
  if (notes.length > 0) blocks.push(divider(), context(...notes.map(escapeMrkdwn)));
  const text = `audit-bot commands: ${subcommands.map((s) => `${COMMAND} ${s.name}`).join(', ')}`;
  return { text, blocks };
}
