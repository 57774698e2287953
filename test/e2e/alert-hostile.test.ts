// Alert payloads from someone who can reach the webhook (or fire an alert) and means harm:
// pings and disguised links through URL fields and titles, lone surrogates, deeply nested
// JSON, and label names that are Object.prototype's. None may reach Slack as anything but
// inert text, none may stop delivery, none may get a 5xx.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpBot, startHttpBot, type TestBot } from '../support/bot.js';
import type { FakeSlack, SlackCall } from '../support/fake-slack.js';
import { alertFixture as fixture } from '../support/fixtures.js';
import { until } from '../support/until.js';

/** Every text Slack renders in a message: the fallback text and every text object. */
function renderedTexts(call: SlackCall): string[] {
  const out = [String(call.body.text ?? '')];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if ((record.type === 'mrkdwn' || record.type === 'plain_text') && typeof record.text === 'string')
        out.push(record.text);
      for (const value of Object.values(record)) walk(value);
    }
  };
  walk(call.body.blocks);
  return out;
}

/** Slack's control sequences: `<!here>`, `<!channel>`, `<@U…>`, and links `<url|label>`. */
function controlSequences(text: string): string[] {
  return [...text.matchAll(/<([^>]*)>/g)].map((m) => m[1] ?? '');
}

describe('hostile alert payloads', () => {
  let bot: HttpBot;
  let slack: FakeSlack;
  let test: TestBot;

  beforeAll(async () => {
    bot = await startHttpBot({
      configYaml: `
timezone: UTC
slack: { channels: { alerts: C0ALERTS }, approvers: [U0APPROVER] }
alerts: { default_channel: C0ALERTS, rate_per_channel: 20, burst: 20 }
`,
    });
    ({ slack, test } = bot);
  });
  afterAll(async () => {
    await bot?.stop();
  });

  const send = (route: string, body: string) => bot.webhook(route, body);
  const postFor = (needle: string) =>
    until(() =>
      slack.calls.find(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.answer.ok === true &&
          renderedTexts(c).some((t) => t.includes(needle)),
      ),
    );

  it('URL fields cannot ping, disguise a link or run javascript: (#11.2)', async () => {
    const body = fixture('alertmanager-v4-firing');
    const evil = 'http://prom|Source> <!here> <http://evil.example';
    body.groupKey = 'hostile-urls';
    body.commonLabels = { alertname: 'UrlInjection' };
    body.groupLabels = { alertname: 'UrlInjection' };
    body.externalURL = 'javascript:alert(1)';
    body.commonAnnotations = {
      summary: 'url injection',
      runbook_url: 'http://prom.example/graph?g0=|Runbook> <!here> <http://evil.example',
    };
    body.alerts = [
      {
        labels: { alertname: 'UrlInjection', instance: 'a' },
        annotations: {},
        startsAt: '2026-01-18T08:00:00Z',
        generatorURL: evil,
        dashboardURL: 'javascript:alert(document.cookie)',
      },
      {
        labels: { alertname: 'UrlInjection', instance: 'b' },
        annotations: {},
        startsAt: '2026-01-18T08:00:00Z',
        generatorURL: evil,
      },
    ];
    expect((await send('/alerts/alertmanager', JSON.stringify(body))).status).toBe(202);
    const post = await postFor('UrlInjection');
    const sequences = renderedTexts(post).flatMap(controlSequences);
    expect(sequences.some((s) => s.startsWith('!'))).toBe(false);
    expect(sequences.some((s) => s.includes('evil.example') && !s.startsWith('http://prom'))).toBe(false);
    expect(sequences.some((s) => s.toLowerCase().includes('javascript:'))).toBe(false);
    // A URL whose host cannot be parsed is dropped; one that parses keeps pointing where it
    // says, with the characters that could end the link or open another encoded.
    expect(sequences.some((s) => s.endsWith('|Source'))).toBe(false);
    expect(sequences.find((s) => s.endsWith('|Runbook'))).toBe(
      'http://prom.example/graph?g0=%7CRunbook%3E%20%3C!here%3E%20%3Chttp://evil.example|Runbook',
    );

    const simple = await send(
      '/alerts',
      JSON.stringify({ title: 'SimpleUrl', status: 'firing', url: 'javascript:alert(1)' }),
    );
    // Not an http(s) URL: refused at the edge.
    expect(simple.status).toBe(400);
  });

  it('titles and summaries reach the fallback text and blocks as inert text (#11.3)', async () => {
    const title = 'Disk <!channel> <@U0BOSS> <http://evil.example|click here> & more';
    expect(
      (await send('/alerts', JSON.stringify({ title, status: 'firing', severity: 'warning' }))).status,
    ).toBe(202);
    const post = await postFor('Disk &lt;!channel&gt;');
    for (const text of renderedTexts(post)) {
      expect(controlSequences(text).filter((s) => !s.startsWith('http') || s.includes('evil'))).toEqual([]);
    }
    expect(String(post.body.text)).toContain(
      'Disk &lt;!channel&gt; &lt;@U0BOSS&gt; &lt;http://evil.example|click here&gt; &amp; more',
    );
  });

  it('a lone surrogate is accepted and delivered, as U+FFFD (#11.12)', async () => {
    // Written by hand: JSON.stringify would not produce a lone surrogate escape for us.
    const body = `{"title":"Broken \\ud800 text","status":"firing","key":"surrogate","text":"tail \\udc00"}`;
    expect((await send('/alerts', body)).status).toBe(202);
    const post = await postFor('Broken');
    expect(String(post.body.text)).toContain('Broken \uFFFD text');
    expect(renderedTexts(post).join('\n')).not.toMatch(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
    );
  });

  it('100,000 nested brackets get a 400, never a 500, and the bot keeps answering (#11.18)', async () => {
    const body = `{"title":"nested","status":"firing","extra":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const answer = await send('/alerts', body);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toBe('too_deeply_nested');
    // Unbalanced and inside strings: brackets in strings do not count.
    const inString = `{"title":"${'['.repeat(500)}","status":"firing","key":"brackets-in-a-string"}`;
    expect((await send('/alerts', inString)).status).toBe(202);
    expect((await fetch(`${test.bot.httpUrl}/healthz`)).status).toBe(200);
  });

  it('labels named after Object.prototype stay plain labels (#11.19)', async () => {
    const body = {
      version: '4',
      groupKey: 'prototype-labels',
      status: 'firing',
      receiver: 'x',
      groupLabels: { alertname: 'ProtoLabels' },
      commonLabels: { alertname: 'ProtoLabels', severity: 'constructor', constructor: 'toString' },
      commonAnnotations: { summary: 'prototype' },
      alerts: [
        {
          labels: { alertname: 'ProtoLabels', severity: 'constructor', constructor: 'toString' },
          annotations: { summary: 'prototype', __proto__: 'x' },
          startsAt: '2026-01-18T08:00:00Z',
        },
      ],
    };
    expect((await send('/alerts/alertmanager', JSON.stringify(body))).status).toBe(202);
    const post = await postFor('ProtoLabels');
    const all = renderedTexts(post).join('\n');
    expect(all).not.toContain('native code');
    expect(all).not.toContain('function');
    expect(all).toContain('constructor');
  });
});
