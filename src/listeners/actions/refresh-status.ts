// The "Refresh" button under a status answer: measure again, then replace the answer.

import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from '../../deps.js';
import { refreshThenRender } from '../../probes/status-service.js';

export function refreshStatusAction(deps: Pick<AppDeps, 'runner' | 'results' | 'config' | 'now'>) {
  return async ({
    ack,
    action,
    respond,
  }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>): Promise<void> => {
    await ack();
    const probeId = action.value && action.value !== 'all' ? action.value : undefined;
    const answer = await refreshThenRender(deps, probeId);
    await respond({ response_type: 'ephemeral', replace_original: true, ...answer });
  };
}
