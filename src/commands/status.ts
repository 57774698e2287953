// `/audit status [probe-id]`: answered from stored results, so it is fast however slow
// the sources are.

import type { AppDeps } from '../deps.js';
import { renderStatus } from '../probes/status-service.js';
import { SUBCOMMAND_SPECS, type Subcommand } from './registry.js';

export function statusSubcommand(deps: Pick<AppDeps, 'runner' | 'results' | 'config' | 'now'>): Subcommand {
  return {
    ...SUBCOMMAND_SPECS.status,
    async run({ args, respond }) {
      const probeId = args.split(/\s+/)[0] || undefined;
      await respond({ response_type: 'ephemeral', ...renderStatus(deps, probeId) });
    },
  };
}
