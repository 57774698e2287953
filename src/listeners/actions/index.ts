import type { App, BlockButtonAction } from '@slack/bolt';
import type { AppDeps } from '../../app/deps.js';
import { ACTION, perProbeActionPattern } from '../../kit/ids.js';
import { approveIssueAction, dismissIssueAction, editIssueAction } from '../issues.js';
import { acknowledgeAlertAction, silenceAlertAction } from './alert-buttons.js';
import { proposeIssueAction } from './propose-issue.js';
import { refreshStatusAction, shareStatusAction } from './refresh-status.js';

export function registerActions(app: App, deps: AppDeps): string[] {
  // Link buttons still send an interaction; Slack shows an error unless it is acknowledged.
  app.action(ACTION.openLink, async ({ ack }) => {
    await ack();
  });
  app.action<BlockButtonAction>(ACTION.refreshStatus, refreshStatusAction(deps));
  app.action<BlockButtonAction>(ACTION.shareStatus, shareStatusAction(deps));
  app.action<BlockButtonAction>(perProbeActionPattern(ACTION.proposeIssue), proposeIssueAction(deps));
  app.action<BlockButtonAction>(ACTION.issueApprove, approveIssueAction(deps));
  app.action<BlockButtonAction>(ACTION.issueRetry, approveIssueAction(deps));
  app.action<BlockButtonAction>(ACTION.issueEdit, editIssueAction(deps));
  app.action<BlockButtonAction>(ACTION.issueDismiss, dismissIssueAction(deps));
  app.action<BlockButtonAction>(ACTION.alertAcknowledge, acknowledgeAlertAction(deps));
  app.action<BlockButtonAction>(ACTION.alertSilence, silenceAlertAction(deps));
  return [
    ACTION.openLink,
    ACTION.refreshStatus,
    ACTION.proposeIssue,
    ACTION.alertAcknowledge,
    ACTION.alertSilence,
  ];
}
