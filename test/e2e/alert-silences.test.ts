// Silence 1h against real silence APIs behind real credentials. Grafana serves Alertmanager's
// v2 silences API for its own alerts at /api/alertmanager/grafana/api/v2/silences and wants a
// service account token; the real Alertmanager binary, started with that route prefix behind
// a proxy that refuses a missing or wrong bearer token with 401 (as Grafana does), stands in
// for it. Alertmanager itself is reached through ALERTMANAGER_AUTHORIZATION, never through
// credentials inside ALERTMANAGER_URL.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/index.js';
import { type RunningAlertmanager, startAlertmanager } from '../support/alertmanager.js';
import { startTestBot, type TestBot, tempDir } from '../support/bot.js';
import { FakeSlack, type SlackCall } from '../support/fake-slack.js';
import { alertFixture } from '../support/fixtures.js';
import { postInteraction } from '../support/sign.js';
import { until } from '../support/until.js';

const TOKEN = 'xoxb-silences-test';
const SECRET = 'silences-signing-secret';
const WEBHOOK = 'silences-webhook-token-0123456789';
const GRAFANA_TOKEN = 'glsa_grafana-service-account-token-01234';
const AM_AUTHORIZATION = `Basic ${Buffer.from('audit-bot:am-password-0123456789').toString('base64')}`;

