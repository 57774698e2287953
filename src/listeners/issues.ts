// Everything the Notion issues feature answers in Slack: the form (from /audit issue, the
// message shortcut and Edit), its submission, and Approve / Retry / Dismiss on proposals.
// Approve, Edit and Dismiss all need `approve_issues`, checked on the click and again when an
// Edit or Dismiss view is submitted (a submission can be forged, or outlive a permission).

import type {
  AllMiddlewareArgs,
  App,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { AppDeps } from '../app/deps.js';
import {
  type Decision,
  decisionRefused,
  describeOutcome,
  dismissForm,
  formRefusal,
  proposedNote,
} from '../issues/blocks.js';
import { openIssueForm, readIssueForm, readMetadata } from '../issues/form.js';
import { probeProposal } from '../issues/from-probe.js';
import { section } from '../kit/blocks.js';
import { ACTION, ISSUE_FIELD, perProbeActionPattern, SHORTCUT, VIEW } from '../kit/ids.js';
import type { Logger } from '../kit/logger.js';
import { privateNote } from '../kit/notice.js';
import { slackErrorCode } from '../kit/slack.js';
import { LogThrottle } from '../kit/throttle.js';
import { takeSnapshot } from '../probes/snapshot.js';
import type { Registrations } from './registered.js';

type Deps = Pick<AppDeps, 'issues' | 'permissions' | 'logger' | 'home'>;

/** Slack's answers to an ephemeral message in a channel the bot cannot use. */
const EPHEMERAL_REFUSALS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_in_channel',
]);
type ButtonArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/**
 * A view submission must be answered within 3 s, and its refusal goes back in that answer; a
 * user-group lookup that takes longer than this counts as "not known yet", which changes nothing.
 */
const PERMISSION_DEADLINE_MS = 2000;

/**
 * Whether `userId` may approve, edit or dismiss proposals. Dismissing a report proposal ends it
 * for good and editing changes what an approver will create, so all three need `approve_issues`;
 * every refusal is logged. `undefined`: the answer did not come within the deadline.
 */
async function mayDecide(
  deps: Deps,
  userId: string,
  action: Decision,
  deadlineMs?: number,
): Promise<boolean | undefined> {
  const check = deps.permissions.allows('approve_issues', userId);
  let timer: NodeJS.Timeout | undefined;
  const allowed =
    deadlineMs === undefined
      ? await check
      : await Promise.race([
          check,
          new Promise<undefined>((resolve) => {
            timer = setTimeout(() => resolve(undefined), deadlineMs);
          }),
        ]).finally(() => clearTimeout(timer));
  if (allowed !== true)
    refusalLog(deps.logger).warn(
      `issue-refusal:${action}:${userId}`,
      {
        user: userId,
        permission: 'approve_issues',
        action,
        ...(allowed === undefined ? { timedOut: true } : {}),
      },
      `${action} of an issue proposal refused: ${allowed === undefined ? 'permission not known in time' : 'missing permission'}`,
    );
  return allowed;
}

/** Any member can press (or forge) at will: refusals are logged in full only a few per minute. */
const refusalLogs = new WeakMap<Logger, LogThrottle>();
function refusalLog(logger: Logger): LogThrottle {
  let throttle = refusalLogs.get(logger);
  if (!throttle) {
    throttle = new LogThrottle(logger);
    refusalLogs.set(logger, throttle);
  }
  return throttle;
}

export function createIssueShortcut() {
  return async ({
    shortcut,
    ack,
    client,
  }: AllMiddlewareArgs & SlackShortcutMiddlewareArgs): Promise<void> => {
    await ack();
    if (shortcut.type !== 'message_action') return;
    const text = shortcut.message.text ?? '';
    const permalink = await client.chat
      .getPermalink({ channel: shortcut.channel.id, message_ts: shortcut.message_ts })
      .then((r) => r.permalink)
      .catch(() => undefined);
    await openIssueForm(
      client,
      shortcut.trigger_id,
      { title: text.split('\n')[0]?.slice(0, 150) ?? '', description: text },
      { channel: shortcut.channel.id, ...(permalink ? { slackLink: permalink } : {}) },
    );
  };
}

export function issueFormSubmitted(deps: Deps) {
  return async ({
    ack,
    view,
    body,
    client,
  }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>): Promise<void> => {
    const userId = body.user.id;
    const metadata = readMetadata(view.private_metadata);
    // An edit is checked again on submission: the view may be forged, or older than a change of
    // permissions, and its private_metadata names the proposal.
    if (metadata.proposalId !== undefined) {
      const allowed = await mayDecide(deps, userId, 'edit', PERMISSION_DEADLINE_MS);
      if (allowed !== true) {
        await ack(formRefusal(allowed, 'edit', ISSUE_FIELD.title));
        return;
      }
    }
    const form = readIssueForm(view.state.values);
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    await ack();
    let text: string;
    if (metadata.proposalId !== undefined) {
      const edited = await deps.issues.edit(metadata.proposalId, form.fields);
      text = edited ? ':pencil2: The proposal was updated.' : 'This proposal can no longer be edited.';
    } else {
      const outcome = await deps.issues.createFromForm(
        { ...form.fields, ...(metadata.slackLink ? { slackLink: metadata.slackLink } : {}) },
        userId,
      );
      text = describeOutcome(outcome);
    }
    // A modal has no response_url: tell the user privately where they started, else by DM.
    // Slack refuses an ephemeral message in a channel the bot is not in (chat:write.public
    // does not cover it): then by DM as well.
    if (metadata.channel) {
      try {
        await client.chat.postEphemeral({
          channel: metadata.channel,
          user: userId,
          text,
          blocks: [section(text)],
        });
        return;
      } catch (error) {
        if (!EPHEMERAL_REFUSALS.has(slackErrorCode(error) ?? '')) throw error;
      }
    }
    await client.chat.postMessage({ channel: userId, text, blocks: [section(text)] });
  };
}

