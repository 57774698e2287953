// The Slack message of one alert group: which alerts fire (alertname first: people find rules
// and silences by it), since when, severity, the group's labels and links; Grafana's values and
// dashboard, panel and silence links; resolved groups show how long they lasted. Pure and
// total: every text from the alert is escaped, every URL checked, and no stored state throws.

import {
  actions,
  type Block,
  button,
  clamp,
  context,
  escapeMrkdwn,
  fields,
  link as fullLink,
  LIMIT,
  type MessageContent,
  packLines,
  safeUrl,
  section,
} from '../kit/blocks.js';
import { formatAge, formatDuration, formatNumber, formatTime } from '../kit/format.js';
import { ACTION } from '../kit/ids.js';
import { own } from '../kit/text.js';
import type { GroupRow } from './group-rows.js';
import type { GroupAlert, GroupState, ThreadEvent } from './schemas.js';

export const SEVERITY_EMOJI: Readonly<Record<string, string>> = {
  critical: ':red_circle:',
  warning: ':large_yellow_circle:',
  info: ':information_source:',
};

/** The emoji of a severity from outside (`constructor` is not a severity). */
export function severityEmoji(severity: unknown): string {
  return (typeof severity === 'string' && own(SEVERITY_EMOJI, severity.toLowerCase())) || ':rotating_light:';
}

/** Links longer than this are left out: they would not fit Slack's text limits whole. */
const MAX_LINK_URL = 500;

function link(url: string | undefined, label: string): string {
  const safe = safeUrl(url);
  return safe && safe.length <= MAX_LINK_URL ? fullLink(safe, label) : '';
}

/** Shown in the headline already. */
const HEADLINE_LABELS = new Set(['severity']);
/** Alerts listed one by one; the rest are counted. */
export const MAX_LISTED_ALERTS = 10;
const MAX_LABEL_FIELDS = 8;

/** Which silencing backends are configured: a Silence button that cannot work is not shown. */
export interface SilenceBackends {
  readonly alertmanager: boolean;
  readonly grafana: boolean;
}

/** Why a group has no Silence 1h button, or undefined when it can have one. */
export function silenceUnavailable(state: GroupState, backends: SilenceBackends): string | undefined {
  if (Object.keys(silenceMatchers(state)).length === 0)
    return 'Silence 1h is not offered: the group has no labels to silence by.';
  if (state.source === 'grafana')
    return backends.grafana
      ? undefined
      : 'Silence 1h is not offered: set GRAFANA_URL and GRAFANA_TOKEN on audit-bot to silence Grafana alerts.';
  return backends.alertmanager
    ? undefined
    : 'Silence 1h is not offered: set ALERTMANAGER_URL on audit-bot to silence alerts.';
}

/** The labels a silence matches: the group labels, else the labels every alert shares. */
export function silenceMatchers(state: GroupState): Record<string, string> {
  const labels =
    isRecord(state.groupLabels) && Object.keys(state.groupLabels).length > 0
      ? state.groupLabels
      : state.commonLabels;
  return isRecord(labels) ? labels : {};
}

function isRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Group labels, alertname first, then the other labels all alerts share. */
export function labelPairs(state: GroupState): Array<[string, string]> {
  const group = isRecord(state.groupLabels) ? state.groupLabels : {};
  const common = isRecord(state.commonLabels) ? state.commonLabels : {};
  const merged = new Map<string, string>();
  for (const source of [group, common])
    for (const [k, v] of Object.entries(source)) if (!merged.has(k)) merged.set(k, String(v));
  const pairs = [...merged].filter(([k]) => !HEADLINE_LABELS.has(k) && !k.startsWith('__'));
  return pairs.sort(([a], [b]) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : 0));
}

