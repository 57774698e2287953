// Alert webhooks as the world sends them, end to end through the real bot to the fake Slack:
// Alertmanager v4, Grafana's webhook contact point (on /alerts/alertmanager, /alerts/grafana and
// /alerts), and what relays and hand-written scripts post (no per-alert status, nulls, no
// groupKey, old timestamps, Japanese, Arabic and emoji). Each firing notification becomes one
// message in the routed channel that names the alertname; the resolve updates that message.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/dev/render.js';
import { HTTP_BOT, type HttpBot, startHttpBot, type TestBot } from '../support/bot.js';
import type { FakeSlack, SlackCall } from '../support/fake-slack.js';
import { alertFixture } from '../support/fixtures.js';
import { until } from '../support/until.js';

const WEBHOOK = HTTP_BOT.webhookToken;

const CONFIG = `
timezone: UTC
slack: { channels: { alerts: C0ALERTS }, approvers: [U0APPROVER] }
alerts:
  default_channel: C0ALERTS
  rate_per_channel: 20
  burst: 20
  routes:
    - { match: { severity: critical }, channel: C0CRIT }
    - { match: { team: music-library }, channel: C0MUSIC }
`;

const fixture = alertFixture;

const rendered = (call: SlackCall) =>
  renderMessage({ text: String(call.body.text ?? ''), blocks: (call.body.blocks as unknown[]) ?? [] }).text;

