// `/audit refresh [probe-id]`: acknowledged at once; the fresh figures follow through
// response_url when measured (or after a bounded wait, with slow checks marked as measuring).

import type { AppDeps } from '../app/deps.js';
import { escapeMrkdwn, section } from '../kit/blocks.js';
import { refreshThenRender, renderStatus, seesSourceDetail } from '../status/service.js';
import { SUBCOMMAND_SPECS, type Subcommand } from './registry.js';

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
      const what = probeId ? `\`${escapeMrkdwn(probeId)}\`` : `all ${deps.runner.ids.length} checks`;
      const text = `Measuring ${probeId ?? `all ${deps.runner.ids.length} checks`} now; the figures follow here.`;
      await respond({
        response_type: 'ephemeral',
        text,
        blocks: [section(`:hourglass_flowing_sand: Measuring ${what} now; the figures follow here.`)],
      });
      const showSourceDetail = probeId ? await seesSourceDetail(deps, userId) : false;
      await respond({
        response_type: 'ephemeral',
        ...(await refreshThenRender(deps, probeId, undefined, { showSourceDetail })),
      });
    },
  };
}
