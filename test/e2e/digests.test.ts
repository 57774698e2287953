// Scheduled digests end to end: a 6-field cron firing every second against the fake Slack server,
// real SQLite files shared by two bots, restarts, a missed slot posted late, Slack failures.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoDjayLibrary } from '../../src/dev/demo/djay.js';
import { renderMessage } from '../../src/dev/render.js';
import { DigestRuns, slotKey } from '../../src/digests/runs.js';
import { Store } from '../../src/store/store.js';
import { LogCapture, startTestBot, type TestBot, tempDir } from '../support/bot.js';
import { FakeSlack, type SlackCall } from '../support/fake-slack.js';
import { postCommand, postInteraction } from '../support/sign.js';
import { until } from '../support/until.js';

const TOKEN = 'xoxb-digest-test';
/** node-cron's finest schedule: tests that wait for slots to fire wait a second per slot. */
const EVERY_SECOND = '* * * * * *';
const SECRET = 'digest-signing-secret';

let dir: string;
let djay: string;

beforeAll(() => {
  dir = tempDir();
  djay = path.join(dir, 'djay.sqlite');
  ensureDemoDjayLibrary({ path: djay, tracks: 1554, matched: 1088 });
  writeFileSync(
    path.join(dir, 'fails.js'),
    "console.error('module websocket_handler failed to compile'); process.exit(1);",
  );
});

function config(cron: string, extra = ''): string {
  return `
timezone: UTC
slack: { channels: { digest: C0DIGEST, issues: C0ISSUES }, approvers: [U0APPROVER] }
probes:
  - { id: djay-id-sync, title: djay Pro ID sync, kind: sqlite, path: ${JSON.stringify(djay)}, total_sql: SELECT COUNT(*) FROM tracks, covered_sql: SELECT COUNT(*) FROM tracks WHERE djay_id IS NOT NULL, target: 0.9 }
  - { id: modules, title: Dashboard modules, kind: command, run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(dir, 'fails.js'))}] }
digests:
  - { id: morning, cron: "${cron}", probes: [djay-id-sync, modules]${extra} }
`;
}

function digestPosts(slack: FakeSlack): SlackCall[] {
  return slack.calls.filter(
    (c) => c.method === 'chat.postMessage' && c.answer.ok === true && c.body.channel === 'C0DIGEST',
  );
}

function slotOf(call: SlackCall): string {
  const metadata = call.body.metadata as { event_payload?: { slot?: string } } | undefined;
  return String(metadata?.event_payload?.slot);
}

/** History for a restart: the slot a day before `missed` was posted (so `missed` was missed). */
function recordPostedDayBefore(runs: DigestRuns, missed: Date): Date {
  const dayBefore = new Date(missed.getTime() - 86_400_000);
  runs.claim(slotKey('morning', dayBefore), 'morning', dayBefore, false, dayBefore);
  runs.finish(
    slotKey('morning', dayBefore),
    { state: 'posted', channel: 'C0DIGEST', figures: {} },
    dayBefore,
  );
  return dayBefore;
}