describe('alert webhooks as senders really send them', () => {
  let bot: HttpBot;
  let slack: FakeSlack;
  let test: TestBot;

  beforeAll(async () => {
    bot = await startHttpBot({ configYaml: CONFIG, env: { ALERTMANAGER_URL: 'http://127.0.0.1:9' } });
    ({ slack, test } = bot);
  });
  afterAll(async () => {
    await bot?.stop();
  });

  const send = (route: string, body: unknown) => bot.webhook(route, body);
  const topLevel = (channel: string) =>
    slack.calls.filter(
      (c) =>
        c.method === 'chat.postMessage' && c.body.channel === channel && !c.body.thread_ts && c.answer.ok,
    );
  const updatesOf = (ts: string) =>
    slack.calls.filter((c) => c.method === 'chat.update' && c.body.ts === ts && c.answer.ok);

  /** Fires, then resolves; returns the post and the resolving update. */
  async function roundTrip(route: string, firing: unknown, resolved: unknown, channel: string) {
    const before = topLevel(channel).length;
    const fired = await send(route, firing);
    expect(fired.status).toBe(202);
    const post = await until(() => topLevel(channel)[before]);
    const ts = String(post.answer.ts);
    const done = await send(route, resolved);
    expect(done.status).toBe(202);
    const update = await until(() => updatesOf(ts).find((c) => rendered(c).includes('[RESOLVED]')));
    // The resolve changes the same message: no second top-level post for the group.
    await new Promise((r) => setTimeout(r, 300));
    expect(topLevel(channel).length).toBe(before + 1);
    return { post, update };
  }

  it('Alertmanager v4: one message naming the alertname, updated when resolved', async () => {
    const { post, update } = await roundTrip(
      '/alerts/alertmanager',
      fixture('alertmanager-v4-firing'),
      fixture('alertmanager-v4-resolved'),
      'C0CRIT',
    );
    const shown = rendered(post);
    expect(shown).toContain(
      '*[FIRING:2] FingerprintJobDown: The fingerprint batch job has not reported for 15 minutes* — critical',
    );
    expect(shown).toContain('*alertname* FingerprintJobDown');
    expect(shown).toContain('instance=worker-1:9100');
    expect(shown).toContain('Since* 2026-01-18 06:46');
    expect(String(post.body.text)).toContain('[FIRING:2] FingerprintJobDown');
    expect(String(post.body.text)).toContain('alertname=FingerprintJobDown');
    expect(rendered(update)).toContain('[RESOLVED] FingerprintJobDown');
    expect(String(update.body.text)).toContain('[RESOLVED] FingerprintJobDown');
  });

  for (const route of ['/alerts/alertmanager', '/alerts/grafana', '/alerts']) {
    it(`Grafana's webhook contact point on ${route}: grouped by groupKey, values and links shown`, async () => {
      // Each route gets its own group: the same groupKey would be the same message.
      const firing = { ...fixture('grafana-firing'), groupKey: `${route}:grafana-group` };
      const resolved = { ...fixture('grafana-resolved'), groupKey: `${route}:grafana-group` };
      const { post, update } = await roundTrip(route, firing, resolved, 'C0MUSIC');
      const shown = rendered(post);
      // Grafana's own title ("[FIRING:2] Eagle sync lagging Pipeline (music-library)") is not used.
      expect(shown).toContain('*[FIRING:2] Eagle sync lagging*');
      expect(shown).not.toContain('[FIRING:2] Eagle sync lagging Pipeline');
      expect(shown).toContain('*alertname* Eagle sync lagging');
      expect(shown).toContain('Since* 2026-01-18 08:10');
      expect(shown).toContain('library=main — Eagle sync is 20 minutes behind on main — B=1,214.5, C=1');
      expect(shown).toContain(
        'library=archive — Eagle sync is 25 minutes behind on archive — B=1,502.25, C=1',
      );
      expect(shown).toContain('Dashboard (https://grafana.example/d/pipeline?orgId=1)');
      expect(shown).toContain('Panel (https://grafana.example/d/pipeline?orgId=1&viewPanel=4)');
      expect(shown).toContain('Grafana (https://grafana.example/)');
      // Without GRAFANA_URL/GRAFANA_TOKEN there is no Silence button that could only fail.
      expect(shown).toContain('[1] Acknowledge');
      expect(shown).not.toContain('Silence 1h]');
      expect(shown).toContain('set GRAFANA_URL and GRAFANA_TOKEN');
      expect(String(post.body.text)).toContain('Eagle sync lagging');
      expect(rendered(update)).toContain('[RESOLVED] Eagle sync lagging');
    });
  }

  it('relay quirks: no per-alert status, nulls, no groupKey, 2016 timestamps, CJK, Arabic and emoji', async () => {
    const { post, update } = await roundTrip(
      '/alerts/alertmanager',
      fixture('relay-quirks'),
      fixture('relay-quirks-resolved'),
      'C0ALERTS',
    );
    const shown = rendered(post);
    expect(shown).toContain('[FIRING:2] 指紋カバレッジ低下');
    expect(shown).toContain('Since* 2016-03-07 14:02');
    expect(shown).toContain('library=アーカイブ — 指紋カバレッジが 20.1% に低下 🎧 — تغطية البصمات منخفضة');
    expect(String(post.body.text)).toContain('alertname=指紋カバレッジ低下');
    expect(rendered(update)).toContain('[RESOLVED] 指紋カバレッジ低下');
  });

  it('refuses unreadable times with the field named, and counts refusals by route and reason', async () => {
    const poisoned = fixture('alertmanager-v4-firing');
    (poisoned.alerts as Array<Record<string, unknown>>)[0] = {
      ...(poisoned.alerts as Array<Record<string, unknown>>)[0],
      startsAt: 'not-a-date',
    };
    const answer = await send('/alerts/alertmanager', poisoned);
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { issues: Array<{ path: string; message: string }> };
    expect(body.issues).toContainEqual(
      expect.objectContaining({ path: 'alerts.0.startsAt', message: expect.stringContaining('RFC 3339') }),
    );
    const unauthorized = await fetch(`${test.bot.httpUrl}/alerts`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unauthorized.status).toBe(401);
    const metrics = await (await fetch(`${test.bot.httpUrl}/metrics`)).text();
    expect(metrics).toContain(
      'audit_bot_webhook_refused_total{route="/alerts/alertmanager",reason="invalid_body"} 1',
    );
    expect(metrics).toContain('audit_bot_webhook_refused_total{route="/alerts",reason="unauthorized"} 1');
    expect(test.logs.text).toContain('webhook refused (400 invalid_body): alerts.0.startsAt');
    expect(test.logs.text).toContain('webhook refused (401 unauthorized): wrong bearer token');
    expect(test.logs.text).not.toContain(WEBHOOK);
  });

  it('logs a flood of refusals a few lines at a time', async () => {
    const before = test.logs.lines.filter((l) => l.includes('webhook refused (415')).length;
    for (let i = 0; i < 30; i += 1) {
      const answer = await fetch(`${test.bot.httpUrl}/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WEBHOOK}`, 'content-type': 'text/plain' },
        body: 'x',
      });
      expect(answer.status).toBe(415);
    }
    const logged = test.logs.lines.filter((l) => l.includes('webhook refused (415')).length - before;
    expect(logged).toBeGreaterThan(0);
    expect(logged).toBeLessThanOrEqual(5);
    const metrics = await (await fetch(`${test.bot.httpUrl}/metrics`)).text();
    expect(metrics).toContain(
      'audit_bot_webhook_refused_total{route="/alerts",reason="unsupported_media_type"} 30',
    );
  });
});
