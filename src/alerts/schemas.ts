// Webhook bodies of the alert relay, parsed with zod at the edge: Alertmanager's webhook
// (version 4) and the simple JSON alert any script can post.

import { z } from 'zod';
import { normalizeRecord, normalizeText } from '../kit/text.js';

// As lenient as the senders are: Alertmanager omits nothing, but hand-written payloads and
// relays do (a per-alert `status`, `truncatedAlerts`, `groupKey`), relays written in Go send
// `null` for empty maps, and Grafana adds fields of its own. As strict as a receiver must be:
// times are RFC 3339, every text is normalised (no lone surrogates or control characters).

const text = z.string().transform(normalizeText);

/** Label and annotation maps; `null` (a Go relay's empty map) reads as `{}`. */
const labelMap = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .nullish()
  .transform((map) =>
    normalizeRecord(Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, String(v)]))),
  );

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 time (Alertmanager sends nanoseconds and offsets), kept as ISO 8601 in UTC. */
export const rfc3339 = z.string().transform((value, ctx) => {
  const ms = RFC3339.test(value) ? Date.parse(value.replace(' ', 'T')) : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be an RFC 3339 time such as 2026-01-18T08:00:00Z' });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

const status = z.preprocess(
  (v) => (typeof v === 'string' ? v.toLowerCase() : v),
  z.enum(['firing', 'resolved']),
);

export const alertmanagerAlertSchema = z.object({
  /** Omitted by many hand-written payloads: the notification's status applies. */
  status: status.optional(),
  labels: labelMap,
  annotations: labelMap,
  /** Alertmanager always sends it; a hand-written alert without one started when it arrived. */
  startsAt: rfc3339.optional(),
  /** `0001-01-01T00:00:00Z` (Go's zero time) while firing. */
  endsAt: rfc3339.nullish(),
  generatorURL: text.nullish(),
  fingerprint: text.nullish(),
  // Grafana's webhook contact point adds these per alert.
  silenceURL: text.nullish(),
  dashboardURL: text.nullish(),
  panelURL: text.nullish(),
  imageURL: text.nullish(),
  values: z.record(z.string(), z.number().nullable()).nullish(),
  valueString: text.nullish(),
});

/**
 * Alertmanager's webhook (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config,
 * version 4) and Grafana's webhook contact point, which posts the same shape with `version: "1"`
 * and `orgId`, `state`, `title`, `message` added.
 */
export const alertmanagerWebhookSchema = z.object({
  version: z.union([z.string(), z.number()]).nullish(),
  /** Alertmanager's identity of the group; derived from the group labels when a sender omits it. */
  groupKey: text.pipe(z.string().min(1)).nullish(),
  truncatedAlerts: z.number().int().nonnegative().nullish(),
  status,
  receiver: text.nullish(),
  groupLabels: labelMap,
  commonLabels: labelMap,
  commonAnnotations: labelMap,
  externalURL: text.nullish(),
  alerts: z.array(alertmanagerAlertSchema).min(1).max(10_000),
  // Grafana's own fields.
  orgId: z.number().nullish(),
  state: text.nullish(),
  title: text.nullish(),
  message: text.nullish(),
});
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;

/** Grafana's webhook contact point, told apart from Alertmanager by the fields only it sends. */
export function isGrafana(payload: AlertmanagerWebhook): boolean {
  return (
    String(payload.version ?? '') === '1' ||
    (payload.orgId !== undefined && payload.orgId !== null) ||
    payload.alerts.some((a) => a.silenceURL != null || a.dashboardURL != null || a.panelURL != null)
  );
}

/** A body in Alertmanager's shape (whatever route it was posted to). */
export function looksLikeAlertmanager(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    Array.isArray((body as { alerts?: unknown }).alerts) &&
    ('groupKey' in body || 'receiver' in body || 'groupLabels' in body || 'commonLabels' in body)
  );
}

/** POST /alerts (DESIGN.md). */
export const simpleAlertSchema = z.object({
  title: text.pipe(z.string().min(1).max(500)),
  status,
  severity: z.enum(['critical', 'warning', 'info']).optional(),
  key: text.pipe(z.string().min(1).max(500)).optional(),
  text: text.pipe(z.string().max(3000)).optional(),
  /** Only http(s): the link is shown in Slack. */
  url: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  labels: labelMap.optional(),
});
export type SimpleAlert = z.infer<typeof simpleAlertSchema>;

/** The links an alert may carry: its source, and Grafana's own per alert. */
export const ALERT_LINKS = ['generatorURL', 'silenceURL', 'dashboardURL', 'panelURL', 'imageURL'] as const;

/** One alert of a group, the same for both sources. */
export interface GroupAlert extends Readonly<Partial<Record<(typeof ALERT_LINKS)[number], string>>> {
  readonly fingerprint: string;
  readonly status: 'firing' | 'resolved';
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt?: string;
  /** Grafana's query values. */
  readonly values?: Readonly<Record<string, number | null>>;
}

/** What the Slack message of an alert group shows. */
export interface GroupState {
  readonly groupKey: string;
  readonly source: 'alertmanager' | 'grafana' | 'json';
  readonly status: 'firing' | 'resolved';
  readonly title: string;
  readonly severity: string | undefined;
  /** Labels every alert shares: the silence matchers, and the labels worth showing. */
  readonly groupLabels: Record<string, string>;
  readonly commonLabels: Record<string, string>;
  readonly alerts: readonly GroupAlert[];
  readonly truncatedAlerts: number;
  readonly text?: string;
  readonly url?: string;
  readonly externalURL?: string;
  readonly runbookURL?: string;
  /** When this firing episode started (reset when a resolved group fires again). */
  readonly firingSince: string;
  readonly resolvedAt?: string;
  readonly acknowledged?: { readonly by: string; readonly at: string };
  readonly silence?: { readonly id: string; readonly by: string; readonly until: string };
}

/** What a thread reply under a group's message says, stored until it is posted. */
export const threadEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('resolved'), lastedMs: z.number() }),
  z.object({ kind: z.literal('firing_again') }),
  z.object({ kind: z.literal('acknowledged'), by: z.string() }),
  z.object({ kind: z.literal('silenced'), by: z.string(), silenceId: z.string() }),
  // Replies queued by versions that stored the finished text.
  z.object({ kind: z.literal('text'), text: z.string() }),
]);
export type ThreadEvent = z.infer<typeof threadEventSchema>;

/** A stored reply: an event, or the finished text older versions stored. */
export function readThreadEvent(stored: string): ThreadEvent {
  try {
    const parsed = threadEventSchema.safeParse(JSON.parse(stored));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: text stored by an older version.
  }
  return { kind: 'text', text: stored };
}
