// The alert relay's test setup shared by the in-process and the child-process tests: its
// tokens, a config routing by severity, JSON alerts sent to /alerts, and reading posts back.

import type { FakeSlack, SlackCall } from './fake-slack.js';

export const RELAY = {
  token: 'xoxb-storm-test',
  secret: 'storm-signing-secret',
  webhookToken: 'storm-webhook-token-0123456789',
} as const;

/** JSON alerts without a source share one; these storms are meant to go through uncapped. */
export function relayConfig(rate: number, maxOpenPerSource = 1000): string {
  return `
timezone: UTC
slack: { channels: { alerts: C0ALERTS }, approvers: [U0APPROVER] }
alerts:
  default_channel: C0ALERTS
  rate_per_channel: ${rate}
  burst: 3
  max_open_groups_per_source: ${maxOpenPerSource}
  routes:
    - { match: { severity: critical }, channel: C0CRIT }
    - { match: { severity: info }, channel: C0INFO }
`;
}

export function sendAlert(
  base: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base}/alerts`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${RELAY.webhookToken}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Successful top-level posts (group messages, not thread replies). */
export const topLevel = (slack: FakeSlack) =>
  slack.calls.filter((c) => c.method === 'chat.postMessage' && !c.body.thread_ts && c.answer.ok === true);

/** The alert group a post belongs to, from its metadata. */
export const groupOf = (call: SlackCall) =>
  String((call.body.metadata as { event_payload?: { group_id?: string } }).event_payload?.group_id);