describe('scheduled digests', () => {
  const running: Array<{ stop(): Promise<void> }> = [];
  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await r.stop();
  });

  async function bot(slack: FakeSlack, yaml: string, db: string): Promise<TestBot> {
    const test = await startTestBot({
      env: {
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        AUDIT_BOT_DB: db,
      },
      configYaml: yaml,
    });
    running.push(test);
    return test;
  }

  async function fakeSlack(): Promise<FakeSlack> {
    const slack = await FakeSlack.start({ tokens: [TOKEN] });
    running.push(slack);
    return slack;
  }

  it('posts on its cron with figures, failures shown and Propose issue buttons', async () => {
    const slack = await fakeSlack();
    await bot(slack, config(EVERY_SECOND), path.join(dir, 'a.db'));
    await until(() => digestPosts(slack).length >= 2);
    const [first, second] = digestPosts(slack) as [SlackCall, SlackCall];
    expect(slotOf(first)).not.toBe(slotOf(second));
    const text = renderMessage({ blocks: first.body.blocks as unknown[] }).text;
    expect(text).toContain('Morning audit digest — 2 of 2 checks need attention');
    expect(text).toContain('djay Pro ID sync*  70.0% (1,088 / 1,554) · target 90.0%');
    expect(text).toContain('Dashboard modules');
    expect(text).toContain('[1] Propose issue: djay Pro ID sync');
    // The second digest compares with the first.
    expect(renderMessage({ blocks: second.body.blocks as unknown[] }).text).toContain(
      '±0.0 pp since last digest',
    );
  });

  it('Propose issue under a check below target proposes it in the issues channel, once a day', async () => {
    const slack = await fakeSlack();
    const test = await bot(slack, config(EVERY_SECOND), path.join(dir, 'propose.db'));
    await until(() => digestPosts(slack).length >= 1);
    const digest = digestPosts(slack)[0] as SlackCall;
    const blocks = digest.body.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>;
    const button = blocks
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id.startsWith('propose_issue'));
    const click = async () => {
      const responseUrl = slack.newResponseUrl();
      await postInteraction(`${test.bot.httpUrl}/slack/events`, SECRET, {
        type: 'block_actions',
        team: { id: 'T0LOCAL' },
        user: { id: 'U0MEMBER', team_id: 'T0LOCAL' },
        channel: { id: 'C0DIGEST' },
        container: { type: 'message', message_ts: digest.answer.ts, channel_id: 'C0DIGEST' },
        trigger_id: slack.newTriggerId(),
        response_url: responseUrl,
        actions: [
          {
            type: 'button',
            action_id: button?.action_id,
            block_id: 'b',
            value: button?.value,
            action_ts: '1',
          },
        ],
      });
      return slack.waitFor('response_url', (c) => responseUrl.endsWith(`/${c.responseId}`));
    };
    const answer = await click();
    expect(String(answer.body.text)).toContain(
      'Proposed “[AUDIT] djay Pro ID sync at 70.0% - below 90.0%” in <#C0ISSUES>',
    );
    await click();
    const proposals = slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.body.channel === 'C0ISSUES',
    );
    expect(proposals).toHaveLength(1);
    expect(renderMessage({ blocks: proposals[0]?.body.blocks as unknown[] }).text).toContain(
      'Current state: 70.0% (1,088 / 1,554) (target 90.0%)',
    );
  });

  it('two processes on one store post every slot exactly once', async () => {
    const slack = await fakeSlack();
    const db = path.join(dir, 'shared.db');
    const bots = await Promise.all([
      bot(slack, config(EVERY_SECOND), db),
      bot(slack, config(EVERY_SECOND), db),
    ]);
    await until(() => digestPosts(slack).length >= 3);
    // A stop waits for the posts under way and nothing is posted after it: every post either
    // process made for these slots is in the fake's calls.
    await Promise.all(bots.map((b) => b.stop()));
    const slots = digestPosts(slack).map(slotOf);
    expect(slots.length).toBeGreaterThanOrEqual(3);
    expect(new Set(slots).size).toBe(slots.length);
  });

  it('a restart does not post a slot again', async () => {
    const slack = await fakeSlack();
    const db = path.join(dir, 'restart.db');
    const first = await bot(slack, config(EVERY_SECOND), db);
    await until(() => digestPosts(slack).length >= 1);
    await first.stop();
    running.splice(running.indexOf(first), 1);
    await bot(slack, config(EVERY_SECOND), db);
    await until(() => digestPosts(slack).length >= 3);
    const slots = digestPosts(slack).map(slotOf);
    expect(new Set(slots).size).toBe(slots.length);
  });

  it('posts a slot missed while down once, marked late, when within grace', async () => {
    const slack = await fakeSlack();
    const db = path.join(dir, 'late.db');
    const missed = new Date(Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000);
    const cron = `${missed.getUTCMinutes()} ${missed.getUTCHours()} * * *`;
    // History: the day before was posted, so the bot knows it was away since then.
    const store = Store.open(db);
    const runs = new DigestRuns(store);
    const dayBefore = new Date(missed.getTime() - 86_400_000);
    runs.claim(slotKey('morning', dayBefore), 'morning', dayBefore, false, dayBefore);
    runs.finish(
      slotKey('morning', dayBefore),
      { state: 'posted', channel: 'C0DIGEST', ts: '1.0', figures: {} },
      dayBefore,
    );
    store.close();

    const first = await bot(slack, config(cron), db);
    await until(() => digestPosts(slack).length >= 1);
    const post = digestPosts(slack)[0] as SlackCall;
    expect(slotOf(post)).toBe(missed.toISOString());
    expect(renderMessage({ blocks: post.body.blocks as unknown[] }).text).toContain(
      'Posted late: this digest was due',
    );
    await first.stop();
    running.splice(running.indexOf(first), 1);

    // Back again: the late slot is not posted a second time. The catch-up runs at the start;
    // the stop waits for it to finish.
    const second = await bot(slack, config(cron), db);
    await second.stop();
    expect(digestPosts(slack)).toHaveLength(1);
  });

  it('logs, and does not post, a missed slot older than grace', async () => {
    const slack = await fakeSlack();
    const db = path.join(dir, 'old.db');
    const missed = new Date(Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000);
    const store = Store.open(db);
    const runs = new DigestRuns(store);
    recordPostedDayBefore(runs, missed);
    store.close();
    const test = await bot(
      slack,
      config(`${missed.getUTCMinutes()} ${missed.getUTCHours()} * * *`, ', grace: 10m'),
      db,
    );
    await until(() => test.logs.text.includes('digest slots were missed'));
    expect(digestPosts(slack)).toHaveLength(0);
  });

  /**
   * A store in which the bot posted yesterday's slot and claimed today's (20 minutes ago), then
   * died before recording the post: the claim is unfinished. Returns the cut-off slot.
   */
  function cutOffClaim(db: string): Date {
    const slot = new Date(Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000);
    const store = Store.open(db);
    const runs = new DigestRuns(store);
    recordPostedDayBefore(runs, slot);
    runs.claim(slotKey('morning', slot), 'morning', slot, false, slot);
    store.close();
    return slot;
  }
  const dailyAt = (slot: Date) => `${slot.getUTCMinutes()} ${slot.getUTCHours()} * * *`;
  const runOf = (test: TestBot, slot: Date) =>
    test.bot.deps.digests.runs.all('morning').find((r) => r.slot === slot.toISOString());

  it('adopts a slot cut off by a crash whose post reached Slack, without posting it again', async () => {
    const slack = await fakeSlack();
    const db = path.join(dir, 'cut-off-adopt.db');
    const slot = cutOffClaim(db);
    const ts = `${Math.floor(Date.now() / 1000)}.999002`;
    slack.messages.set(`C0DIGEST/${ts}`, {
      channel: 'C0DIGEST',
      ts,
      text: 'Morning audit digest',
      blocks: [],
      metadata: {
        event_type: 'audit_digest',
        event_payload: { digest: 'morning', slot: slot.toISOString(), late: false },
      },
    });
    const test = await bot(slack, config(dailyAt(slot)), db);
    await until(() => runOf(test, slot)?.state === 'posted');
    expect(test.bot.deps.digests.runs.lastPosted('morning')?.ts).toBe(ts);
    expect(test.logs.text).toContain('found in the channel');
    // The stop waits for the catch-up and recovery passes of the start: nothing comes after.
    await test.stop();
    expect(digestPosts(slack)).toHaveLength(0);
  });

  it('posts a slot cut off by a crash once, marked late, when its post is not in Slack and within grace', async () => {
    const slack = await fakeSlack();
    const db = path.join(dir, 'cut-off-late.db');
    const slot = cutOffClaim(db);
    const test = await bot(slack, config(dailyAt(slot)), db);
    await until(() => digestPosts(slack).length >= 1);
    const post = digestPosts(slack)[0] as SlackCall;
    expect(slotOf(post)).toBe(slot.toISOString());
    expect(renderMessage({ blocks: post.body.blocks as unknown[] }).text).toContain(
      'Posted late: this digest was due',
    );
    await until(() => runOf(test, slot)?.state === 'posted');
    expect(runOf(test, slot)?.late).toBe(true);
    // The stop waits for the catch-up and recovery passes of the start: nothing comes after.
    await test.stop();
    expect(digestPosts(slack)).toHaveLength(1);
  });

  it('logs a slot cut off by a crash beyond grace as missed, and does not post it', async () => {
    const slack = await fakeSlack();
    const db = path.join(dir, 'cut-off-missed.db');
    const slot = cutOffClaim(db);
    const test = await bot(slack, config(dailyAt(slot), ', grace: 10m'), db);
    await until(() => runOf(test, slot)?.state === 'missed');
    const line = test.logs.lines.find((l) => l.includes('missed') && l.includes(slot.toISOString()));
    expect(line).toBeDefined();
    expect(JSON.parse(line as string)).toMatchObject({
      level: 40,
      digest: 'morning',
      slot: slot.toISOString(),
    });
    expect(digestPosts(slack)).toHaveLength(0);
  });

  it('a bad digest row is skipped with its reason: unreadable figures, an unreadable claimed slot', async () => {
    const slack = await fakeSlack();
    const db = path.join(dir, 'bad-rows.db');
    const store = Store.open(db);
    const runs = new DigestRuns(store);
    const earlier = new Date(Date.now() - 3 * 3_600_000);
    runs.claim('digest:morning:earlier', 'morning', earlier, false, earlier);
    runs.finish('digest:morning:earlier', { state: 'posted', channel: 'C0DIGEST', ts: '1.0' }, earlier);
    // Figures an older build (or a hand edit) stored as text: no number to compare with.
    store.db
      .prepare(
        `UPDATE digest_runs SET figures = '{"djay-id-sync":"70%"}' WHERE key = 'digest:morning:earlier'`,
      )
      .run();
    runs.claim('digest:morning:garbage', 'morning', earlier, false, earlier);
    store.db.prepare(`UPDATE digest_runs SET slot = 'not a time' WHERE key = 'digest:morning:garbage'`).run();
    store.close();

    const test = await bot(slack, config('0 8 * * 1-5'), db);
    const digest = test.bot.deps.digests.digest('morning');
    if (!digest) throw new Error('no digest');
    expect(await test.bot.deps.digests.postNow(digest, 'U0APPROVER')).toMatchObject({ posted: true });
    const text = renderMessage({ blocks: digestPosts(slack)[0]?.body.blocks as unknown[] }).text;
    expect(text).toContain('djay Pro ID sync*  70.0% (1,088 / 1,554)');
    expect(text).not.toContain('NaN');
    expect(test.logs.text).toMatch(/digest:morning:earlier.*figures|figures.*digest:morning:earlier/);
    await until(() =>
      test.logs.lines.some((l) => l.includes('digest:morning:garbage') && l.includes('slot')),
    );
    expect(
      test.bot.deps.digests.runs.all('morning').find((r) => r.key === 'digest:morning:garbage')?.state,
    ).toBe('failed');
    const metric = await test.bot.deps.metrics.registry.getSingleMetricAsString(
      'audit_bot_digest_runs_skipped_total',
    );
    expect(metric).toMatch(/audit_bot_digest_runs_skipped_total\{digest="morning"\} [1-9]/);
  });

  it('a row with an unreadable slot does not stop a missed slot from being posted late', async () => {
    const slack = await fakeSlack();
    const db = path.join(dir, 'bad-slot.db');
    const missed = new Date(Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000);
    const store = Store.open(db);
    const runs = new DigestRuns(store);
    const dayBefore = recordPostedDayBefore(runs, missed);
    // Sorts after every real time ("n" > "2"), so it looked like the newest slot of all.
    runs.claim('digest:morning:odd', 'morning', dayBefore, false, dayBefore);
    runs.finish('digest:morning:odd', { state: 'failed', channel: 'C0DIGEST' }, dayBefore);
    store.db.prepare(`UPDATE digest_runs SET slot = 'not a time' WHERE key = 'digest:morning:odd'`).run();
    store.close();
    const test = await bot(slack, config(dailyAt(missed)), db);
    await until(() => digestPosts(slack).length >= 1);
    expect(slotOf(digestPosts(slack)[0] as SlackCall)).toBe(missed.toISOString());
    expect(test.logs.text).toMatch(/digest:morning:odd.*slot|slot.*digest:morning:odd/);
  });

  it('retries Slack errors, and counts a digest that cannot be posted', async () => {
    const slack = await fakeSlack();
    slack.failNext('chat.postMessage', { status: 500, times: 2 });
    const test = await bot(slack, config(EVERY_SECOND), path.join(dir, 'retry.db'));
    await until(() => digestPosts(slack).length >= 1);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 500)).toHaveLength(2);
    slack.failNext('chat.postMessage', { error: 'channel_not_found', times: 100 });
    await until(() => test.logs.text.includes('digest not posted: Slack answered channel_not_found'));
    const metric = await test.bot.deps.metrics.registry.getSingleMetricAsString(
      'audit_bot_digest_failures_total',
    );
    expect(metric).toMatch(/audit_bot_digest_failures_total\{digest="morning"\} [1-9]/);
    slack.clearFailures();
  });

  it('prints the digest in shell mode when it fires', async () => {
    const input = new PassThrough();
    const output = new LogCapture();
    const test = await startTestBot({
      env: { AUDIT_BOT_DB: path.join(dir, 'shell.db') },
      configYaml: config(EVERY_SECOND),
      shellIo: { input, output, interactive: false },
    });
    running.push({
      async stop() {
        input.end();
        await test.bot.finished;
        await test.stop();
      },
    });
    await until(() => output.text.includes('── audit-bot · #C0DIGEST'));
    expect(output.text).toContain('Morning audit digest — 2 of 2 checks need attention');
    expect(output.text).toContain('Propose issue: djay Pro ID sync');
  });

  it('/audit digest posts now and says where', async () => {
    const slack = await fakeSlack();
    const test = await bot(slack, config('0 8 * * 1-5'), path.join(dir, 'now.db'));
    const responseUrl = slack.newResponseUrl();
    await postCommand(`${test.bot.httpUrl}/slack/events`, SECRET, {
      team_id: 'T0LOCAL',
      channel_id: 'C0GENERAL',
      user_id: 'U0APPROVER',
      command: '/audit',
      text: 'digest morning',
      response_url: responseUrl,
      trigger_id: slack.newTriggerId(),
    });
    const answer = await slack.waitFor(
      'response_url',
      (c) => responseUrl.endsWith(`/${c.responseId}`),
      15_000,
    );
    expect(answer.body.text).toBe('Posted the morning digest to <#C0DIGEST>.');
    expect(digestPosts(slack)).toHaveLength(1);
  });
});
