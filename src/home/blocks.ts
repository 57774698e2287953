// The App Home tab: the checks with figures and trends, firing alert groups with links to their
// messages, open issue proposals (with Approve/Dismiss for approvers), and when each figure was
// measured. Pure, and within Slack's 100-block limit however much there is ("and N more").

import type { types } from '@slack/bolt';
import { severityEmoji } from '../alerts/blocks.js';
import {
  actions,
  type Block,
  button,
  clamp,
  context,
  divider,
  escapeMrkdwn,
  header,
  link,
  packLines,
  section,
} from '../kit/blocks.js';
import { formatAge, formatTime } from '../kit/format.js';
import { ACTION, COMMAND } from '../kit/ids.js';
import type { SubcommandSpec } from '../kit/subcommands.js';
import type { StatusSnapshot } from '../probes/snapshot.js';
import { probeLine, statusHeadline } from '../status/blocks.js';

export interface HomeAlert {
  readonly title: string;
  readonly severity: string | undefined;
  readonly channel: string;
  readonly ts: string | undefined;
  readonly firingSince: string;
}

export interface HomeProposal {
  readonly id: number;
  readonly title: string;
  readonly priority: string;
  readonly type: string;
  readonly failed: boolean;
}

export interface HomeInput {
  readonly subcommands: readonly SubcommandSpec[];
  readonly notes: readonly string[];
  readonly now: Date;
  readonly timezone: string;
  readonly status: StatusSnapshot;
  readonly alerts: readonly HomeAlert[];
  readonly proposals: readonly HomeProposal[];
  /** Approvers see Approve/Dismiss on proposals; others see the list. */
  readonly canApprove: boolean;
  /** What was left out of the alerts (channels the viewer is not in), as mrkdwn. */
  readonly alertsNote?: string;
  /** The answer to the viewer's last button press on this tab, as mrkdwn (shown on top). */
  readonly notice?: string | undefined;
  /** Issues created in Notion and still open there, newest first. */
  readonly openIssues?: readonly HomeIssue[];
  /** For approvers: the token Notion's webhook sent, to paste into Notion, until it is verified. */
  readonly notionWebhookToken?: string | undefined;
}

export interface HomeIssue {
  readonly title: string;
  readonly url: string | undefined;
  /** The title of the check it tracks. */
  readonly check: string | undefined;
  /** Notion's status and assignee, as last read back. */
  readonly status: string | undefined;
  readonly assignee: string | undefined;
}

export const HOME_LIMITS = { checks: 30, alerts: 40, proposals: 20, issues: 20 } as const;

function more(total: number, shown: number, what: string): Block[] {
  return total > shown ? [context(`and ${total - shown} more ${what}`)] : [];
}

export function homeView(input: HomeInput): types.HomeView {
  const blocks: Block[] = [header('audit-bot')];
  if (input.notice) blocks.push(section(input.notice));
  blocks.push(
    context(
      'Checks of the music-library pipeline — fingerprint coverage, djay Pro ID sync, test runs, module checks — with digests, alerts and Notion issues.',
    ),
  );

  // packLines and more() give nothing for nothing: an empty list is its header alone.
  const probes = input.status.probes;
  blocks.push(
    header(statusHeadline(input.status)),
    ...packLines(probes.slice(0, HOME_LIMITS.checks).map((p) => probeLine(p, input.now))).slice(0, 6),
    ...more(probes.length, HOME_LIMITS.checks, 'checks — `/audit status`'),
  );

  const alertLines = input.alerts.slice(0, HOME_LIMITS.alerts).map((a) => {
    const title = clamp(a.title, 120);
    const shown = a.ts
      ? link(`https://slack.com/archives/${a.channel}/p${a.ts.replace('.', '')}`, title)
      : escapeMrkdwn(title);
    return `${severityEmoji(a.severity)} ${shown} · since ${formatAge(a.firingSince, input.now).replace(' ago', '')} · <#${a.channel}>`;
  });
  blocks.push(
    divider(),
    header(input.alerts.length === 0 ? 'No alerts firing' : `Firing alerts (${input.alerts.length})`),
    ...packLines(alertLines).slice(0, 6),
    ...more(input.alerts.length, HOME_LIMITS.alerts, 'alert groups — `/audit alerts`'),
  );
  if (input.alertsNote) blocks.push(context(input.alertsNote));

  blocks.push(
    divider(),
    header(
      input.proposals.length === 0
        ? 'No issue proposals waiting'
        : `Issue proposals (${input.proposals.length})`,
    ),
  );
  for (const p of input.proposals.slice(0, HOME_LIMITS.proposals)) {
    const line = `${p.failed ? ':x: ' : ''}*${escapeMrkdwn(clamp(p.title, 200))}* · ${escapeMrkdwn(p.priority)} · ${escapeMrkdwn(p.type)}`;
    blocks.push(section(line));
    if (input.canApprove) {
      blocks.push(
        actions(`home-proposal:${p.id}`, [
          button({
            text: p.failed ? 'Retry' : 'Approve',
            actionId: p.failed ? ACTION.issueRetry : ACTION.issueApprove,
            value: String(p.id),
            style: 'primary',
          }),
          button({ text: 'Dismiss', actionId: ACTION.issueDismiss, value: String(p.id) }),
        ]),
      );
    }
  }
  blocks.push(...more(input.proposals.length, HOME_LIMITS.proposals, 'proposals in the issues channel'));

  const issues = input.openIssues ?? [];
  if (issues.length > 0) {
    const issueLines = issues
      .slice(0, HOME_LIMITS.issues)
      .map((i) =>
        [
          `*${link(i.url, clamp(i.title, 150))}*`,
          i.check ? `check _${escapeMrkdwn(clamp(i.check, 100))}_` : undefined,
          `*${escapeMrkdwn(clamp(i.status ?? 'status not read yet', 60))}*`,
          i.assignee ? escapeMrkdwn(clamp(i.assignee, 100)) : undefined,
        ]
          .filter((part) => part !== undefined)
          .join(' · '),
      );
    blocks.push(
      divider(),
      header(`Open Notion issues (${issues.length})`),
      ...packLines(issueLines).slice(0, 4),
      ...more(issues.length, HOME_LIMITS.issues, 'issues — `/audit issues`'),
    );
  }

  blocks.push(
    divider(),
    section(
      input.subcommands
        .map((s) => `\`${COMMAND} ${s.name}${s.args ? ` ${s.args}` : ''}\` — ${escapeMrkdwn(s.summary)}`)
        .join('\n'),
    ),
  );
  if (input.notionWebhookToken)
    blocks.push(
      section(
        `:key: *Notion webhook:* paste this verification token into Notion's "Verify subscription" dialog: \`${escapeMrkdwn(clamp(input.notionWebhookToken, 200))}\``,
      ),
    );
  if (input.notes.length > 0) blocks.push(context(...input.notes.map(escapeMrkdwn)));
  blocks.push(context(`Updated ${formatTime(input.now, input.timezone)} (${input.timezone})`));
  return { type: 'home', blocks };
}
