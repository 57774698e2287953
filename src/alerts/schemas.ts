// Webhook bodies of the alert relay, parsed with zod at the edge: Alertmanager's webhook
// (version 4) and the simple JSON alert any script can post.

import { z } from 'zod';

const labels = z.record(z.string(), z.string());

export const alertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labels,
  annotations: labels.default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

/** https://prometheus.io/docs/alerting/latest/configuration/#webhook_config */
export const alertmanagerWebhookSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labels.default({}),
  commonLabels: labels.default({}),
  commonAnnotations: labels.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(alertmanagerAlertSchema).max(10_000),
});
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;

/** POST /alerts (DESIGN.md). */
export const simpleAlertSchema = z.object({
  title: z.string().min(1).max(500),
  status: z.enum(['firing', 'resolved']),
  severity: z.enum(['critical', 'warning', 'info']).optional(),
  key: z.string().min(1).max(500).optional(),
  text: z.string().max(3000).optional(),
  url: z.url().optional(),
  labels: labels.optional(),
});
export type SimpleAlert = z.infer<typeof simpleAlertSchema>;

/** One alert of a group, the same for both sources. */
export interface GroupAlert {
  readonly fingerprint: string;
  readonly status: 'firing' | 'resolved';
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt?: string;
  readonly generatorURL?: string;
}

/** What the Slack message of an alert group shows. */
export interface GroupState {
  readonly groupKey: string;
  readonly source: 'alertmanager' | 'json';
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
