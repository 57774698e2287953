// The Slack request edge, from outside: interactions no listener handles are acknowledged at
// once (HTTP mode and Socket Mode) and nothing else happens; /slack/events checks headers
// before it reads a body, refuses bodies above its limit while they stream, refuses timestamps
// more than five minutes away in either direction, and acknowledges retries and replays of
// requests already handled without handling them again; refusals are counted and logged a
// few at a time.

import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/listeners/gate.js';
import { startTestBot, type TestBot } from '../support/bot.js';
import { FakeSlack } from '../support/fake-slack.js';
import { ROOT } from '../support/run-main.js';
import { postCommand, postEvent, postInteraction, slackSignature } from '../support/sign.js';

const TOKEN = 'xoxb-edge-test';
const SECRET = 'edge-signing-secret';
const APP_TOKEN = 'xapp-1-A0AUDITBOT-EDGEAPPTOKEN';
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'slack');

function unhandledFixtures(
  responseUrl: () => string,
): Array<{ name: string; body: Record<string, unknown> }> {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({
      name: f.replace(/\.json$/, ''),
      body: JSON.parse(
        readFileSync(path.join(FIXTURES, f), 'utf8').replaceAll('RESPONSE_URL', responseUrl()),
      ),
    }));
}

/** Calls that would show something to someone (anything but auth.test). */
const visibleCalls = (slack: FakeSlack, since: number) =>
  slack.calls.slice(since).filter((c) => c.method !== 'auth.test');

