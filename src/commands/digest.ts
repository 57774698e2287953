// `/audit digest [digest-id]`: post a digest to its channel now and tell the caller where.

import type { AppDeps } from '../app/deps.js';
import { digestPostedMessage, unknownDigestMessage } from '../digests/blocks.js';
import { notConfiguredMessage } from '../kit/notice.js';
import { SUBCOMMAND_SPECS } from '../kit/subcommands.js';
import type { Subcommand } from './registry.js';

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
        await respond({
          response_type: 'ephemeral',
          ...unknownDigestMessage(
            id ?? '',
            scheduler.digests.map((d) => d.id),
          ),
        });
        return;
      }
      const outcome = await scheduler.postNow(digest, userId);
      await respond({ response_type: 'ephemeral', ...digestPostedMessage(digest.id, outcome) });
    },
  };
}
