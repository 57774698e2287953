// What a webhook says about an alert group, read from Alertmanager's (and Grafana's) payload
// or a plain JSON alert, and how it changes the group's stored state: pure functions, so the
// store (groups.ts) only keeps what they decide.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { own } from '../kit/text.js';
import {
  ALERT_LINKS,
  type AlertmanagerWebhook,
  type GroupAlert,
  type GroupState,
  isGrafana,
  type SimpleAlert,
} from './schemas.js';

/** What a webhook says about a group; the episode fields are kept by the store. */
export type IncomingGroup = Omit<GroupState, 'firingSince' | 'resolvedAt' | 'acknowledged' | 'silence'>;

export function groupIdOf(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex').slice(0, 20);
}

/** Alerts named in a title before the rest are counted ("A, B, C and 2 more"). */
const NAMES_IN_TITLE = 3;

/**
 * Alertmanager's webhook, or Grafana's (same shape): grouped by `groupKey` (derived from the
 * receiver and group labels when a hand-written payload has none), each alert taking the
 * notification's status when it has none of its own. The title puts the alertname first —
 * people find rules and silences by it — followed by the summary.
 */
export function fromAlertmanager(payload: AlertmanagerWebhook, now: Date = new Date()): IncomingGroup {
  const grafana = isGrafana(payload);
  const alerts: GroupAlert[] = payload.alerts.map((a) => ({
    fingerprint:
      a.fingerprint ?? createHash('sha256').update(JSON.stringify(a.labels)).digest('hex').slice(0, 16),
    status: a.status ?? payload.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt ?? now.toISOString(),
    // Go's zero time means "not ended".
    ...(a.endsAt && !a.endsAt.startsWith('0001-') ? { endsAt: a.endsAt } : {}),
    ...Object.fromEntries(ALERT_LINKS.flatMap((k) => (a[k] ? [[k, a[k]]] : []))),
    ...(a.values && Object.keys(a.values).length > 0 ? { values: a.values } : {}),
  }));
  const common = payload.commonLabels;
  const annotations = payload.commonAnnotations;
  const runbook =
    own(annotations, 'runbook_url') ??
    alerts.map((a) => own(a.annotations, 'runbook_url')).find((url) => url !== undefined);
  const groupLabels = Object.keys(payload.groupLabels).length > 0 ? payload.groupLabels : common;
  const description =
    own(annotations, 'description') ??
    (alerts.length === 1 ? own(alerts[0]?.annotations ?? {}, 'description') : undefined);
  return {
    groupKey: payload.groupKey ?? derivedGroupKey(payload.receiver ?? '', groupLabels),
    source: grafana ? 'grafana' : 'alertmanager',
    status: payload.status,
    title: groupTitle(payload, alerts),
    severity: own(common, 'severity'),
    groupLabels,
    commonLabels: common,
    alerts,
    truncatedAlerts: payload.truncatedAlerts ?? 0,
    ...(description ? { text: description } : {}),
    ...(payload.externalURL ? { externalURL: payload.externalURL } : {}),
    ...(runbook ? { runbookURL: runbook } : {}),
  };
}

/** Alertmanager's own form: `{}:{alertname="X",team="blue"}`, keyed by the receiver too. */
function derivedGroupKey(receiver: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
  return `${receiver}:{${pairs}}`;
}

/** `alertname: summary`; several alertnames are listed; Grafana's own title is never used. */
function groupTitle(payload: AlertmanagerWebhook, alerts: readonly GroupAlert[]): string {
  const names = [...new Set(alerts.map((a) => own(a.labels, 'alertname')).filter((n): n is string => !!n))];
  const name =
    own(payload.groupLabels, 'alertname') ??
    own(payload.commonLabels, 'alertname') ??
    (names.length > 0
      ? `${names.slice(0, NAMES_IN_TITLE).join(', ')}${names.length > NAMES_IN_TITLE ? ` and ${names.length - NAMES_IN_TITLE} more` : ''}`
      : undefined);
  const summary =
    own(payload.commonAnnotations, 'summary') ??
    (alerts.length === 1 ? own(alerts[0]?.annotations ?? {}, 'summary') : undefined);
  if (name && summary && summary !== name) return `${name}: ${summary}`;
  return name ?? summary ?? 'Alert';
}

