// Issue proposals and the issue form: pure Block Kit builders. The form's input labels are
// part of the public contract: Title, Priority, Type, Description.

import type { types } from '@slack/bolt';
import {
  actions,
  type Block,
  button,
  clamp,
  context,
  escapeMrkdwn,
  link,
  type MessageContent,
  section,
} from '../kit/blocks.js';
import { formatAge, formatTime } from '../kit/format.js';
import { ACTION, ISSUE_FIELD, VIEW } from '../kit/ids.js';
import { own } from '../kit/text.js';
import type { CloseOutcome } from './closing.js';
import { ISSUE_TYPES, PRIORITIES } from './notion.js';
import { type ApproveOutcome, isOpenIssue, type Proposal } from './proposals.js';

const PRIORITY_EMOJI: Record<string, string> = {
  High: ':red_circle:',
  Medium: ':large_yellow_circle:',
  Low: ':white_circle:',
};

/** What Notion last said of the page: status, assignee, last edit (UTC), or that it is gone. */
function notionLine(notion: NonNullable<Proposal['notion']>): string {
  if (notion.gone) return ':wastebasket: The page was deleted in Notion.';
  const parts = [
    `Notion: *${escapeMrkdwn(clamp(notion.status ?? 'no status', 100))}*`,
    notion.assignee ? `assigned to ${escapeMrkdwn(clamp(notion.assignee, 200))}` : 'nobody assigned',
    `last edited ${formatTime(notion.editedAt, 'UTC')} UTC`,
  ];
  return `:notebook: ${parts.join(' · ')}`;
}

/** `checkTitle`: the title of the check the issue tracks, when it is linked to one. */
export function proposalMessage(p: Proposal, checkTitle?: string): MessageContent {
  const title = escapeMrkdwn(clamp(p.title, 300));
  const blocks: Block[] = [
    section(`:memo: *Proposed Notion issue*\n*${title}*`),
    section(
      `${own(PRIORITY_EMOJI, p.priority) ?? ''} ${escapeMrkdwn(p.priority)} · ${escapeMrkdwn(p.type)}\n${escapeMrkdwn(clamp(p.description, 2500))}`,
    ),
  ];
  if (p.reportFile) blocks.push(context(`From audit report _${escapeMrkdwn(p.reportFile)}_`));
  if (p.probeId)
    blocks.push(
      context(`:bar_chart: Tracks the check _${escapeMrkdwn(clamp(checkTitle ?? p.probeId, 200))}_`),
    );
  const value = String(p.id);
  switch (p.state) {
    case 'proposed':
      blocks.push(
        actions(`proposal:${p.id}`, [
          button({ text: 'Approve', actionId: ACTION.issueApprove, value, style: 'primary' }),
          button({ text: 'Edit', actionId: ACTION.issueEdit, value }),
          button({ text: 'Dismiss', actionId: ACTION.issueDismiss, value }),
        ]),
      );
      break;
    case 'creating':
      blocks.push(context(`:hourglass_flowing_sand: Creating in Notion (approved by <@${p.claimedBy}>)…`));
      break;
    case 'created':
      blocks.push(
        section(
          p.existing
            ? `:link: Already in Notion: ${link(p.pageUrl, clamp(p.title, 300))} (found when <@${p.decidedBy}> approved)`
            : `:white_check_mark: Created in Notion by <@${p.decidedBy}>: ${link(p.pageUrl, clamp(p.title, 300))}`,
        ),
      );
      if (p.notion) blocks.push(context(notionLine(p.notion)));
      if (p.closedBy) blocks.push(context(`:white_check_mark: Closed from Slack by <@${p.closedBy}>`));
      break;
    case 'failed':
      blocks.push(
        section(`:x: Not created yet: ${escapeMrkdwn(clamp(p.error ?? 'Notion did not answer', 500))}`),
        actions(`proposal:${p.id}`, [
          button({ text: 'Retry', actionId: ACTION.issueRetry, value, style: 'primary' }),
          button({ text: 'Dismiss', actionId: ACTION.issueDismiss, value }),
        ]),
      );
      break;
    case 'dismissed':
      blocks.push(
        context(
          `:no_entry: Dismissed by <@${p.decidedBy}>${p.reason ? `: ${escapeMrkdwn(clamp(p.reason, 500))}` : ''}`,
        ),
      );
      break;
  }
  return { text: escapeMrkdwn(`Proposed Notion issue: ${clamp(p.title, 300)} (${p.state})`), blocks };
}

