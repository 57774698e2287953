import { describe, expect, it } from 'vitest';
import { alertMessage, threadReplyText } from '../../src/alerts/blocks.js';
import { fromAlertmanager, groupIdOf } from '../../src/alerts/incoming.js';
import { channelFor } from '../../src/alerts/routing.js';
import { type GroupState, readThreadEvent } from '../../src/alerts/schemas.js';
import { parseConfig } from '../../src/config/index.js';
import { findBlockKitProblems } from '../../src/dev/block-limits.js';
import { renderMessage } from '../../src/dev/render.js';

const NOW = new Date('2026-01-18T10:30:00Z');
const BACKENDS = { alertmanager: true, grafana: true };

function webhook(count: number, truncated = 0) {
  return {
    version: '4' as const,
    groupKey: '{}:{alertname="EagleSyncLagging"}',
    truncatedAlerts: truncated,
    status: 'firing' as const,
    receiver: 'audit-bot',
    groupLabels: { alertname: 'EagleSyncLagging' },
    commonLabels: { alertname: 'EagleSyncLagging', severity: 'critical', service: 'eagle-sync' },
    commonAnnotations: { runbook_url: 'https://runbooks.example/eagle-sync' },
    externalURL: 'http://alertmanager.example:9093',
    alerts: Array.from({ length: count }, (_, i) => ({
      status: 'firing' as const,
      labels: {
        alertname: 'EagleSyncLagging',
        severity: 'critical',
        service: 'eagle-sync',
        library: `lib-${i}`,
      },
      annotations: { summary: `Library ${i} is ${i + 5} min behind` },
      startsAt: '2026-01-18T10:00:00Z',
      generatorURL: 'http://prometheus.example/graph',
      fingerprint: `fp${i}`,
    })),
  };
}

function state(count: number, truncated = 0): GroupState {
  return { ...fromAlertmanager(webhook(count, truncated)), firingSince: '2026-01-18T10:00:00Z' };
}

describe('alert message', () => {
  it('shows what fires, since when, the labels that matter and links', () => {
    const message = alertMessage(state(2), groupIdOf('g'), 'Europe/Berlin', NOW, BACKENDS);
    expect(findBlockKitProblems('message', message)).toEqual([]);
    expect(renderMessage(message).text).toMatchInlineSnapshot(`
      "🔴 *[FIRING:2] EagleSyncLagging* — critical
      *Since* 2026-01-18 11:00 (30 min)   *alertname* EagleSyncLagging
      *service* eagle-sync
      • library=lib-0 — Library 0 is 5 min behind (since 2026-01-18 11:00)
      • library=lib-1 — Library 1 is 6 min behind (since 2026-01-18 11:00)
      Source (http://prometheus.example/graph) · Runbook (https://runbooks.example/eagle-sync) · Alertmanager (http://alertmanager.example:9093/)
      [1] Acknowledge  [2] Silence 1h"
    `);
  });

  it('counts what it does not list, including alerts Alertmanager truncated', () => {
    const message = alertMessage(state(40, 25), 'g', 'UTC', NOW, BACKENDS);
    expect(findBlockKitProblems('message', message)).toEqual([]);
    const text = renderMessage(message).text;
    expect(text).toContain('[FIRING:65]');
    expect(text).toContain('… and 55 more (25 not sent by Alertmanager)');
  });

  it('shows a resolved group with its duration and no buttons', () => {
    const resolved: GroupState = { ...state(1), status: 'resolved', resolvedAt: '2026-01-18T10:42:00Z' };
    const text = renderMessage(alertMessage(resolved, 'g', 'UTC', NOW, BACKENDS)).text;
    expect(text).toContain('[RESOLVED] EagleSyncLagging: Library 0 is 5 min behind* — resolved after 42 min');
    expect(text).not.toContain('Acknowledge');
  });

  it('shows who acknowledged and silenced, and drops those buttons', () => {
    const handled: GroupState = {
      ...state(1),
      acknowledged: { by: 'U0MEMBER', at: '2026-01-18T10:05:00Z' },
      silence: { id: 'abc-123', by: 'U0APPROVER', until: '2026-01-18T11:05:00Z' },
    };
    const text = renderMessage(alertMessage(handled, 'g', 'UTC', NOW, BACKENDS)).text;
    expect(text).toContain('Acknowledged by @U0MEMBER at 2026-01-18 10:05');
    expect(text).toContain('Silenced by @U0APPROVER until 2026-01-18 11:05 (abc-123)');
    expect(text).not.toContain('[1]');
  });
});

describe('channelFor', () => {
  const config = parseConfig(
    `
slack: { channels: { alerts: C0FALLBACK } }
alerts:
  routes:
    - { match: { severity: critical }, channel: C0CRIT }
    - { match: { team: music, severity: warning }, channel: C0MUSIC }
`,
    '/tmp/a.yml',
  );
  it('takes the first route whose labels all match, else the alerts channel', () => {
    expect(channelFor({ severity: 'critical', team: 'music' }, config)).toBe('C0CRIT');
    expect(channelFor({ severity: 'warning', team: 'music' }, config)).toBe('C0MUSIC');
    expect(channelFor({ severity: 'warning' }, config)).toBe('C0FALLBACK');
  });
});

describe('thread replies', () => {
  it('word each stored event, and show the text older versions stored as it is', () => {
    const events = [
      JSON.stringify({ kind: 'resolved', lastedMs: 90_000 }),
      JSON.stringify({ kind: 'firing_again' }),
      JSON.stringify({ kind: 'acknowledged', by: 'U0ONCALL' }),
      JSON.stringify({ kind: 'silenced', by: 'U0ONCALL', silenceId: 'a<b>' }),
      ':eyes: Acknowledged by <@U0OLD>.',
      '{"kind":"unknown"}',
    ].map((stored) => threadReplyText(readThreadEvent(stored)));
    expect(events).toEqual([
      ':white_check_mark: Resolved after 1 min 30 s.',
      ':rotating_light: Firing again.',
      ':eyes: Acknowledged by <@U0ONCALL>.',
      ':mute: Silenced for 1 h by <@U0ONCALL> (silence `a&lt;b&gt;`).',
      ':eyes: Acknowledged by <@U0OLD>.',
      '{"kind":"unknown"}',
    ]);
  });
});
