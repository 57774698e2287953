// `/audit status` and `/audit status <probe-id>`: pure functions from a snapshot of stored
// results to Block Kit. Lines are packed into as few sections as Slack's limits allow, so 60
// checks still fit in one message.

import {
  actions,
  type Block,
  button,
  clamp,
  context,
  divider,
  escapeMrkdwn,
  fields,
  header,
  LIMIT,
  type MessageContent,
  packLines,
  section,
} from '../kit/blocks.js';
import {
  formatAge,
  formatCount,
  formatDuration,
  formatNumber,
  formatPercent,
  formatPointsDelta,
  formatTime,
  formatValueDelta,
  sparkline,
} from '../kit/format.js';
import { ACTION, perProbeActionId } from '../kit/ids.js';
import { ratioOf } from '../probes/evaluate.js';
import type { ProbeSnapshot, ReportSnapshot, StatusSnapshot } from '../probes/snapshot.js';
import { figureOf } from '../probes/snapshot.js';
import type { Measurement, ProbeResult } from '../probes/types.js';

export const STATUS_EMOJI: Readonly<Record<ProbeSnapshot['status'], string>> = {
  ok: ':large_green_circle:',
  below_target: ':large_yellow_circle:',
  failing: ':red_circle:',
  stale: ':zzz:',
  error: ':warning:',
  never: ':grey_question:',
};

export const STATUS_LABEL: Readonly<Record<ProbeSnapshot['status'], string>> = {
  ok: 'OK',
  below_target: 'below target',
  failing: 'failing',
  stale: 'stale',
  error: 'error',
  never: 'never measured',
};

/** `20.1% (4,244 / 21,125)`, `412`, `5 passed, 0 failed`, `3 documented issues`. */
export function formatFigure(measurement: Measurement | undefined): string {
  if (!measurement) return '—';
  switch (measurement.kind) {
    case 'ratio': {
      const ratio = ratioOf(measurement);
      const counts = `${formatCount(measurement.covered)} / ${formatCount(measurement.total)}`;
      return ratio === undefined ? `— (${counts})` : `${formatPercent(ratio)} (${counts})`;
    }
    case 'value':
      return `${formatNumber(measurement.value)}${measurement.unit ? ` ${measurement.unit}` : ''}`;
    case 'tests':
      if (measurement.passedCount !== undefined || measurement.failedCount !== undefined)
        return `${measurement.passedCount ?? 0} passed, ${measurement.failedCount ?? 0} failed`;
      return measurement.passed ? 'passed' : 'failed';
    case 'report': {
      const n = measurement.issues.length;
      return `${measurement.tasks.length} tasks, ${n} documented issue${n === 1 ? '' : 's'}`;
    }
  }
}

/** `target 80.0%`, `max 500`, `between 1 and 5`, or nothing. */
export function formatTarget(probe: ProbeSnapshot): string | undefined {
  const c = probe.config;
  if ('target' in c && c.target !== undefined && probe.latest?.measurement?.kind !== 'value')
    return `target ${formatPercent(c.target)}`;
  const min = 'min' in c ? c.min : undefined;
  const max = 'max' in c ? c.max : undefined;
  if (min !== undefined && max !== undefined) return `between ${formatNumber(min)} and ${formatNumber(max)}`;
  if (max !== undefined) return `max ${formatNumber(max)}`;
  if (min !== undefined) return `min ${formatNumber(min)}`;
  return undefined;
}

/** `+1.2 pp <label>` (ratios) or `+3 <label>` (values) from the figure `before`; else nothing. */
export function formatChange(
  now: Measurement | undefined,
  before: number | undefined,
  label: string,
): string | undefined {
  if (!now || before === undefined) return undefined;
  if (now.kind === 'ratio') {
    const ratio = ratioOf(now);
    return ratio === undefined ? undefined : `${formatPointsDelta(ratio, before)} ${label}`;
  }
  return now.kind === 'value' ? `${formatValueDelta(now.value, before)} ${label}` : undefined;
}

/** Change against the figure a day earlier (of the same kind): `+1.2 pp since yesterday`. */
function formatTrend(probe: ProbeSnapshot, label = 'since yesterday'): string | undefined {
  const before = probe.dayBefore?.measurement;
  if (before?.kind !== probe.latest?.measurement?.kind) return undefined;
  return formatChange(probe.latest?.measurement, figureOf(before), label);
}