export interface IssueFormInput {
  readonly title?: string;
  readonly priority?: string;
  readonly type?: string;
  readonly description?: string;
  /** The check the issue tracks, preselected. */
  readonly check?: string | undefined;
  /** The checks offered in the optional Check select (none: no select). */
  readonly checks?: readonly { readonly id: string; readonly title: string }[];
  /** JSON kept with the view: where the form was opened and for what. */
  readonly metadata: string;
  readonly submitLabel?: string;
}

/** Slack's limits of a static select: 100 options, 75 characters of text each. */
const MAX_CHECK_OPTIONS = 100;

function checkSelect(input: IssueFormInput): types.InputBlock[] {
  const checks = (input.checks ?? []).slice(0, MAX_CHECK_OPTIONS);
  if (checks.length === 0) return [];
  const choice = (c: { id: string; title: string }): types.PlainTextOption => ({
    text: { type: 'plain_text', text: clamp(c.title, 75) },
    value: c.id,
  });
  const initial = checks.find((c) => c.id === input.check);
  return [
    {
      type: 'input',
      block_id: ISSUE_FIELD.check,
      optional: true,
      label: { type: 'plain_text', text: 'Check' },
      hint: {
        type: 'plain_text',
        text: 'The check this issue tracks: it can be closed when the check meets its target.',
      },
      element: {
        type: 'static_select',
        action_id: ISSUE_FIELD.check,
        placeholder: { type: 'plain_text', text: 'None' },
        options: checks.map(choice),
        ...(initial ? { initial_option: choice(initial) } : {}),
      },
    },
  ];
}

const option = (text: string): types.PlainTextOption => ({ text: { type: 'plain_text', text }, value: text });

export function issueForm(input: IssueFormInput): types.ModalView {
  const select = (
    id: string,
    label: string,
    options: readonly string[],
    initial: string | undefined,
  ): types.InputBlock => ({
    type: 'input',
    block_id: id,
    label: { type: 'plain_text', text: label },
    element: {
      type: 'static_select',
      action_id: id,
      options: options.map(option),
      ...(initial && options.includes(initial) ? { initial_option: option(initial) } : {}),
    },
  });
  return {
    type: 'modal',
    callback_id: VIEW.issue,
    private_metadata: input.metadata,
    title: { type: 'plain_text', text: 'Notion issue' },
    submit: { type: 'plain_text', text: input.submitLabel ?? 'Create' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: ISSUE_FIELD.title,
        label: { type: 'plain_text', text: 'Title' },
        element: {
          type: 'plain_text_input',
          action_id: ISSUE_FIELD.title,
          max_length: 2000,
          ...(input.title ? { initial_value: clamp(input.title, 2000) } : {}),
        },
      },
      select(ISSUE_FIELD.priority, 'Priority', PRIORITIES, input.priority ?? 'Medium'),
      select(ISSUE_FIELD.type, 'Type', ISSUE_TYPES, input.type ?? 'Internal Issue'),
      ...checkSelect(input),
      {
        type: 'input',
        block_id: ISSUE_FIELD.description,
        optional: true,
        label: { type: 'plain_text', text: 'Description' },
        element: {
          type: 'plain_text_input',
          action_id: ISSUE_FIELD.description,
          multiline: true,
          max_length: 3000,
          ...(input.description ? { initial_value: clamp(input.description, 3000) } : {}),
        },
      },
    ],
  };
}

export function dismissForm(proposalId: number): types.ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.dismissIssue,
    private_metadata: JSON.stringify({ proposalId }),
    title: { type: 'plain_text', text: 'Dismiss proposal' },
    submit: { type: 'plain_text', text: 'Dismiss' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: ISSUE_FIELD.reason,
        label: { type: 'plain_text', text: 'Why' },
        element: { type: 'plain_text_input', action_id: ISSUE_FIELD.reason, max_length: 500 },
      },
    ],
  };
}