export function dismissFormSubmitted(deps: Deps) {
  return async ({
    ack,
    view,
    body,
  }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>): Promise<void> => {
    const reason = (view.state.values[ISSUE_FIELD.reason]?.[ISSUE_FIELD.reason]?.value ?? '').trim();
    if (!reason) {
      await ack({ response_action: 'errors', errors: { [ISSUE_FIELD.reason]: 'Say why, for the record.' } });
      return;
    }
    const { proposalId } = readMetadata(view.private_metadata);
    if (proposalId === undefined) {
      await ack();
      return;
    }
    const allowed = await mayDecide(deps, body.user.id, 'dismiss', PERMISSION_DEADLINE_MS);
    if (allowed !== true) {
      await ack(formRefusal(allowed, 'dismiss', ISSUE_FIELD.reason));
      return;
    }
    await ack();
    await deps.issues.dismiss(proposalId, body.user.id, reason);
  };
}

/**
 * Answers the person who pressed a button privately: through the message's response_url; or,
 * for a button on the Home tab (which has none), on top of their Home tab — where they are
 * looking — and by direct message in the app's Messages tab (read-only in the manifest).
 */
async function tell(deps: Deps, { body, respond, client }: ButtonArgs, text: string): Promise<void> {
  if (body.response_url) {
    await respond(privateNote(text));
    return;
  }
  deps.home.notify(body.user.id, text);
  await client.chat.postMessage({ channel: body.user.id, text, blocks: [section(text)] });
}

export function approveIssueAction(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    const { ack, action, body } = args;
    await ack();
    const userId = body.user.id;
    if (!(await mayDecide(deps, userId, 'approve'))) {
      await tell(deps, args, decisionRefused('approve'));
      return;
    }
    const outcome = await deps.issues.approve(Number(action.value), userId);
    await tell(deps, args, describeOutcome(outcome));
  };
}

export function editIssueAction(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    const { ack, action, body, client } = args;
    await ack();
    if (!(await mayDecide(deps, body.user.id, 'edit'))) {
      await tell(deps, args, decisionRefused('edit'));
      return;
    }
    const proposal = deps.issues.proposals.get(Number(action.value));
    if (!proposal || (proposal.state !== 'proposed' && proposal.state !== 'failed')) {
      await tell(deps, args, 'This proposal can no longer be edited.');
      return;
    }
    await openIssueForm(
      client,
      body.trigger_id,
      {
        title: proposal.title,
        description: proposal.description,
        priority: proposal.priority,
        type: proposal.type,
      },
      { proposalId: proposal.id, ...(body.channel?.id ? { channel: body.channel.id } : {}) },
      'Save',
    );
  };
}

export function dismissIssueAction(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    const { ack, action, body, client } = args;
    await ack();
    if (!(await mayDecide(deps, body.user.id, 'dismiss'))) {
      await tell(deps, args, decisionRefused('dismiss'));
      return;
    }
    const proposal = deps.issues.proposals.get(Number(action.value));
    if (!proposal || (proposal.state !== 'proposed' && proposal.state !== 'failed')) {
      await tell(deps, args, 'This proposal can no longer be dismissed.');
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: dismissForm(proposal.id) });
  };
}

// "Propose issue" under a digest line below target: proposes an issue for that check (once
// a day per check) in the issues channel, where an approver can create it.
export function proposeIssueAction(deps: Pick<AppDeps, 'issues' | 'runner' | 'results' | 'config' | 'now'>) {
  return async ({
    ack,
    action,
    body,
    respond,
  }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>): Promise<void> => {
    await ack();
    const probeId = action.value ?? '';
    const now = deps.now();
    const probe = takeSnapshot(deps.runner, deps.results, {
      now,
      timezone: deps.config.timezone,
      only: [probeId],
    }).probes[0];
    if (!probe?.latest) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'That check has no figure to propose an issue for yet.',
      });
      return;
    }
    const proposal = await deps.issues.propose(probeProposal(probe, probe.latest, body.user.id, now));
    const text = proposedNote(proposal);
    await respond({ response_type: 'ephemeral', replace_original: false, text, blocks: [section(text)] });
  };
}

export function registerIssueListeners(app: App, deps: AppDeps): Registrations {
  app.shortcut(SHORTCUT.createNotionIssue, createIssueShortcut());
  app.action<BlockButtonAction>(perProbeActionPattern(ACTION.proposeIssue), proposeIssueAction(deps));
  app.action<BlockButtonAction>(ACTION.issueApprove, approveIssueAction(deps));
  app.action<BlockButtonAction>(ACTION.issueRetry, approveIssueAction(deps));
  app.action<BlockButtonAction>(ACTION.issueEdit, editIssueAction(deps));
  app.action<BlockButtonAction>(ACTION.issueDismiss, dismissIssueAction(deps));
  app.view<ViewSubmitAction>(VIEW.issue, issueFormSubmitted(deps));
  app.view<ViewSubmitAction>(VIEW.dismissIssue, dismissFormSubmitted(deps));
  return {
    shortcuts: [SHORTCUT.createNotionIssue],
    actions: [ACTION.proposeIssue],
    views: [VIEW.issue, VIEW.dismissIssue],
  };
}
