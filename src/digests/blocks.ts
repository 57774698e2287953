// Scheduled digests: pure function from probe snapshots to one channel message. Each line has
// the figure, target, change since the previous digest of the same id and a sparkline; every
// probe below target gets a "Propose issue" button.

import {
  actions,
  type Block,
  button,
  clamp,
  context,
  divider,
  escapeMrkdwn,
  header,
  LIMIT,
  link,
  type MessageContent,
  packLines,
  section,
} from '../kit/blocks.js';
import { formatAge, formatTime, sparkline } from '../kit/format.js';
import { ACTION, perProbeActionId } from '../kit/ids.js';
import type { ProbeSnapshot, ReportSnapshot } from '../probes/snapshot.js';
import { figureOf } from '../probes/snapshot.js';
import {
  figureSummary,
  formatChange,
  formatFigure,
  formatTarget,
  openTaskBlocks,
  STATUS_EMOJI,
} from '../status/blocks.js';

export interface DigestProbe {
  readonly probe: ProbeSnapshot;
  /** The figure this probe had in the previous digest of the same id. */
  readonly previousFigure: number | undefined;
  /** The open issue tracking this check, if any: shown on its line instead of Propose issue. */
  readonly issue?: TrackingIssue | undefined;
}

export interface TrackingIssue {
  readonly title: string;
  /** The Notion page, once created. */
  readonly url: string | undefined;
  /** Notion's status, or what the bot knows (`proposed`, `creating`…). */
  readonly status: string;
  readonly openedAt: string;
  /** False once finished in Notion (or closed from Slack). */
  readonly open: boolean;
}

export interface DigestInput {
  readonly digestId: string;
  readonly title: string;
  readonly slot: Date;
  /** Posted after the bot came back from downtime. */
  readonly late: boolean;
  readonly timezone: string;
  readonly now: Date;
  readonly probes: readonly DigestProbe[];
  readonly report: ReportSnapshot | undefined;
}

/** At most this many "Propose issue" buttons; the rest are counted. */
export const MAX_PROPOSE_BUTTONS = 10;

export function digestTitle(digestId: string, configured: string | undefined): string {
  if (configured) return configured;
  return `${digestId.charAt(0).toUpperCase()}${digestId.slice(1).replaceAll('-', ' ')} audit digest`;
}

/** `— 2 of 4 checks below target` / `— all 4 checks OK`. */
export function digestHeadline(input: Pick<DigestInput, 'title' | 'probes'>): string {
  const total = input.probes.length;
  const needing = input.probes.filter((p) => p.probe.status !== 'ok').length;
  if (total === 0) return `${input.title} — no checks listed`;
  if (needing === 0) return `${input.title} — ${total === 1 ? 'the check is' : `all ${total} checks`} OK`;
  const below = input.probes.filter((p) => p.probe.status === 'below_target').length;
  if (below === needing) return `${input.title} — ${below} of ${total} checks below target`;
  return `${input.title} — ${needing} of ${total} checks need attention`;
}

export function digestLine(entry: DigestProbe, now: Date): string {
  const { probe } = entry;
  const title = `*${escapeMrkdwn(probe.title)}*`;
  if (!probe.latest) return `${STATUS_EMOJI.never} ${title} — never measured yet`;
  if (probe.latest.status === 'error') {
    return `${STATUS_EMOJI.error} ${title}  could not measure: ${escapeMrkdwn(clamp(probe.latest.error ?? 'unknown', 200))} · ${formatAge(probe.latest.measuredAt, now)}`;
  }
  const parts = [escapeMrkdwn(formatFigure(probe.latest.measurement))];
  const target = formatTarget(probe);
  if (target) parts.push(target);
  const change = formatChange(probe.latest.measurement, entry.previousFigure, 'since last digest');
  if (change) parts.push(change);
  if (probe.history.length >= 2) parts.push(`\`${sparkline(probe.history.slice(-12))}\``);
  if (probe.status === 'stale') parts.push(`stale, measured ${formatAge(probe.latest.measuredAt, now)}`);
  const { issue } = entry;
  const issueLink = issue && `issue ${link(issue.url, clamp(issue.title, 150))}`;
  if (issue?.open && probe.status !== 'ok')
    parts.push(
      `${issueLink} (${escapeMrkdwn(clamp(issue.status, 60))}, opened ${formatAge(issue.openedAt, now)})`,
    );
  // Finished in Notion while the check still fails: someone should look again.
  else if (issue && probe.status !== 'ok')
    parts.push(
      `:warning: ${issueLink} is ${escapeMrkdwn(clamp(issue.status, 60))} in Notion, but the check still fails`,
    );
  else if (issue && !issue.open) parts.push(`${issueLink} (${escapeMrkdwn(clamp(issue.status, 60))})`);
  return `${STATUS_EMOJI[probe.status]} ${title}  ${parts.join(' · ')}`;
}

