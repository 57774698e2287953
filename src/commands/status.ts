// `/audit status [probe-id]`: answered from stored results, so it is fast however slow
// the sources are. The detail view shows a command probe's full command line to approvers only.

import type { AppDeps } from '../app/deps.js';
import { SUBCOMMAND_SPECS } from '../kit/subcommands.js';
import { StatusOverview } from '../status/overview.js';
import { renderStatus, seesSourceDetail } from '../status/service.js';
import type { Subcommand } from './registry.js';

export function statusSubcommand(
  deps: Pick<AppDeps, 'runner' | 'results' | 'config' | 'now' | 'permissions'>,
): Subcommand {
  const overview = new StatusOverview(deps);
  return {
    ...SUBCOMMAND_SPECS.status,
    // The overview is the same for everyone: answered in the ack. A check's detail depends on
    // who asks (approvers see a command's full line), so it follows through response_url.
    answerAtOnce: (args) => (args ? undefined : { response_type: 'ephemeral', ...overview.message() }),
    async run({ args, respond, userId }) {
      const probeId = args.split(/\s+/)[0] || undefined;
      const showSourceDetail = probeId ? await seesSourceDetail(deps, userId) : false;
      await respond({ response_type: 'ephemeral', ...renderStatus(deps, probeId, { showSourceDetail }) });
    },
  };
}
