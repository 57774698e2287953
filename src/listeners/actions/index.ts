import type { App } from '@slack/bolt';
import { ACTION } from '../../ids.js';

export function registerActions(app: App): string[] {
  // Link buttons still send an interaction; Slack shows an error unless it is acknowledged.
  app.action(ACTION.openLink, async ({ ack }) => {
    await ack();
  });
  return [ACTION.openLink];
}
