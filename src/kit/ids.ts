// Every Slack-facing identifier is defined once here and used by both the listener
// registration and the Block Kit builders, so the two can never drift apart.

export const COMMAND = '/audit' as const;

/** Subcommands of `/audit`, in the order `/audit help` lists them. */
export const SUBCOMMANDS = ['help', 'status', 'refresh', 'digest', 'issue', 'issues', 'alerts'] as const;
export type SubcommandName = (typeof SUBCOMMANDS)[number];

export const SHORTCUT = {
  createNotionIssue: 'create_notion_issue',
} as const;

export const ACTION = {
  /** Buttons that only open a URL still send an action; it is acknowledged and ignored. */
  openLink: 'open_link',
  /** "Refresh" under a status answer; its value is a probe id or `all`. */
  refreshStatus: 'status_refresh',
  /** "Share in channel" under a private status answer. */
  shareStatus: 'status_share',
  /** "Propose issue" under a digest line below target; its value is the probe id. */
  proposeIssue: 'propose_issue',
  /** Buttons on an alert group's message; their value is the group id. */
  alertAcknowledge: 'alert_acknowledge',
  alertSilence: 'alert_silence',
  /** Buttons on an issue proposal; their value is the proposal id. */
  issueApprove: 'issue_approve',
  issueEdit: 'issue_edit',
  issueDismiss: 'issue_dismiss',
  issueRetry: 'issue_retry',
  /** "Close issue" offered in a proposal's thread once its check meets its target; value: proposal id. */
  issueClose: 'issue_close',
  /** "Reopen issue" offered when a finished issue's check fails (again); value: proposal id. */
  issueReopen: 'issue_reopen',
  /** "Share in channel" under a private `/audit issues` answer. */
  shareIssues: 'issues_share',
} as const;

export const VIEW = {
  /** The issue form: /audit issue, the message shortcut, and Edit on a proposal. */
  issue: 'issue_form',
  dismissIssue: 'issue_dismiss_form',
} as const;

/** Block and action ids of the issue form's inputs (read back on submission). */
export const ISSUE_FIELD = {
  title: 'title',
  priority: 'priority',
  type: 'type',
  description: 'description',
  check: 'check',
  reason: 'reason',
} as const;

export const EVENT = {
  appHomeOpened: 'app_home_opened',
} as const;

/**
 * Slack rejects two buttons with one action_id in the same actions block, so per-probe buttons
 * carry the probe id in theirs and listeners match the prefix.
 */
export function perProbeActionId(action: string, probeId: string): string {
  return `${action}:${probeId}`;
}

export function perProbeActionPattern(action: string): RegExp {
  return new RegExp(`^${action}(:|$)`);
}
