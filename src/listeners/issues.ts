// Everything the Notion issues feature answers in Slack: the form (from /audit issue, the
// message shortcut and Edit), its submission, and Approve / Retry / Dismiss on proposals.
// Approve, Edit and Dismiss are checked (issues/decisions.ts) on the click and again when an
// Edit or Dismiss view is submitted (a submission can be forged, or outlive a permission).

import type {
  AllMiddlewareArgs,
  App,
  BlockButtonAction,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { AppDeps } from '../app/deps.js';
import {
  closeOutcomeNote,
  closeRefused,
  decisionRefused,
  describeOutcome,
  dismissForm,
  editedNote,
  formRefusal,
  noLongerOpen,
  proposedNote,
} from '../issues/blocks.js';
import { mayDecide, undecided } from '../issues/decisions.js';
import { openIssueForm, readIssueForm, readMetadata } from '../issues/form.js';
import { proposalForProbe } from '../issues/from-probe.js';
import { section } from '../kit/blocks.js';
import { ACTION, ISSUE_FIELD, perProbeActionPattern, SHORTCUT, VIEW } from '../kit/ids.js';
import { privateNote } from '../kit/notice.js';
import { permitted } from '../kit/permissions.js';
import { tellPrivately } from '../kit/slack.js';
import type { ButtonArgs, Registrations } from './registered.js';

type Deps = Pick<AppDeps, 'issues' | 'permissions' | 'logger' | 'home'>;
type SubmitArgs = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

export function createIssueShortcut(deps: Pick<AppDeps, 'issues'>) {
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
    await openIssueForm(client, shortcut.trigger_id, {
      prefill: { title: text.split('\n')[0]?.slice(0, 150) ?? '', description: text },
      metadata: { channel: shortcut.channel.id, ...(permalink ? { slackLink: permalink } : {}) },
      checks: deps.issues.checks,
    });
  };
}

export function issueFormSubmitted(deps: Deps) {
  return async ({ ack, view, body, client }: SubmitArgs): Promise<void> => {
    const userId = body.user.id;
    const metadata = readMetadata(view.private_metadata);
    // An edit is checked again on submission: the view may be forged, or older than a change of
    // permissions, and its private_metadata names the proposal.
    if (metadata.proposalId !== undefined) {
      const allowed = await mayDecide(deps, userId, 'edit', { withinDeadline: true });
      if (allowed !== true) {
        await ack(formRefusal(allowed, 'edit', ISSUE_FIELD.title));
        return;
      }
    }
    const form = readIssueForm(
      view.state.values,
      deps.issues.checks.map((c) => c.id),
    );
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    await ack();
    const text =
      metadata.proposalId !== undefined
        ? editedNote(await deps.issues.edit(metadata.proposalId, form.fields))
        : describeOutcome(
            await deps.issues.createFromForm(
              { ...form.fields, ...(metadata.slackLink ? { slackLink: metadata.slackLink } : {}) },
              userId,
            ),
          );
    // A modal has no response_url: tell the user privately where they started, else by DM.
    await tellPrivately(client, {
      channel: metadata.channel,
      user: userId,
      message: { text, blocks: [section(text)] },
    });
  };
}

export function dismissFormSubmitted(deps: Deps) {
  return async ({ ack, view, body }: SubmitArgs): Promise<void> => {
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
    const allowed = await mayDecide(deps, body.user.id, 'dismiss', { withinDeadline: true });
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

/**
 * The proposal an Edit or Dismiss button names, once the click is acknowledged, the person may
 * decide and the proposal is still open; otherwise they are told why not.
 */
async function openProposal(deps: Deps, args: ButtonArgs, decision: 'edit' | 'dismiss') {
  await args.ack();
  if (!(await mayDecide(deps, args.body.user.id, decision))) {
    await tell(deps, args, decisionRefused(decision));
    return undefined;
  }
  const proposal = undecided(deps.issues.proposals, Number(args.action.value));
  if (!proposal) await tell(deps, args, noLongerOpen(decision));
  return proposal;
}

export function editIssueAction(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    const proposal = await openProposal(deps, args, 'edit');
    if (!proposal) return;
    const { body, client } = args;
    const { title, description, priority, type, probeId } = proposal;
    await openIssueForm(client, body.trigger_id, {
      prefill: { title, description, priority, type, check: probeId },
      metadata: { proposalId: proposal.id, ...(body.channel?.id ? { channel: body.channel.id } : {}) },
      checks: deps.issues.checks,
      submitLabel: 'Save',
    });
  };
}

export function dismissIssueAction(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    const proposal = await openProposal(deps, args, 'dismiss');
    if (!proposal) return;
    await args.client.views.open({ trigger_id: args.body.trigger_id, view: dismissForm(proposal.id) });
  };
}

// "Propose issue" under a digest line below target: proposes an issue for that check (once
// a day per check) in the issues channel, where an approver can create it.
export function proposeIssueAction(deps: Pick<AppDeps, 'issues' | 'runner' | 'results' | 'config' | 'now'>) {
  return async ({ ack, action, body, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const draft = proposalForProbe(
      { runner: deps.runner, results: deps.results, timezone: deps.config.timezone, now: deps.now() },
      action.value ?? '',
      body.user.id,
    );
    if (!draft) {
      await respond(privateNote('That check has no figure to propose an issue for yet.'));
      return;
    }
    await respond(privateNote(proposedNote(await deps.issues.propose(draft))));
  };
}

/**
 * Close issue / Reopen issue in a proposal's thread: approvers (or close_issues) change the
 * page's status in Notion; anyone else is told privately and nothing changes.
 */
export function closeIssueAction(
  deps: Pick<AppDeps, 'issues' | 'permissions' | 'logger'>,
  to: 'close' | 'reopen',
) {
  return async ({ ack, action, body, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const userId = body.user.id;
    const what = to === 'close' ? 'Close issue' : 'Reopen issue';
    const refused = closeRefused(to);
    const refusal = { text: refused.replaceAll('`', ''), blocks: [section(refused)] };
    if (!(await permitted(deps, { permission: 'close_issues', userId, what, respond, refusal }))) return;
    const { closing } = deps.issues;
    const id = Number(action.value);
    const outcome = to === 'close' ? await closing.close(id, userId) : await closing.reopen(id, userId);
    await respond(privateNote(closeOutcomeNote(outcome)));
  };
}

/** "Share in channel" under a private `/audit issues` answer: the same list, visibly, attributed. */
export function shareIssuesAction(deps: Pick<AppDeps, 'issues'>) {
  return async ({ ack, body, respond }: ButtonArgs): Promise<void> => {
    await ack();
    await respond({
      response_type: 'in_channel',
      replace_original: false,
      ...deps.issues.openIssues(body.user.id),
    });
  };
}

export function registerIssueListeners(app: App, deps: AppDeps): Registrations {
  app.action<BlockButtonAction>(ACTION.shareIssues, shareIssuesAction(deps));
  app.action<BlockButtonAction>(ACTION.issueClose, closeIssueAction(deps, 'close'));
  app.action<BlockButtonAction>(ACTION.issueReopen, closeIssueAction(deps, 'reopen'));
  app.shortcut(SHORTCUT.createNotionIssue, createIssueShortcut(deps));
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