export function alertMessage(
  state: GroupState,
  groupId: string,
  timezone: string,
  now: Date,
  backends: SilenceBackends,
): MessageContent {
  const alerts: readonly GroupAlert[] = Array.isArray(state.alerts) ? state.alerts : [];
  const firing = alerts.filter((a) => a.status === 'firing');
  const truncated = Number.isFinite(state.truncatedAlerts) ? state.truncatedAlerts : 0;
  const resolved = state.status === 'resolved';
  const emoji = resolved ? ':white_check_mark:' : severityEmoji(state.severity);
  const count = resolved ? 'RESOLVED' : `FIRING:${firing.length + truncated}`;
  const rawTitle = typeof state.title === 'string' && state.title ? state.title : 'Alert';
  const title = escapeMrkdwn(clamp(rawTitle, 200));
  const severity = typeof state.severity === 'string' ? state.severity : undefined;
  const lasted = state.resolvedAt
    ? formatDuration(Math.max(0, Date.parse(state.resolvedAt) - Date.parse(state.firingSince)))
    : undefined;
  const headline = resolved
    ? `${emoji} *[${count}] ${title}* — resolved after ${lasted ?? 'an unknown time'}`
    : `${emoji} *[${count}] ${title}*${severity ? ` — ${escapeMrkdwn(clamp(severity, 50))}` : ''}`;
  const blocks: Block[] = [section(headline)];

  const since = Date.parse(state.firingSince);
  const pairs = [
    `*Since*\n${formatTime(state.firingSince, timezone)}${resolved || Number.isNaN(since) ? '' : ` (${formatDuration(Math.max(0, now.getTime() - since))})`}`,
  ];
  if (state.resolvedAt) pairs.push(`*Resolved*\n${formatTime(state.resolvedAt, timezone)}`);
  const labels = labelPairs(state);
  for (const [key, value] of labels.slice(0, MAX_LABEL_FIELDS))
    pairs.push(`*${escapeMrkdwn(clamp(key, 100))}*\n${escapeMrkdwn(clamp(value, 200))}`);
  blocks.push(fields(pairs.slice(0, 10)));

  if (typeof state.text === 'string' && state.text)
    blocks.push(section(escapeMrkdwn(clamp(state.text, 1500))));

  const common = isRecord(state.commonLabels) ? state.commonLabels : {};
  const listed = resolved ? [] : firing;
  // One alert is the group: its values show here, its links with the group's below.
  const showList = listed.length > 1 || truncated > 0 || listed.some((a) => hasValues(a));
  const source = safeUrl(state.url)
    ? state.url
    : alerts.map((a) => a.generatorURL).find((url) => safeUrl(url) !== undefined);
  if (showList) {
    const several = listed.length > 1;
    // Lines are added while they fit one section, with room left for the "… and N more" line;
    // links are never cut in half.
    const lines = fitting(
      listed
        .slice(0, MAX_LISTED_ALERTS)
        .map((a) => alertLine(a, common, rawTitle, timezone, several, source)),
      '\n',
      LIMIT.sectionText - 121,
    );
    const more = listed.length - lines.length + truncated;
    if (more > 0)
      lines.push(
        `… and ${more} more${truncated > 0 ? ` (${truncated} not sent by ${state.source === 'grafana' ? 'Grafana' : 'Alertmanager'})` : ''}`,
      );
    if (lines.length > 0) blocks.push(section(lines.join('\n')));
  }

  const only = alerts.length === 1 ? alerts[0] : undefined;
  const links = [
    link(source, 'Source'),
    link(state.runbookURL, 'Runbook'),
    link(only?.dashboardURL, 'Dashboard'),
    link(only?.panelURL, 'Panel'),
    link(only?.imageURL, 'Image'),
    link(only?.silenceURL, 'Silence in Grafana'),
    link(state.externalURL, state.source === 'grafana' ? 'Grafana' : 'Alertmanager'),
  ].filter(Boolean);
  const notes: string[] = [];
  if (state.acknowledged)
    notes.push(
      `:eyes: Acknowledged by <@${escapeMrkdwn(String(state.acknowledged.by))}> at ${formatTime(state.acknowledged.at, timezone)}`,
    );
  if (state.silence)
    notes.push(
      `:mute: Silenced by <@${escapeMrkdwn(String(state.silence.by))}> until ${formatTime(state.silence.until, timezone)} (\`${escapeMrkdwn(clamp(String(state.silence.id), 100))}\`)`,
    );
  const unavailable = resolved || state.silence ? undefined : silenceUnavailable(state, backends);
  if (unavailable) notes.push(`:information_source: ${unavailable}`);
  if (links.length > 0 || notes.length > 0)
    blocks.push(context(...[...notes, fitting(links, ' · ', LIMIT.contextText).join(' · ')].filter(Boolean)));

  if (!resolved) {
    const buttons = [];
    if (!state.acknowledged)
      buttons.push(button({ text: 'Acknowledge', actionId: ACTION.alertAcknowledge, value: groupId }));
    if (!state.silence && !unavailable)
      buttons.push(
        button({ text: 'Silence 1h', actionId: ACTION.alertSilence, value: groupId, style: 'danger' }),
      );
    if (buttons.length > 0) blocks.push(actions(`alert:${groupId}`, buttons));
  }
  const labelText = labels
    .slice(0, 6)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const text = `[${count}] ${rawTitle}${severity ? ` (${severity})` : ''}${labelText ? ` · ${labelText}` : ''}`;
  // The fallback text is what notifications show: escaped like every other field.
  return { text: escapeMrkdwn(clamp(text, LIMIT.fallbackText - 200)), blocks };
}

function hasValues(alert: GroupAlert): boolean {
  return isRecord(alert.values) && Object.keys(alert.values).length > 0;
}

