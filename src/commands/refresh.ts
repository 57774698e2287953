// `/audit refresh [probe-id]`: acknowledged at once; the fresh figures follow through
// response_url when measured (or after a bounded wait, with slow checks marked as measuring).

import type { AppDeps } from '../app/deps.js';
import { SUBCOMMAND_SPECS } from '../kit/subcommands.js';
import { measuringMessage } from '../status/blocks.js';
import { refreshThenRender, renderStatus, seesSourceDetail } from '../status/service.js';
import type { Subcommand } from './registry.js';

export function refreshSubcommand(
  deps: Pick<AppDeps, 'runner' | 'results' | 'config' | 'now' | 'permissions'>,
): Subcommand {
  return {
    ...SUBCOMMAND_SPECS.refresh,
    async run({ args, respond, userId }) {
      const probeId = args.split(/\s+/)[0] || undefined;
      if (probeId && !deps.runner.probe(probeId)) {
        await respond({ response_type: 'ephemeral', ...renderStatus(deps, probeId) });
        return;
      }
      await respond({ response_type: 'ephemeral', ...measuringMessage(probeId, deps.runner.ids.length) });
      const showSourceDetail = probeId ? await seesSourceDetail(deps, userId) : false;
      await respond({
        response_type: 'ephemeral',
        ...(await refreshThenRender(deps, probeId, undefined, { showSourceDetail })),
      });
    },
  };
}
