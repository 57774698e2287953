// `/audit digest [digest-id]`: post a digest to its channel now and tell the caller where.

import type { AppDeps } from '../app/deps.js';
import { escapeMrkdwn, section } from '../kit/blocks.js';
import { notConfiguredMessage } from '../kit/notice.js';
import { SUBCOMMAND_SPECS, type Subcommand } from './registry.js';

export function digestSubcommand(deps: Pick<AppDeps, 'digests'>): Subcommand {
  return {
    ...SUBCOMMAND_SPECS.digest,
    async run({ args, respond, userId }) {
      const scheduler = deps.digests;
      if (scheduler.digests.length === 0) {
        await respond({
          response_type: 'ephemeral',
          ...notConfiguredMessage(
            'No digests are configured.',
            'Add `digests:` to audit-bot.yml (see the README).',
          ),
        });
        return;
      }
      const id = args.split(/\s+/)[0] || undefined;
      const digest = scheduler.digest(id);
      if (!digest) {
        const text = `There is no digest "${id}". Digests: ${scheduler.digests.map((d) => d.id).join(', ')}.`;
        await respond({
          response_type: 'ephemeral',
          text,
          blocks: [section(`:grey_question: ${escapeMrkdwn(text)}`)],
        });
        return;
      }
      const outcome = await scheduler.postNow(digest, userId);
      const text = outcome.posted
        ? `Posted the ${digest.id} digest to <#${outcome.channel}>.`
        : `The ${digest.id} digest could not be posted to <#${outcome.channel}>: ${escapeMrkdwn(outcome.error ?? 'unknown error')}. It has been logged.`;
      await respond({
        response_type: 'ephemeral',
        text,
        blocks: [section(`${outcome.posted ? ':white_check_mark:' : ':x:'} ${text}`)],
      });
    },
  };
}