/** `• alertname library=lib-0 — summary — B=44.24, C=1 (since …) · Dashboard · Panel`. */
function alertLine(
  alert: GroupAlert,
  common: Readonly<Record<string, string>>,
  groupTitle: string,
  timezone: string,
  several: boolean,
  /** Shown once for the group, so not again for each alert. */
  groupSource: string | undefined,
): string {
  const labels = isRecord(alert.labels) ? alert.labels : {};
  const annotations = isRecord(alert.annotations) ? alert.annotations : {};
  const name = own(labels, 'alertname');
  const distinct = Object.entries(labels)
    .filter(
      ([k]) =>
        k !== 'alertname' && !HEADLINE_LABELS.has(k) && !k.startsWith('__') && !Object.hasOwn(common, k),
    )
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const head = [name && !Object.hasOwn(common, 'alertname') ? name : '', distinct].filter(Boolean).join(' ');
  const summaryText = own(annotations, 'summary');
  const summary = summaryText && !groupTitle.includes(summaryText) ? ` — ${summaryText}` : '';
  const values = hasValues(alert)
    ? ` — ${Object.entries(alert.values ?? {})
        .map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : 'none'}`)
        .join(', ')}`
    : '';
  const label = clamp(
    `${head || (several ? String(alert.fingerprint) : '')}${summary}${values}`.replace(/^ — /, ''),
    300,
  );
  const links = several
    ? [
        safeUrl(alert.generatorURL) === safeUrl(groupSource) ? '' : link(alert.generatorURL, 'Source'),
        link(alert.dashboardURL, 'Dashboard'),
        link(alert.panelURL, 'Panel'),
      ].filter(Boolean)
    : [];
  return `• ${escapeMrkdwn(label)} (since ${formatTime(alert.startsAt, timezone)})${links.length > 0 ? ` · ${links.join(' · ')}` : ''}`;
}

/** The leading items that fit `max` characters once joined (a link cut in half would show as text). */
function fitting(items: readonly string[], separator: string, max: number): string[] {
  let length = -separator.length;
  const fit: string[] = [];
  for (const item of items) {
    length += separator.length + item.length;
    if (length > max) break;
    fit.push(item);
  }
  return fit;
}

/** A thread reply under a group's message. */
export function threadReplyText(event: ThreadEvent): string {
  switch (event.kind) {
    case 'resolved':
      return `:white_check_mark: Resolved after ${formatDuration(event.lastedMs)}.`;
    case 'firing_again':
      return ':rotating_light: Firing again.';
    case 'acknowledged':
      return `:eyes: Acknowledged by <@${event.by}>.`;
    case 'silenced':
      return `:mute: Silenced for 1 h by <@${event.by}> (silence \`${escapeMrkdwn(event.silenceId)}\`).`;
    case 'text':
      return event.text;
  }
}

/** `/audit alerts`: the firing groups the person may see, linked to their messages. */
export function firingListMessage(
  firing: readonly GroupRow[],
  note: string | undefined,
  now: Date,
): MessageContent {
  if (firing.length === 0) {
    return {
      text: 'No alert groups are firing.',
      blocks: [section(':large_green_circle: No alert groups are firing.'), ...(note ? [context(note)] : [])],
    };
  }
  const lines = firing.map((row) => {
    const s = row.state;
    const title = clamp(s.title, 150);
    // Slack resolves archive links to the message in any workspace the user is in.
    const shown = row.ts
      ? link(`https://slack.com/archives/${row.channel}/p${row.ts.replace('.', '')}`, title)
      : `${escapeMrkdwn(title)} (not posted yet)`;
    const count = s.alerts.filter((a) => a.status === 'firing').length + s.truncatedAlerts;
    const extra = [
      s.severity ? escapeMrkdwn(clamp(String(s.severity), 50)) : '',
      `${count} alert${count === 1 ? '' : 's'}`,
      `since ${formatAge(s.firingSince, now).replace(' ago', '')}`,
      s.acknowledged ? `acknowledged by <@${s.acknowledged.by}>` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    return `${severityEmoji(s.severity)} ${shown} — ${extra} in <#${row.channel}>`;
  });
  const text = `${firing.length} alert group${firing.length === 1 ? ' is' : 's are'} firing`;
  return {
    text,
    blocks: [section(`*${text}*`), ...packLines(lines).slice(0, 44), ...(note ? [context(note)] : [])],
  };
}

/** Private answers to Acknowledge and Silence 1h. */
export const ALERT_NOTES = {
  unknownGroup: ':grey_question: This alert group is no longer known to audit-bot.',
  silenceRefused:
    ':no_entry: Only approvers can silence alerts (permission `silence_alerts` in audit-bot.yml).',
  silenceNeedsGrafana:
    ':hourglass_flowing_sand: Silencing Grafana alerts needs GRAFANA_URL and GRAFANA_TOKEN, which are not set on audit-bot.',
  silenceNeedsAlertmanager:
    ':hourglass_flowing_sand: Silencing needs ALERTMANAGER_URL, which is not set on audit-bot.',
  silenceFailed: (reason: string) => `:x: The silence could not be created: ${escapeMrkdwn(reason)}`,
} as const;