/** What a person does to a proposal; all of it needs `approve_issues` (approvers by default). */
export type Decision = 'approve' | 'edit' | 'dismiss';

export function decisionRefused(action: Decision): string {
  const approving = action === 'approve';
  return `:no_entry: Only approvers can ${approving ? 'create' : action} proposed issues (permission \`approve_issues\` in audit-bot.yml). Nothing was ${approving ? 'created' : 'changed'}.`;
}

/** The refusal of a view submission, shown in the modal (in `field`) and changing nothing. */
export function formRefusal(allowed: undefined | false, action: Decision, field: string) {
  const text =
    allowed === undefined
      ? 'Your permission could not be checked just now; nothing was changed. Please try again.'
      : decisionRefused(action).replace(':no_entry: ', '').replaceAll('`', '');
  return { response_action: 'errors' as const, errors: { [field]: text } };
}

/** What to tell the person who approved or submitted. */
export function describeOutcome(outcome: ApproveOutcome): string {
  switch (outcome.kind) {
    case 'created':
      return `:white_check_mark: Created in Notion: ${link(outcome.proposal.pageUrl, outcome.proposal.title)}`;
    case 'existing':
      return `:link: An issue with this title is already in Notion, so none was added: ${link(outcome.proposal.pageUrl, outcome.proposal.title)}`;
    case 'busy':
      return `:hourglass_flowing_sand: <@${outcome.proposal.claimedBy}> is already creating this issue.`;
    case 'done':
      return outcome.proposal.state === 'created'
        ? `This issue is already in Notion: ${link(outcome.proposal.pageUrl, outcome.proposal.title)}`
        : 'This proposal was dismissed.';
    case 'failed':
      return `:x: Notion did not create the issue (${escapeMrkdwn(outcome.error)}). It stays proposed; press Retry when Notion is back.`;
    case 'no_notion':
      return ':memo: Notion is not connected (NOTION_TOKEN and notion.issues), so the issue is kept as a local draft in the issues channel. An approver can create it once Notion is configured.';
    case 'unknown':
      return ':grey_question: This proposal is no longer known to audit-bot.';
  }
}

/** Why Edit or Dismiss did nothing: the proposal was created, dismissed or is being created. */
export function noLongerOpen(action: 'edit' | 'dismiss'): string {
  return `This proposal can no longer be ${action === 'edit' ? 'edited' : 'dismissed'}.`;
}

export function editedNote(saved: boolean): string {
  return saved ? ':pencil2: The proposal was updated.' : noLongerOpen('edit');
}

/** Told to whoever pressed "Propose issue". */
export function proposedNote(proposal: Proposal): string {
  const where = proposal.channel ? ` in <#${proposal.channel}>` : '';
  return `:memo: Proposed “${proposal.title}”${where}; an approver can create it in Notion.`;
}

/** The list `/audit issues` answers (and shares): open issues with their check, status and age. */
export function openIssuesMessage(
  issues: readonly Proposal[],
  input: {
    now: Date;
    checkTitle: (probeId: string) => string | undefined;
    waiting: number;
    sharedBy?: string;
  },
): MessageContent {
  const open = issues.filter(isOpenIssue);
  const shown = open.slice(0, 20);
  const lines = shown.map((p) => {
    const check = p.probeId ? (input.checkTitle(p.probeId) ?? p.probeId) : undefined;
    return [
      `*${link(p.pageUrl, clamp(p.title, 200))}*`,
      check ? `check _${escapeMrkdwn(clamp(check, 100))}_` : 'no check',
      `*${escapeMrkdwn(clamp(p.notion?.status ?? 'status not read yet', 60))}*`,
      p.notion?.assignee ? escapeMrkdwn(clamp(p.notion.assignee, 100)) : undefined,
      `opened ${formatAge(p.createdAt, input.now)}`,
    ]
      .filter((part) => part !== undefined)
      .join(' · ');
  });
  const headline = open.length === 0 ? 'No open Notion issues' : `Open Notion issues (${open.length})`;
  const blocks: Block[] = [section(`:notebook: *${headline}*`)];
  if (lines.length > 0) blocks.push(section(lines.join('\n')));
  if (open.length > shown.length) blocks.push(context(`and ${open.length - shown.length} more in Notion`));
  if (input.waiting > 0)
    blocks.push(context(`${input.waiting} proposal${input.waiting === 1 ? '' : 's'} waiting for approval`));
  if (input.sharedBy) blocks.push(context(`Shared by <@${input.sharedBy}>`));
  else
    blocks.push(
      actions('issues-actions', [
        button({ text: 'Share in channel', actionId: ACTION.shareIssues, value: 'open' }),
      ]),
    );
  return { text: headline, blocks };
}

