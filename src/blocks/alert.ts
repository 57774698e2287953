// The Slack message of one alert group: which alerts fire, since when, severity, the labels
// that matter and links; resolved groups show how long they lasted. Pure.

import type { GroupState } from '../alerts/schemas.js';
import { ACTION } from '../ids.js';
import {
  actions,
  type Block,
  button,
  clamp,
  context,
  escapeMrkdwn,
  fields,
  LIMIT,
  type MessageContent,
  section,
} from './common.js';
import { formatDuration, formatTime } from './format.js';

export const SEVERITY_EMOJI: Readonly<Record<string, string>> = {
  critical: ':red_circle:',
  warning: ':large_yellow_circle:',
  info: ':information_source:',
};

/** Labels not worth repeating on every line. */
const QUIET_LABELS = new Set(['alertname', 'severity', '__name__']);
/** Alerts listed one by one; the rest are counted. */
export const MAX_LISTED_ALERTS = 10;

export function alertMessage(
  state: GroupState,
  groupId: string,
  timezone: string,
  now: Date,
): MessageContent {
  const firing = state.alerts.filter((a) => a.status === 'firing');
  const resolved = state.status === 'resolved';
  const emoji = resolved
    ? ':white_check_mark:'
    : (SEVERITY_EMOJI[state.severity ?? ''] ?? ':rotating_light:');
  const count = resolved ? 'RESOLVED' : `FIRING:${firing.length + state.truncatedAlerts}`;
  const title = escapeMrkdwn(clamp(state.title, 200));
  const lasted = state.resolvedAt
    ? formatDuration(Math.max(0, Date.parse(state.resolvedAt) - Date.parse(state.firingSince)))
    : undefined;
  const headline = resolved
    ? `${emoji} *[${count}] ${title}* — resolved after ${lasted}`
    : `${emoji} *[${count}] ${title}*${state.severity ? ` — ${escapeMrkdwn(state.severity)}` : ''}`;
  const blocks: Block[] = [section(headline)];

  const pairs = [
    `*Since*\n${formatTime(state.firingSince, timezone)}${resolved ? '' : ` (${formatDuration(Math.max(0, now.getTime() - Date.parse(state.firingSince)))})`}`,
  ];
  if (state.resolvedAt) pairs.push(`*Resolved*\n${formatTime(state.resolvedAt, timezone)}`);
  const shown = Object.entries(state.commonLabels)
    .filter(([k]) => !QUIET_LABELS.has(k))
    .slice(0, 6);
  for (const [key, value] of shown) pairs.push(`*${escapeMrkdwn(key)}*\n${escapeMrkdwn(clamp(value, 200))}`);
  blocks.push(fields(pairs.slice(0, 10)));

  if (state.text) blocks.push(section(escapeMrkdwn(clamp(state.text, 1500))));

  if (!resolved && (firing.length > 1 || state.truncatedAlerts > 0)) {
    const lines = firing.slice(0, MAX_LISTED_ALERTS).map((a) => {
      const distinct = Object.entries(a.labels)
        .filter(([k]) => !QUIET_LABELS.has(k) && state.commonLabels[k] === undefined)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      const summary =
        a.annotations.summary && a.annotations.summary !== state.title ? ` — ${a.annotations.summary}` : '';
      return `• ${escapeMrkdwn(clamp(`${distinct || a.fingerprint}${summary}`, 300))} (since ${formatTime(a.startsAt, timezone)})`;
    });
    const more = firing.length - MAX_LISTED_ALERTS + state.truncatedAlerts;
    if (more > 0)
      lines.push(
        `… and ${more} more${state.truncatedAlerts > 0 ? ` (${state.truncatedAlerts} not sent by Alertmanager)` : ''}`,
      );
    blocks.push(section(lines.join('\n')));
  }

  const links: string[] = [];
  const generator = state.url ?? state.alerts.find((a) => a.generatorURL)?.generatorURL;
  if (generator) links.push(`<${generator}|Source>`);
  if (state.runbookURL) links.push(`<${state.runbookURL}|Runbook>`);
  if (state.externalURL) links.push(`<${state.externalURL}|Alertmanager>`);
  const notes: string[] = [];
  if (state.acknowledged)
    notes.push(
      `:eyes: Acknowledged by <@${state.acknowledged.by}> at ${formatTime(state.acknowledged.at, timezone)}`,
    );
  if (state.silence)
    notes.push(
      `:mute: Silenced by <@${state.silence.by}> until ${formatTime(state.silence.until, timezone)} (\`${state.silence.id}\`)`,
    );
  if (links.length > 0 || notes.length > 0)
    blocks.push(context(...[...notes, links.join(' · ')].filter(Boolean)));

  if (!resolved) {
    const buttons = [];
    if (!state.acknowledged)
      buttons.push(button({ text: 'Acknowledge', actionId: ACTION.alertAcknowledge, value: groupId }));
    if (!state.silence)
      buttons.push(
        button({ text: 'Silence 1h', actionId: ACTION.alertSilence, value: groupId, style: 'danger' }),
      );
    if (buttons.length > 0) blocks.push(actions(`alert:${groupId}`, buttons));
  }
  const text = `[${count}] ${state.title}${state.severity ? ` (${state.severity})` : ''}`;
  return { text: clamp(text, LIMIT.fallbackText), blocks };
}