/** One line of the overview for one probe. */
export function probeLine(probe: ProbeSnapshot, now: Date): string {
  const title = `*${escapeMrkdwn(probe.title)}*`;
  const running = probe.running ? ' · _measuring…_' : '';
  if (!probe.latest) return `${STATUS_EMOJI.never} ${title} — never measured yet${running}`;
  const parts: string[] = [];
  if (probe.latest.status === 'error') {
    parts.push(`error: ${escapeMrkdwn(clamp(probe.latest.error ?? 'unknown', 200))}`);
  } else {
    parts.push(escapeMrkdwn(formatFigure(probe.latest.measurement)));
    const target = formatTarget(probe);
    if (target) parts.push(target);
    const trend = formatTrend(probe);
    if (trend) parts.push(trend);
  }
  if (probe.status === 'stale') parts.push('stale');
  parts.push(formatAge(probe.latest.measuredAt, now));
  return `${STATUS_EMOJI[probe.status]} ${title}  ${parts.join(' · ')}${running}`;
}

export function statusHeadline(snapshot: StatusSnapshot): string {
  const total = snapshot.probes.length;
  const attention = snapshot.probes.filter((p) => p.status !== 'ok').length;
  if (total === 0) return 'Pipeline checks — none configured';
  if (attention === 0) return `Pipeline checks — ${total === 1 ? 'the check is' : `all ${total}`} OK`;
  return `Pipeline checks — ${attention} of ${total} need attention`;
}

export interface StatusOptions {
  /** Shared visibly in a channel by this user: attributed, and without buttons. */
  readonly sharedBy?: string;
  /** The viewer is an approver: the detail view shows a probe's full source (command line). */
  readonly showSourceDetail?: boolean;
}

/**
 * Refresh and Share in channel under a private answer (and Propose issue under a check that is
 * below target or failing); who shared it under a shared one.
 */
function statusFooter(value: string, options: StatusOptions, propose = false): Block {
  if (options.sharedBy) return context(`Shared by <@${options.sharedBy}>`);
  return actions(undefined, [
    button({ text: 'Refresh', actionId: ACTION.refreshStatus, value }),
    button({ text: 'Share in channel', actionId: ACTION.shareStatus, value }),
    ...(propose
      ? [button({ text: 'Propose issue', actionId: perProbeActionId(ACTION.proposeIssue, value), value })]
      : []),
  ]);
}

export function statusMessage(snapshot: StatusSnapshot, options: StatusOptions = {}): MessageContent {
  const blocks: Block[] = [header(statusHeadline(snapshot))];
  if (snapshot.probes.length === 0) {
    blocks.push(section('No checks are configured. Add `probes:` to audit-bot.yml (see the README).'));
    return { text: escapeMrkdwn(statusHeadline(snapshot)), blocks };
  }
  blocks.push(...packLines(snapshot.probes.map((p) => probeLine(p, snapshot.now))));
  if (snapshot.report?.openTasks.length === 0)
    blocks.push(divider(), context(`No open tasks in ${escapeMrkdwn(snapshot.report.file)}`));
  else if (snapshot.report) blocks.push(divider(), ...openTaskBlocks(snapshot.report));
  blocks.push(
    context(
      `Figures are the latest stored measurements · times in ${snapshot.timezone} · \`/audit status ${escapeMrkdwn('<probe-id>')}\` for detail`,
    ),
    statusFooter('all', options),
  );
  const text = `${statusHeadline(snapshot)}. ${figureSummary(snapshot.probes)}`;
  return { text: escapeMrkdwn(clamp(text, LIMIT.fallbackText - 500)), blocks };
}

/** The report's open tasks under their heading, in at most five blocks. */
export function openTaskBlocks({ openTasks, file }: ReportSnapshot): Block[] {
  const lines = openTasks.map(
    (t) =>
      `• *${escapeMrkdwn(t.title)}*: ${escapeMrkdwn(t.status)}${t.notes ? ` — ${escapeMrkdwn(t.notes)}` : ''}`,
  );
  return packLines([`*Open tasks* from _${escapeMrkdwn(file)}_`, ...lines]).slice(0, 5);
}

/** `Title: figure; …` for a message's fallback text. */
export function figureSummary(probes: readonly ProbeSnapshot[]): string {
  return probes
    .map((p) => `${p.title}: ${p.latest ? formatFigure(p.latest.measurement) : 'never measured'}`)
    .join('; ');
}

export interface DetailInput {
  readonly probe: ProbeSnapshot;
  readonly lastError: ProbeResult | undefined;
  readonly now: Date;
  readonly timezone: string;
}

