// Buttons under a status answer: "Refresh" measures again and replaces the answer; "Share in
// channel" posts the same answer visibly, saying who shared it.

import type { App, BlockButtonAction } from '@slack/bolt';
import type { AppDeps } from '../app/deps.js';
import { ACTION } from '../kit/ids.js';
import { privateNote } from '../kit/notice.js';
import { permitted } from '../kit/permissions.js';
import { refreshThenRender, renderStatus, seesSourceDetail } from '../status/service.js';
import type { ButtonArgs, Registrations } from './registered.js';

type Deps = Pick<AppDeps, 'runner' | 'results' | 'config' | 'now' | 'permissions' | 'logger'>;

const probeOf = (value: string | undefined) => (value && value !== 'all' ? value : undefined);

export function refreshStatusAction(deps: Deps) {
  return async ({ ack, action, body, respond }: ButtonArgs): Promise<void> => {
    await ack();
    if (!(await permitted(deps, { permission: 'refresh', userId: body.user.id, what: 'Refresh', respond })))
      return;
    const probeId = probeOf(action.value);
    const showSourceDetail = probeId ? await seesSourceDetail(deps, body.user.id) : false;
    const answer = await refreshThenRender(deps, probeId, undefined, { showSourceDetail });
    await respond({ response_type: 'ephemeral', replace_original: true, ...answer });
  };
}

export function shareStatusAction(deps: Deps) {
  return async ({ ack, action, body, respond }: ButtonArgs): Promise<void> => {
    await ack();
    if (!body.response_url) {
      await respond(privateNote('Share in channel works on answers to /audit status in a channel.'));
      return;
    }
    const answer = renderStatus(deps, probeOf(action.value), { sharedBy: body.user.id });
    await respond({ response_type: 'in_channel', replace_original: false, ...answer });
  };
}

export function registerStatusListeners(app: App, deps: AppDeps): Registrations {
  app.action<BlockButtonAction>(ACTION.refreshStatus, refreshStatusAction(deps));
  app.action<BlockButtonAction>(ACTION.shareStatus, shareStatusAction(deps));
  return { actions: [ACTION.refreshStatus] };
}
