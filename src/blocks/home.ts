// The App Home tab. Later features add checks, alerts and proposals; until then it says what
// the bot does and how to start, so a first visit is never an empty page.

import type { types } from '@slack/bolt';
import type { SubcommandSpec } from '../commands/registry.js';
import { COMMAND } from '../ids.js';
import { type Block, context, divider, escapeMrkdwn, header, section } from './common.js';

export interface HomeInput {
  readonly subcommands: readonly SubcommandSpec[];
  readonly notes: readonly string[];
  readonly now: Date;
}

export function homeView(input: HomeInput): types.HomeView {
  const blocks: Block[] = [
    header('audit-bot'),
    section(
      'Checks of the music-library pipeline — fingerprint coverage, djay Pro ID sync, test runs, ' +
        'module checks — with morning digests, alerts and Notion issues.',
    ),
    divider(),
    section(
      input.subcommands
        .map((s) => `\`${COMMAND} ${s.name}${s.args ? ` ${s.args}` : ''}\` — ${escapeMrkdwn(s.summary)}`)
        .join('\n'),
    ),
  ];
  if (input.notes.length > 0) blocks.push(context(...input.notes.map(escapeMrkdwn)));
  blocks.push(context(`Updated ${input.now.toISOString().slice(0, 16).replace('T', ' ')} UTC`));
  return { type: 'home', blocks };
}
