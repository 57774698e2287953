// /audit status, refresh and the push route end to end: signed Slack requests over HTTP,
// real probes (SQLite file, child processes), answers read from the fake Slack server.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoDjayLibrary } from '../../src/dev/demo/djay.js';
import { renderMessage } from '../../src/dev/render.js';
import { StatusOverview } from '../../src/status/overview.js';
import { startTestBot, type TestBot, tempDir } from '../support/bot.js';
import { FakeSlack, type SlackCall } from '../support/fake-slack.js';
import { postCommand, postInteraction } from '../support/sign.js';
import { until } from '../support/until.js';

const BOT_TOKEN = 'xoxb-status-test';
const SIGNING_SECRET = 'status-signing-secret';
const WEBHOOK_TOKEN = 'webhook-token-0123456789abcdef';

function text(call: Pick<SlackCall, 'body'>): string {
  return renderMessage({ text: String(call.body.text ?? ''), blocks: (call.body.blocks as unknown[]) ?? [] })
    .text;
}

describe('/audit status with real probes', () => {
  let slack: FakeSlack;
  let test: TestBot;
  let events: string;
  let dir: string;

  async function command(commandText: string, user = 'U0MEMBER'): Promise<string> {
    const responseUrl = slack.newResponseUrl();
    const res = await postCommand(events, SIGNING_SECRET, {
      team_id: 'T0LOCAL',
      channel_id: 'C0GENERAL',
      user_id: user,
      command: '/audit',
      text: commandText,
      response_url: responseUrl,
      trigger_id: slack.newTriggerId(),
    });
    expect(res.status).toBe(200);
    const acked = await res.text();
    if (acked) acks.set(responseUrl, JSON.parse(acked));
    return responseUrl;
  }

  function answersTo(responseUrl: string): SlackCall[] {
    return slack.calls.filter((c) => c.method === 'response_url' && responseUrl.endsWith(`/${c.responseId}`));
  }

  /** Messages in acknowledgements (the first answer a user sees), by the command's response_url. */
  const acks = new Map<string, Record<string, unknown>>();

  /** The user's `index`-th answer: the acknowledgement's message if it had one, then response_url posts. */
  async function answer(responseUrl: string, index = 0): Promise<string> {
    const acked = acks.get(responseUrl);
    if (acked && index === 0) return text({ body: acked });
    const posted = acked ? index - 1 : index;
    await slack.waitFor('response_url', () => answersTo(responseUrl).length > posted);
    const call = answersTo(responseUrl)[posted];
    if (!call) throw new Error('no answer');
    return text(call);
  }

  beforeAll(async () => {
    dir = tempDir();
    const djay = path.join(dir, 'djay.sqlite');
    ensureDemoDjayLibrary({ path: djay, tracks: 15540, matched: 10878 });
    // Measures until the test opens its gate (a file), however fast or slow the machine.
    writeFileSync(
      path.join(dir, 'slow.js'),
      `setInterval(() => require('fs').existsSync(${JSON.stringify(path.join(dir, 'slow.gate'))}) && process.exit(0), 20);`,
    );
    slack = await FakeSlack.start({ tokens: [BOT_TOKEN] });
    test = await startTestBot({
      env: {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        AUDIT_BOT_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
      },
      configYaml: `
timezone: Europe/Berlin
slack: { channels: { digest: C0DIGEST }, approvers: [U0APPROVER] }
probes:
  - id: djay-id-sync
    title: djay Pro ID sync
    kind: sqlite
    path: ${djay}
    total_sql: SELECT COUNT(*) FROM tracks
    covered_sql: SELECT COUNT(*) FROM tracks WHERE djay_id IS NOT NULL
    target: 0.9
  - id: drivesheets-tests
    title: DriveSheetsSync tests
    kind: push
    stale_after: 48h
  - id: slow-check
    title: Slow check
    kind: command
    run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(dir, 'slow.js'))}]
    timeout: 20s
`,
    });
    events = `${test.bot.httpUrl}/slack/events`;
  });

  afterAll(async () => {
    await test?.stop();
    await slack?.stop();
  });

  it('answers from stored results while a slow probe is still measuring', async () => {
    // The runner measured every probe at start; the slow one runs until its gate opens.
    await test.bot.deps.runner.run('djay-id-sync');
    expect(test.bot.deps.runner.isRunning('slow-check')).toBe(true);
    const shown = await answer(await command('status'));
    expect(shown).toContain('Pipeline checks — 3 of 3 need attention');
    expect(shown).toContain('djay Pro ID sync*  70.0% (10,878 / 15,540) · target 90.0% · just now');
    expect(shown).toContain('DriveSheetsSync tests* — never measured yet');
    expect(shown).toContain('Slow check* — never measured yet · _measuring…_');
    expect(shown).toContain('[1] Refresh');
  });

  it('answers the overview in the acknowledgement itself, rendered once per change of what it shows', async () => {
    const first = await command('status');
    const second = await command('status');
    expect(acks.get(first)).toEqual(acks.get(second));
    expect(await answer(first)).toContain('Pipeline checks — 3 of 3 need attention');
    // Nothing follows through response_url once every handler has finished.
    await until(() => test.bot.deps.lifecycle.pending === 0);
    expect([...answersTo(first), ...answersTo(second)]).toEqual([]);

    let clock = Date.parse('2026-11-25T08:00:00Z');
    const overview = new StatusOverview({ ...test.bot.deps, now: () => new Date(clock) });
    const rendered = overview.message();
    expect(overview.message()).toBe(rendered);
    clock += 4_999;
    expect(overview.message()).toBe(rendered);
    // Its ages move with the clock: after 5 s it is rendered again.
    clock += 1;
    const later = overview.message();
    expect(later).not.toBe(rendered);
    // A new result is shown at once.
    await test.bot.deps.runner.run('djay-id-sync');
    expect(overview.message()).not.toBe(later);
  });

  it('shows one probe in detail and names unknown ids', async () => {
    const shown = await answer(await command('status djay-id-sync'));
    expect(shown).toContain('djay Pro ID sync — below target');
    expect(shown).toContain(`Source: SQLite ${path.join(dir, 'djay.sqlite')}`);
    const unknown = await answer(await command('status nope'));
    expect(unknown).toContain(
      'There is no check "nope". Known checks: djay-id-sync, drivesheets-tests, slow-check.',
    );
  });

  it('refresh acknowledges at once and follows up with fresh figures', async () => {
    const denied = await answer(await command('refresh slow-check'));
    expect(denied).toContain('You may not use /audit refresh: it needs the refresh permission');
    const url = await command('refresh slow-check', 'U0APPROVER');
    expect(await answer(url, 0)).toContain('Measuring slow-check now; the figures follow here.');
    writeFileSync(path.join(dir, 'slow.gate'), '');
    const fresh = await answer(url, 1);
    expect(fresh).toContain('Slow check — OK');
    expect(fresh).toContain('passed');
  });

  it('the Refresh button replaces the answer with fresh figures', async () => {
    const responseUrl = slack.newResponseUrl();
    const res = await postInteraction(events, SIGNING_SECRET, {
      type: 'block_actions',
      team: { id: 'T0LOCAL' },
      user: { id: 'U0APPROVER', team_id: 'T0LOCAL' },
      channel: { id: 'C0GENERAL' },
      container: { type: 'message', message_ts: '0', is_ephemeral: true },
      trigger_id: slack.newTriggerId(),
      response_url: responseUrl,
      actions: [
        { type: 'button', action_id: 'status_refresh', block_id: 'b', value: 'djay-id-sync', action_ts: '1' },
      ],
    });
    expect(res.status).toBe(200);
    await slack.waitFor('response_url', () => answersTo(responseUrl).length > 0);
    const call = answersTo(responseUrl)[0] as SlackCall;
    expect(call.body.replace_original).toBe(true);
    expect(text(call)).toContain('djay Pro ID sync — below target');
  });

  describe('POST /probes/:id/results', () => {
    const url = () => `${test.bot.httpUrl}/probes/drivesheets-tests/results`;
    const post = (body: string, headers: Record<string, string> = {}, target = url()) =>
      fetch(target, {
        method: 'POST',
        headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json', ...headers },
        body,
      });

    it('needs the bearer token', async () => {
      expect((await post('{}', { authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await post('{}', { authorization: '' })).status).toBe(401);
    });

    it('takes JSON only, at most 1 MiB, matching the schema', async () => {
      expect((await post('{}', { 'content-type': 'text/plain' })).status).toBe(415);
      const big = JSON.stringify({ status: 'pass', summary: 'x'.repeat(1024 * 1024) });
      expect((await post(big)).status).toBe(413);
      expect((await post('{not json')).status).toBe(400);
      const bad = await post(JSON.stringify({ status: 'maybe', tests: [{ name: '', status: 'pass' }] }));
      expect(bad.status).toBe(400);
      const body = (await bad.json()) as { error: string; issues: Array<{ path: string }> };
      expect(body.error).toBe('invalid_body');
      expect(body.issues.map((i) => i.path)).toEqual(['status', 'tests.0.name']);
      expect((await post('{"status":"pass"}', {}, `${test.bot.httpUrl}/probes/nope/results`)).status).toBe(
        404,
      );
      expect(
        (await post('{"status":"pass"}', {}, `${test.bot.httpUrl}/probes/djay-id-sync/results`)).status,
      ).toBe(409);
    });

    it('stores a result before answering 202 and shows which tests failed', async () => {
      const tests = [1, 2, 3, 4, 5].map((n) => ({
        name: `PRODUCTION_TEST_${n}`,
        status: n === 3 ? 'fail' : 'pass',
        ...(n === 3 ? { message: 'lock not released after 30 s' } : {}),
      }));
      const res = await post(JSON.stringify({ status: 'fail', tests, ran_at: new Date().toISOString() }));
      expect(res.status).toBe(202);
      // Durable before the answer: the row is in the database right now.
      expect(test.bot.deps.pushResults.latest('drivesheets-tests')?.result.tests).toHaveLength(5);
      await test.bot.deps.runner.run('drivesheets-tests');
      const shown = await answer(await command('status drivesheets-tests'));
      expect(shown).toContain('DriveSheetsSync tests — failing');
      expect(shown).toContain('4 passed, 1 failed');
      expect(shown).toContain('❌ PRODUCTION_TEST_3 — lock not released after 30 s');
    });

    it('refuses ran_at in the future with the reason, and a later honest result still shows', async () => {
      const ahead = new Date(Date.now() + 24 * 3_600_000).toISOString();
      const refused = await post(JSON.stringify({ status: 'fail', ran_at: ahead }));
      expect(refused.status).toBe(400);
      const body = (await refused.json()) as {
        error: string;
        issues: Array<{ path: string; message: string }>;
      };
      expect(body.error).toBe('invalid_body');
      expect(body.issues).toEqual([
        {
          path: 'ran_at',
          code: 'custom',
          message: `${ahead} is 24 h ahead of the bot's clock; at most 5 min ahead is accepted`,
        },
      ]);
      // A result stored before this check existed, with a time far ahead, must not pin the status.
      test.bot.deps.results.record({
        probeId: 'drivesheets-tests',
        status: 'failing',
        measuredAt: '2099-01-01T00:00:00.000Z',
        durationMs: 1,
        measurement: {
          kind: 'tests',
          passed: false,
          summary: 'from the future',
          ranAt: '2099-01-01T00:00:00.000Z',
        },
      });
      const honest = await post(
        JSON.stringify({ status: 'pass', passed: 5, failed: 0, ran_at: new Date().toISOString() }),
      );
      expect(honest.status).toBe(202);
      await test.bot.deps.runner.run('drivesheets-tests');
      const shown = await answer(await command('status drivesheets-tests'));
      expect(shown).toContain('DriveSheetsSync tests — OK');
      expect(shown).toContain('5 passed, 0 failed');
      expect(shown).not.toContain('from the future');
    });

    it('refuses counts that are not finite whole numbers', async () => {
      const res = await post('{"status":"pass","passed":1e308,"failed":-1}');
      expect(res.status).toBe(400);
      const body = (await res.json()) as { issues: Array<{ path: string }> };
      expect(body.issues.map((i) => i.path)).toEqual(['passed', 'failed']);
    });
  });
});

describe('webhooks without AUDIT_BOT_WEBHOOK_TOKEN', () => {
  it('answer 503', async () => {
    const slack = await FakeSlack.start();
    const test = await startTestBot({
      env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl },
      configYaml: 'probes: [{ id: t, kind: push }]',
    });
    try {
      const res = await fetch(`${test.bot.httpUrl}/probes/t/results`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer anything' },
        body: '{"status":"pass"}',
      });
      expect(res.status).toBe(503);
    } finally {
      await test.stop();
      await slack.stop();
    }
  });
});