export function fromSimple(alert: SimpleAlert, now: Date): IncomingGroup {
  const labels = {
    alertname: alert.title,
    ...(alert.severity ? { severity: alert.severity } : {}),
    ...(alert.labels ?? {}),
  };
  return {
    groupKey: `json:${alert.key ?? alert.title}`,
    source: 'json',
    status: alert.status,
    title: alert.title,
    severity: alert.severity ?? (alert.labels ? own(alert.labels, 'severity') : undefined),
    groupLabels: labels,
    commonLabels: labels,
    alerts: [
      {
        fingerprint: groupIdOf(alert.key ?? alert.title),
        status: alert.status,
        labels,
        annotations: alert.text ? { description: alert.text } : {},
        startsAt: now.toISOString(),
        ...(alert.url ? { generatorURL: alert.url } : {}),
      },
    ],
    truncatedAlerts: 0,
    ...(alert.text ? { text: alert.text } : {}),
    ...(alert.url ? { url: alert.url } : {}),
  };
}

const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 0, warning: 1 };

/**
 * Delivery order within a channel: critical first, then warning, then everything else. Total:
 * it also reads states stored by older versions, whatever they hold.
 */
export function severityRank(severity: unknown): number {
  return typeof severity === 'string' ? (own(SEVERITY_RANK, severity.toLowerCase()) ?? 2) : 2;
}

/** Longest source key kept (it comes from webhook bodies and is shown in the held-back notice). */
const MAX_SOURCE_KEY = 200;

const relaySourceFields = z.looseObject({
  receiver: z.string().optional().catch(undefined),
  externalURL: z.string().optional().catch(undefined),
});
const jsonSourceFields = z.looseObject({
  key: z.string().optional().catch(undefined),
  labels: z.record(z.string(), z.string()).nullish().catch(undefined),
});

/**
 * Where a group comes from, for the cap on open groups per source:
 * - Alertmanager (and other relays posting its format): `<kind>:<receiver>@<externalURL>`,
 *   i.e. one Alertmanager receiver;
 * - JSON alerts: `json:<labels.source>` when the alert names its source, else
 *   `json:<prefix>` when its `key` has one (the part before the first `/` or `:`), else `json`
 *   (all JSON alerts without either share one source).
 */
export function sourceKeyOf(
  kind: string,
  body: unknown,
  incoming: Pick<IncomingGroup, 'externalURL'>,
): string {
  let key: string;
  if (kind === 'json') {
    const { key: alertKey, labels } = jsonSourceFields.safeParse(body).data ?? {};
    const named = labels ? own(labels, 'source') : undefined;
    const prefix = /^([^/:]+)[/:]/.exec(alertKey ?? '')?.[1];
    key = named ? `json:${named}` : prefix ? `json:${prefix}` : 'json';
  } else {
    const { receiver = '', externalURL = '' } = relaySourceFields.safeParse(body).data ?? {};
    key = `${kind}:${receiver}@${incoming.externalURL ?? externalURL}`;
  }
  return [...key].slice(0, MAX_SOURCE_KEY).join('');
}

/** The group's new state: the webhook's view, with the episode (since, acknowledged, silence) kept. */
export function merge(previous: GroupState | undefined, incoming: IncomingGroup, now: Date): GroupState {
  const at = now.toISOString();
  const refired = previous?.status === 'resolved' && incoming.status === 'firing';
  const earliest = incoming.alerts
    .filter((a) => a.status === 'firing')
    .map((a) => a.startsAt)
    .sort()[0];
  const firingSince =
    !previous || refired
      ? earliest && Date.parse(earliest) <= now.getTime()
        ? earliest
        : at
      : previous.firingSince;
  return {
    ...incoming,
    firingSince,
    ...(incoming.status === 'resolved'
      ? { resolvedAt: previous?.resolvedAt && previous.status === 'resolved' ? previous.resolvedAt : at }
      : {}),
    ...(previous?.acknowledged && !refired ? { acknowledged: previous.acknowledged } : {}),
    ...(previous?.silence && Date.parse(previous.silence.until) > now.getTime()
      ? { silence: previous.silence }
      : {}),
  };
}