describe('Slack requests in HTTP mode', () => {
  let slack: FakeSlack;
  let test: TestBot;
  let events: string;

  beforeAll(async () => {
    slack = await FakeSlack.start({ tokens: [TOKEN] });
    test = await startTestBot({
      env: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl },
      startProbes: false,
    });
    events = `${test.bot.httpUrl}/slack/events`;
  });
  afterAll(async () => {
    await test?.stop();
    await slack?.stop();
  });

  it('acknowledges every interaction and event it has no listener for at once, and does nothing else', async () => {
    for (const { name, body } of unhandledFixtures(() => slack.newResponseUrl())) {
      expect(classify(body).handled, name).toBe(false);
      const before = slack.calls.length;
      const started = performance.now();
      const res =
        body.type === 'event_callback'
          ? await postEvent(events, SECRET, body)
          : await postInteraction(events, SECRET, body);
      const took = performance.now() - started;
      expect(res.status, name).toBe(200);
      // Slack gives up after 3 s and shows the user an error; Bolt's default waits 3 s.
      expect(took, name).toBeLessThan(1500);
      if (body.type === 'block_suggestion') expect(await res.json()).toEqual({ options: [] });
      await new Promise((r) => setTimeout(r, 100));
      expect(visibleCalls(slack, before), name).toEqual([]);
    }
    const metrics = await (await fetch(`${test.bot.httpUrl}/metrics`)).text();
    expect(metrics).toContain('audit_bot_slack_unhandled_total{kind="view_closed"} 1');
    expect(metrics).toContain('audit_bot_slack_unhandled_total{kind="interactive_message"} 1');
  });

  /** A raw request whose body is never sent: the answer must come from the headers alone. */
  function headersOnly(headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const url = new URL(events);
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (error) => {
        if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
      });
      req.flushHeaders();
      setTimeout(() => reject(new Error('no answer before the body was sent')), 3000).unref();
    });
  }

  it('refuses an unsigned request from its headers, without waiting for its body', async () => {
    const status = await headersOnly({
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(4 * 1024 * 1024),
    });
    expect(status).toBe(401);
  });

  it('refuses a body above the limit from its Content-Length, before reading it', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const status = await headersOnly({
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(4 * 1024 * 1024),
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(SECRET, timestamp, 'x'),
    });
    expect(status).toBe(413);
  });

  it('refuses a chunked body once it grows past the limit', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const body = `payload=${'x'.repeat(600 * 1024)}`;
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(events);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'transfer-encoding': 'chunked',
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': slackSignature(SECRET, timestamp, body),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', (error) => {
        if (
          (error as NodeJS.ErrnoException).code !== 'ECONNRESET' &&
          (error as NodeJS.ErrnoException).code !== 'EPIPE'
        )
          reject(error);
      });
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.slice(i, i + 64 * 1024));
      req.end();
    });
    expect(status).toBe(413);
  });

  it('refuses timestamps more than five minutes away in either direction', async () => {
    const now = Math.floor(Date.now() / 1000);
    const fields = {
      team_id: 'T0LOCAL',
      channel_id: 'C0GENERAL',
      user_id: 'U0MEMBER',
      command: '/audit',
      text: 'help',
      response_url: slack.newResponseUrl(),
      trigger_id: slack.newTriggerId(),
    };
    expect((await postCommand(events, SECRET, fields, { timestamp: now + 6 * 60 })).status).toBe(401);
    expect((await postCommand(events, SECRET, fields, { timestamp: now - 6 * 60 })).status).toBe(401);
    expect((await postCommand(events, SECRET, fields, { timestamp: now + 60 })).status).toBe(200);
  });

  it('handles a retried event once, and a retry header on a new event as a new event', async () => {
    const event = (eventId: string, user: string) => ({
      token: 'legacy',
      team_id: 'T0LOCAL',
      api_app_id: 'A0AUDITBOT',
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: '1.0' },
      authorizations: [{ team_id: 'T0LOCAL', user_id: 'U0AUDITBOT', is_bot: true }],
    });
    const retry = async (body: unknown, retryNum: number) => {
      const timestamp = Math.floor(Date.now() / 1000);
      const text = JSON.stringify(body);
      return fetch(events, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': slackSignature(SECRET, timestamp, text),
          'x-slack-retry-num': String(retryNum),
          'x-slack-retry-reason': 'http_timeout',
        },
        body: text,
      });
    };
    const publishes = (user: string) => slack.callsTo('views.publish').filter((c) => c.body.user_id === user);
    expect((await postEvent(events, SECRET, event('Ev0RETRY', 'U0RETRY'))).status).toBe(200);
    await slack.waitFor('views.publish', (c) => c.body.user_id === 'U0RETRY');
    expect((await retry(event('Ev0RETRY', 'U0RETRY'), 1)).status).toBe(200);
    expect((await retry(event('Ev0RETRY', 'U0RETRY'), 2)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(publishes('U0RETRY')).toHaveLength(1);
    // The first delivery never reached the bot: the retry is the first it sees, and is handled.
    expect((await retry(event('Ev0FIRSTSEEN', 'U0LATE'), 1)).status).toBe(200);
    await slack.waitFor('views.publish', (c) => c.body.user_id === 'U0LATE');
    const metrics = await (await fetch(`${test.bot.httpUrl}/metrics`)).text();
    expect(metrics).toContain('audit_bot_slack_duplicates_total{kind="event:app_home_opened"} 2');
  });

  it('answers a replayed signed command once', async () => {
    const fields = {
      team_id: 'T0LOCAL',
      channel_id: 'C0GENERAL',
      user_id: 'U0MEMBER',
      command: '/audit',
      text: 'help',
      response_url: slack.newResponseUrl(),
      trigger_id: slack.newTriggerId(),
    };
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await postCommand(events, SECRET, fields, { timestamp })).status).toBe(200);
    expect((await postCommand(events, SECRET, fields, { timestamp })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const answers = slack.calls.filter(
      (c) => c.method === 'response_url' && fields.response_url.endsWith(`/${c.responseId}`),
    );
    expect(answers).toHaveLength(1);
  });

  it('counts bad signatures and logs them a few lines at a time', async () => {
    const before = test.logs.lines.filter((l) => l.includes('bad_signature')).length;
    for (let i = 0; i < 50; i += 1) {
      const res = await postCommand(events, 'not-the-secret', {
        command: '/audit',
        text: 'help',
        user_id: 'U0X',
        trigger_id: `bad-${i}`,
      });
      expect(res.status).toBe(401);
    }
    const logged = test.logs.lines.filter((l) => l.includes('bad_signature')).length - before;
    expect(logged).toBeGreaterThan(0);
    expect(logged).toBeLessThanOrEqual(5);
    const metrics = await (await fetch(`${test.bot.httpUrl}/metrics`)).text();
    expect(metrics).toContain('audit_bot_slack_requests_refused_total{reason="bad_signature"} 50');
    expect(test.logs.text).not.toContain(SECRET);
  });
});

describe('Slack requests in Socket Mode', () => {
  let slack: FakeSlack;
  let test: TestBot;

  beforeAll(async () => {
    slack = await FakeSlack.start({ tokens: [TOKEN] });
    await slack.enableSocketMode(APP_TOKEN);
    test = await startTestBot({
      env: { SLACK_BOT_TOKEN: TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: slack.apiUrl },
      startProbes: false,
    });
  });
  afterAll(async () => {
    await test?.stop();
    await slack?.stop();
  });

  it('acknowledges every unhandled envelope at once, and does nothing else', async () => {
    for (const { name, body } of unhandledFixtures(() => slack.newResponseUrl())) {
      const before = slack.calls.length;
      const started = performance.now();
      const ack = await slack.sendEnvelope(
        body.type === 'event_callback' ? 'events_api' : 'interactive',
        body,
        1500,
      );
      expect(performance.now() - started, name).toBeLessThan(1500);
      if (body.type === 'block_suggestion') expect(ack.payload).toEqual({ options: [] });
      await new Promise((r) => setTimeout(r, 100));
      expect(visibleCalls(slack, before), name).toEqual([]);
    }
  });
});