export function digestMessage(input: DigestInput): MessageContent {
  const headline = digestHeadline(input);
  const blocks: Block[] = [header(headline)];
  if (input.late) {
    blocks.push(
      context(
        `:clock3: Posted late: this digest was due ${formatTime(input.slot, input.timezone)} (${input.timezone}) while audit-bot was not running.`,
      ),
    );
  }
  blocks.push(...packLines(input.probes.map((p) => digestLine(p, input.now))).slice(0, 20));
  if (input.report && input.report.openTasks.length > 0)
    blocks.push(divider(), ...openTaskBlocks(input.report));
  // A check whose issue is open already shows it on its line: nothing more to propose.
  const below = input.probes.filter((p) => p.probe.status === 'below_target' && !p.issue?.open);
  if (below.length > 0) {
    const buttons = below.slice(0, MAX_PROPOSE_BUTTONS).map((p) =>
      button({
        text: `Propose issue: ${p.probe.title}`,
        actionId: perProbeActionId(ACTION.proposeIssue, p.probe.id),
        value: p.probe.id,
      }),
    );
    // Five per row reads better than one long row; each actions block allows 25.
    for (let i = 0; i < buttons.length; i += 5) blocks.push(actions(undefined, buttons.slice(i, i + 5)));
    if (below.length > MAX_PROPOSE_BUTTONS) {
      blocks.push(
        context(`and ${below.length - MAX_PROPOSE_BUTTONS} more below target — see \`/audit status\``),
      );
    }
  }
  blocks.push(
    context(
      `Digest \`${escapeMrkdwn(input.digestId)}\` · ${formatTime(input.slot, input.timezone)} ${input.timezone} · \`/audit status\` for every check`,
    ),
  );
  const summary = figureSummary(input.probes.map((p) => p.probe));
  return {
    text: escapeMrkdwn(
      clamp(`${headline}${input.late ? ' (late)' : ''}. ${summary}`, LIMIT.fallbackText - 500),
    ),
    blocks,
  };
}

/** The figures a digest showed, stored for the next digest's "since last digest". */
export function digestFigures(probes: readonly DigestProbe[]): Record<string, number> {
  return Object.fromEntries(
    probes.flatMap(({ probe }) => {
      const figure = figureOf(probe.latest?.measurement);
      return figure === undefined ? [] : [[probe.id, figure]];
    }),
  );
}

/** `/audit digest <id>` naming no digest. */
export function unknownDigestMessage(id: string, ids: readonly string[]): MessageContent {
  const text = `There is no digest "${id}". Digests: ${ids.join(', ')}.`;
  return { text: escapeMrkdwn(text), blocks: [section(`:grey_question: ${escapeMrkdwn(text)}`)] };
}

/** Whether a digest was posted, where, and why not. */
export interface PostOutcome {
  readonly posted: boolean;
  readonly channel: string;
  readonly ts?: string;
  readonly error?: string;
}

/** The answer to `/audit digest`: where it was posted, or why not. */
export function digestPostedMessage(id: string, outcome: PostOutcome): MessageContent {
  const text = outcome.posted
    ? `Posted the ${id} digest to <#${outcome.channel}>.`
    : `The ${id} digest could not be posted to <#${outcome.channel}>: ${escapeMrkdwn(outcome.error ?? 'unknown error')}. It has been logged.`;
  return { text, blocks: [section(`${outcome.posted ? ':white_check_mark:' : ':x:'} ${text}`)] };
}
