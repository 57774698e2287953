import type { App, ViewSubmitAction } from '@slack/bolt';
import type { AppDeps } from '../../app/deps.js';
import { VIEW } from '../../kit/ids.js';
import { dismissFormSubmitted, issueFormSubmitted } from '../issues.js';

export function registerViews(app: App, deps: AppDeps): string[] {
  app.view<ViewSubmitAction>(VIEW.issue, issueFormSubmitted(deps));
  app.view<ViewSubmitAction>(VIEW.dismissIssue, dismissFormSubmitted(deps));
  return [VIEW.issue, VIEW.dismissIssue];
}