/** The thread reply offering Close issue once the check meets its target; after: who closed it. */
export function closeOfferMessage(p: Proposal, check: string, figureNow: string): MessageContent {
  const figures = `${escapeMrkdwn(p.figureAtCreation ?? 'not known')} when the issue was created → ${escapeMrkdwn(figureNow)} now`;
  const text = `:tada: *${escapeMrkdwn(clamp(check, 150))}* meets its target again: ${figures}.`;
  const blocks: Block[] = [section(text)];
  if (p.closedBy) blocks.push(context(`:white_check_mark: Closed in Notion by <@${p.closedBy}>`));
  else
    blocks.push(
      actions(`close:${p.id}`, [
        button({ text: 'Close issue', actionId: ACTION.issueClose, value: String(p.id), style: 'primary' }),
      ]),
    );
  return { text: escapeMrkdwn(`${check} meets its target again: close the issue?`), blocks };
}

/** The thread reply offering Reopen issue when a finished issue's check fails; after: who reopened it. */
export function reopenOfferMessage(
  p: Proposal,
  check: string,
  figureNow: string,
  reopenedBy: string | undefined,
): MessageContent {
  const status = escapeMrkdwn(clamp(p.notion?.status ?? 'closed', 60));
  const text = `:warning: *${escapeMrkdwn(clamp(check, 150))}* fails again: ${escapeMrkdwn(figureNow)} now, but its issue is *${status}*.`;
  const blocks: Block[] = [section(text)];
  if (reopenedBy) blocks.push(context(`:arrows_counterclockwise: Reopened in Notion by <@${reopenedBy}>`));
  else
    blocks.push(
      actions(`reopen:${p.id}`, [
        button({ text: 'Reopen issue', actionId: ACTION.issueReopen, value: String(p.id) }),
      ]),
    );
  return { text: escapeMrkdwn(`${check} fails again: reopen the issue?`), blocks };
}

/** What to tell the person who pressed Close issue or Reopen issue. */
export function closeOutcomeNote(outcome: CloseOutcome): string {
  switch (outcome.kind) {
    case 'closed':
      return `:white_check_mark: Closed in Notion: ${link(outcome.proposal.pageUrl, clamp(outcome.proposal.title, 300))}`;
    case 'already':
      return `This issue was already closed by <@${outcome.proposal.closedBy}>.`;
    case 'reopened':
      return `:arrows_counterclockwise: Reopened in Notion: ${link(outcome.proposal.pageUrl, clamp(outcome.proposal.title, 300))}`;
    case 'already_open':
      return 'This issue is open already.';
    case 'busy':
      return ':hourglass_flowing_sand: Someone is closing this issue right now.';
    case 'failed':
      return `:x: Not closed: ${escapeMrkdwn(clamp(outcome.error, 500))}. Try again in a moment.`;
    case 'no_notion':
      return 'Notion is not connected (NOTION_TOKEN and notion.issues), so nothing can be closed there.';
    case 'unknown':
      return 'This issue is not known to the bot, or was not created in Notion.';
  }
}

/** Told privately to someone without `close_issues` who pressed Close or Reopen issue. */
export function closeRefused(to: 'close' | 'reopen'): string {
  return `:no_entry: Only approvers can ${to} issues (permission \`close_issues\` in audit-bot.yml). Nothing was changed.`;
}