/** Forwards to `target` only requests carrying `authorization`; 401 otherwise. */
async function authProxy(
  target: string,
  authorization: string,
): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push(req.headers.authorization ?? '(none)');
      if (req.headers.authorization !== authorization) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end('{"message":"invalid API key"}');
        return;
      }
      fetch(`${target}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers: { 'content-type': 'application/json' },
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      }).then(
        async (answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(await answer.text());
        },
        () => {
          res.writeHead(502);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls Alertmanager's silences until there is one. */
async function silencesOf(
  am: RunningAlertmanager,
): Promise<Awaited<ReturnType<RunningAlertmanager['silences']>>> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = await am.silences();
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Silence 1h through Grafana and an Alertmanager behind credentials', () => {
  let slack: FakeSlack;
  let test: TestBot;
  let grafanaAm: RunningAlertmanager;
  let plainAm: RunningAlertmanager;
  let grafana: Awaited<ReturnType<typeof authProxy>>;
  let amProxy: Awaited<ReturnType<typeof authProxy>>;
  const dir = tempDir();

  beforeAll(async () => {
    slack = await FakeSlack.start({ tokens: [TOKEN] });
    grafanaAm = await startAlertmanager({
      dir,
      webhookUrl: 'http://127.0.0.1:9/unused',
      token: 'unused',
      routePrefix: '/api/alertmanager/grafana',
    });
    plainAm = await startAlertmanager({ dir, webhookUrl: 'http://127.0.0.1:9/unused', token: 'unused' });
    // The proxy keeps the path: Grafana's base URL plus /api/alertmanager/grafana/api/v2/…
    grafana = await authProxy(new URL(grafanaAm.url).origin, `Bearer ${GRAFANA_TOKEN}`);
    amProxy = await authProxy(plainAm.url, AM_AUTHORIZATION);
    test = await startTestBot({
      env: {
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        AUDIT_BOT_WEBHOOK_TOKEN: WEBHOOK,
        GRAFANA_URL: grafana.url,
        GRAFANA_TOKEN,
        ALERTMANAGER_URL: amProxy.url,
        ALERTMANAGER_AUTHORIZATION: AM_AUTHORIZATION,
      },
      configYaml: `
timezone: UTC
slack: { channels: { alerts: C0ALERTS }, approvers: [U0APPROVER] }
alerts: { default_channel: C0ALERTS, rate_per_channel: 20, burst: 20 }
`,
      startProbes: false,
    });
  }, 60_000);
  afterAll(async () => {
    await test?.stop();
    await grafana?.close();
    await amProxy?.close();
    await grafanaAm?.stop();
    await plainAm?.stop();
    await slack?.stop();
  });

  const send = (route: string, body: unknown) =>
    fetch(`${test.bot.httpUrl}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WEBHOOK}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const postsOf = (needle: string) =>
    slack.calls.filter(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.answer.ok === true &&
        !c.body.thread_ts &&
        String(c.body.text).includes(needle),
    );

  async function pressSilence(post: SlackCall): Promise<void> {
    const ts = String(post.answer.ts);
    const blocks = post.body.blocks as Array<{
      type: string;
      elements?: Array<{ action_id: string; value: string }>;
    }>;
    const silence = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'alert_silence');
    expect(silence).toBeDefined();
    await postInteraction(`${test.bot.httpUrl}/slack/events`, SECRET, {
      type: 'block_actions',
      team: { id: 'T0LOCAL' },
      user: { id: 'U0APPROVER', team_id: 'T0LOCAL' },
      channel: { id: 'C0ALERTS' },
      container: { type: 'message', message_ts: ts, channel_id: 'C0ALERTS' },
      message: { ts, blocks },
      trigger_id: slack.newTriggerId(),
      response_url: slack.newResponseUrl(),
      actions: [
        { type: 'button', action_id: 'alert_silence', block_id: 'b', value: silence?.value, action_ts: '1' },
      ],
    });
  }

  it("creates the silence of a Grafana group in Grafana's own silences API, with its token", async () => {
    expect((await send('/alerts/grafana', alertFixture('grafana-firing'))).status).toBe(202);
    const post = await until(() => postsOf('Eagle sync lagging')[0]);
    await pressSilence(post);
    const silences = await silencesOf(grafanaAm);
    expect(silences[0]?.matchers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'alertname', value: 'Eagle sync lagging' }),
        expect.objectContaining({ name: 'grafana_folder', value: 'Pipeline' }),
      ]),
    );
    expect(silences[0]?.createdBy).toBe('slack:U0APPROVER');
    expect(grafana.seen.at(-1)).toBe(`Bearer ${GRAFANA_TOKEN}`);
    // Alertmanager's own API was not used for a Grafana alert.
    expect(await plainAm.silences()).toHaveLength(0);
    await until(() =>
      slack.calls.find(
        (c) =>
          c.method === 'chat.update' &&
          c.body.ts === post.answer.ts &&
          String(JSON.stringify(c.body.blocks)).includes('Silenced by'),
      ),
    );
  });

  it('sends ALERTMANAGER_AUTHORIZATION to Alertmanager, and logs no credentials', async () => {
    expect((await send('/alerts/alertmanager', alertFixture('alertmanager-v4-firing'))).status).toBe(202);
    const post = await until(() => postsOf('FingerprintJobDown')[0]);
    await pressSilence(post);
    const silences = await silencesOf(plainAm);
    expect(silences[0]?.matchers).toEqual([
      expect.objectContaining({ name: 'alertname', value: 'FingerprintJobDown' }),
    ]);
    expect(amProxy.seen.at(-1)).toBe(AM_AUTHORIZATION);
    expect(test.logs.text).not.toContain(GRAFANA_TOKEN);
    expect(test.logs.text).not.toContain('am-password');
  });

  it('refuses credentials inside ALERTMANAGER_URL or GRAFANA_URL at start, without echoing them', () => {
    expect(() => loadEnv({ ALERTMANAGER_URL: 'http://admin:hunter2-secret@am.example:9093' })).toThrow(
      /ALERTMANAGER_URL: must not contain a user name or password \(put credentials in ALERTMANAGER_AUTHORIZATION\)/,
    );
    try {
      loadEnv({ GRAFANA_URL: 'https://svc:hunter2-secret@grafana.example', GRAFANA_TOKEN: 'x' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toContain('GRAFANA_URL: must not contain a user name or password');
      expect(String(error)).not.toContain('hunter2');
    }
    expect(() => loadEnv({ GRAFANA_URL: 'https://grafana.example' })).toThrow(/GRAFANA_TOKEN: is required/);
    expect(() =>
      loadEnv({ ALERTMANAGER_URL: 'http://am:9093', ALERTMANAGER_AUTHORIZATION: 'hunter2' }),
    ).toThrow(/ALERTMANAGER_AUTHORIZATION: must be a whole Authorization header value/);
  });
});
