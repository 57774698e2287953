import type { App } from '@slack/bolt';
import type { AppDeps } from '../../deps.js';
import { ACTION } from '../../ids.js';
import { refreshStatusAction } from './refresh-status.js';

export function registerActions(app: App, deps: AppDeps): string[] {
  // Link buttons still send an interaction; Slack shows an error unless it is acknowledged.
  app.action(ACTION.openLink, async ({ ack }) => {
    await ack();
  });
  app.action(ACTION.refreshStatus, refreshStatusAction(deps));
  return [ACTION.openLink, ACTION.refreshStatus];
}
