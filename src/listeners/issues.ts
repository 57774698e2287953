// Everything the Notion issues feature answers in Slack: the form (from /audit issue, the
// message shortcut and Edit), its submission, and Approve / Retry / Dismiss on proposals.

import type {
  AllMiddlewareArgs,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
  webApi,
} from '@slack/bolt';
import { escapeMrkdwn, section } from '../blocks/common.js';
import { dismissForm, issueForm } from '../blocks/issue.js';
import { privateNote } from '../blocks/notice.js';
import type { AppDeps } from '../deps.js';
import { ISSUE_FIELD } from '../ids.js';
import { readIssueForm, readMetadata } from '../issues/form.js';
import type { ApproveOutcome } from '../issues/service.js';
import { slackErrorCode } from '../kit/slack.js';

type Deps = Pick<AppDeps, 'issues' | 'permissions' | 'logger'>;

/** Slack's answers to an ephemeral message in a channel the bot cannot use. */
const EPHEMERAL_REFUSALS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_in_channel',
]);
type ButtonArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/** What to tell the person who approved or submitted. */
export function describeOutcome(outcome: ApproveOutcome): string {
  switch (outcome.kind) {
    case 'created':
      return `:white_check_mark: Created in Notion: <${outcome.proposal.pageUrl}|${escapeMrkdwn(outcome.proposal.title)}>`;
    case 'existing':
      return `:link: An issue with this title is already in Notion, so none was added: <${outcome.proposal.pageUrl}|${escapeMrkdwn(outcome.proposal.title)}>`;
    case 'busy':
      return `:hourglass_flowing_sand: <@${outcome.proposal.claimedBy}> is already creating this issue.`;
    case 'done':
      return outcome.proposal.state === 'created'
        ? `This issue is already in Notion: <${outcome.proposal.pageUrl}|${escapeMrkdwn(outcome.proposal.title)}>`
        : 'This proposal was dismissed.';
    case 'failed':
      return `:x: Notion did not create the issue (${escapeMrkdwn(outcome.error)}). It stays proposed; press Retry when Notion is back.`;
    case 'no_notion':
      return ':memo: Notion is not connected (NOTION_TOKEN and notion.issues), so the issue is kept as a local draft in the issues channel. An approver can create it once Notion is configured.';
    case 'unknown':
      return ':grey_question: This proposal is no longer known to audit-bot.';
  }
}

export async function openIssueForm(
  client: webApi.WebClient,
  triggerId: string,
  prefill: { title?: string; description?: string; priority?: string; type?: string },
  metadata: Record<string, unknown>,
  submitLabel?: string,
): Promise<void> {
  await client.views.open({
    trigger_id: triggerId,
    view: issueForm({
      ...prefill,
      metadata: JSON.stringify(metadata),
      ...(submitLabel ? { submitLabel } : {}),
    }),
  });
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
    const form = readIssueForm(view.state.values);
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    await ack();
    const userId = body.user.id;
    const metadata = readMetadata(view.private_metadata);
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
    await ack();
    const { proposalId } = readMetadata(view.private_metadata);
    if (proposalId !== undefined) await deps.issues.dismiss(proposalId, body.user.id, reason);
  };
}

/**
 * Answers the person who pressed a button privately: through the message's response_url, or
 * by direct message when the button was on the Home tab (which has none).
 */
async function tell({ body, respond, client }: ButtonArgs, text: string): Promise<void> {
  if (body.response_url) await respond(privateNote(text));
  else await client.chat.postMessage({ channel: body.user.id, text, blocks: [section(text)] });
}

export function approveIssueAction(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    const { ack, action, body } = args;
    await ack();
    const userId = body.user.id;
    if (!(await deps.permissions.allows('approve_issues', userId))) {
      deps.logger.info(
        { user: userId, permission: 'approve_issues' },
        'approval refused: missing permission',
      );
      await tell(
        args,
        ':no_entry: Only approvers can create proposed issues (permission `approve_issues` in audit-bot.yml). Nothing was created.',
      );
      return;
    }
    const outcome = await deps.issues.approve(Number(action.value), userId);
    await tell(args, describeOutcome(outcome));
  };
}

export function editIssueAction(deps: Deps) {
  return async (args: ButtonArgs): Promise<void> => {
    const { ack, action, body, client } = args;
    await ack();
    const proposal = deps.issues.proposals.get(Number(action.value));
    if (!proposal || (proposal.state !== 'proposed' && proposal.state !== 'failed')) {
      await tell(args, 'This proposal can no longer be edited.');
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
    const proposal = deps.issues.proposals.get(Number(action.value));
    if (!proposal || (proposal.state !== 'proposed' && proposal.state !== 'failed')) {
      await tell(args, 'This proposal can no longer be dismissed.');
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: dismissForm(proposal.id) });
  };
}