export function probeDetailMessage(
  { probe, lastError, now, timezone }: DetailInput,
  options: StatusOptions = {},
): MessageContent {
  const latest = probe.latest;
  const blocks: Block[] = [header(`${probe.title} — ${STATUS_LABEL[probe.status]}`)];
  const pairs: string[] = [
    `*Status*\n${STATUS_EMOJI[probe.status]} ${STATUS_LABEL[probe.status]}`,
    `*Figure*\n${escapeMrkdwn(formatFigure(latest?.measurement))}`,
  ];
  const target = formatTarget(probe);
  if (target) pairs.push(`*Target*\n${target.replace(/^target /, '')}`);
  const trend = formatTrend(probe, 'in a day');
  if (trend) pairs.push(`*Change*\n${trend}`);
  if (latest) {
    pairs.push(
      `*Measured*\n${formatAge(latest.measuredAt, now)} (${formatTime(latest.measuredAt, timezone)})`,
      `*Took*\n${formatDuration(latest.durationMs)}`,
    );
  }
  blocks.push(fields(pairs));
  if (probe.history.length >= 2) {
    const values = probe.history;
    const asText = (v: number) =>
      latest?.measurement?.kind === 'ratio' ? formatPercent(v) : formatNumber(v);
    blocks.push(
      section(
        `*History* (last ${values.length})\n\`${sparkline(values)}\`  ${asText(Math.min(...values))} – ${asText(Math.max(...values))}`,
      ),
    );
  }
  const m = latest?.measurement;
  if (m?.kind === 'tests') {
    const lines = (m.tests ?? []).map(
      (t) =>
        `${t.status === 'pass' ? ':white_check_mark:' : t.status === 'fail' ? ':x:' : ':heavy_minus_sign:'} ${escapeMrkdwn(t.name)}${t.message ? ` — ${escapeMrkdwn(clamp(t.message, 300))}` : ''}`,
    );
    if (m.summary) lines.unshift(escapeMrkdwn(m.summary));
    blocks.push(...packLines(lines).slice(0, 10));
  }
  if (m?.kind === 'report') {
    const taskLines = m.tasks.map((t) => `• *${escapeMrkdwn(t.title)}*: ${escapeMrkdwn(t.status)}`);
    const issueLines = m.issues.map(
      (i) => `• ${escapeMrkdwn(i.title)}${i.priority ? ` (${escapeMrkdwn(i.priority)})` : ''}`,
    );
    blocks.push(...packLines([`*Tasks in ${escapeMrkdwn(m.file)}*`, ...taskLines]).slice(0, 5));
    if (issueLines.length > 0) blocks.push(...packLines(['*Documented issues*', ...issueLines]).slice(0, 5));
    if (m.warnings.length > 0)
      blocks.push(context(...m.warnings.slice(0, 9).map((w) => `:warning: ${escapeMrkdwn(w)}`)));
  }
  if (lastError && (probe.status === 'error' || lastError !== latest)) {
    blocks.push(
      section(
        `*Last error* (${formatAge(lastError.measuredAt, now)}): ${escapeMrkdwn(clamp(lastError.error ?? 'unknown', 1500))}`,
      ),
    );
  }
  // A command line is for approvers, and never for a channel it is shared in.
  const source =
    options.showSourceDetail && !options.sharedBy && probe.sourceDetail ? probe.sourceDetail : probe.source;
  blocks.push(
    context(`Source: ${escapeMrkdwn(clamp(source, 1000))} · id \`${probe.id}\` · times in ${timezone}`),
    statusFooter(probe.id, options, probe.status === 'below_target' || probe.status === 'failing'),
  );
  return {
    text: escapeMrkdwn(
      clamp(`${probe.title}: ${STATUS_LABEL[probe.status]}, ${formatFigure(latest?.measurement)}`, 2000),
    ),
    blocks,
  };
}

/** `/audit status nope`: the ids there are. */
export function unknownProbeMessage(id: string, known: readonly string[]): MessageContent {
  const text = `There is no check "${id}". Known checks: ${known.join(', ') || 'none'}.`;
  return { text, blocks: [section(`:grey_question: ${escapeMrkdwn(text)}`)] };
}

/** `/audit refresh` at once: what is being measured; the figures follow. */
export function measuringMessage(probeId: string | undefined, count: number): MessageContent {
  const what = probeId ? `\`${escapeMrkdwn(probeId)}\`` : `all ${count} checks`;
  return {
    text: escapeMrkdwn(`Measuring ${probeId ?? `all ${count} checks`} now; the figures follow here.`),
    blocks: [section(`:hourglass_flowing_sand: Measuring ${what} now; the figures follow here.`)],
  };
}
