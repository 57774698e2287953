// One unreadable stored row (a probe result whose measurement is not JSON, a status no code
// knows, a push body that no longer parses) is skipped with its reason logged and counted:
// `/audit status` and the digest still answer with the readable rows, and nothing rejects.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoDjayLibrary } from '../../src/dev/demo/djay.js';
import { renderMessage } from '../../src/dev/render.js';
import { Store } from '../../src/store/store.js';
import { startTestBot, type TestBot, tempDir } from '../support/bot.js';
import { FakeSlack } from '../support/fake-slack.js';
import { postCommand } from '../support/sign.js';
import { until } from '../support/until.js';

const TOKEN = 'xoxb-bad-rows-test';
const SECRET = 'bad-rows-signing-secret';

describe('bad stored rows', () => {
  let slack: FakeSlack;
  let test: TestBot;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  const text = (body: Record<string, unknown>) =>
    renderMessage({ text: String(body.text ?? ''), blocks: (body.blocks as unknown[]) ?? [] }).text;

  async function command(commandText: string): Promise<string> {
    const responseUrl = slack.newResponseUrl();
    const res = await postCommand(`${test.bot.httpUrl}/slack/events`, SECRET, {
      team_id: 'T0LOCAL',
      channel_id: 'C0GENERAL',
      user_id: 'U0MEMBER',
      command: '/audit',
      text: commandText,
      response_url: responseUrl,
      trigger_id: slack.newTriggerId(),
    });
    expect(res.status).toBe(200);
    return text(await slack.firstAnswer(res, responseUrl));
  }

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    const dir = tempDir();
    const djay = path.join(dir, 'djay.sqlite');
    ensureDemoDjayLibrary({ path: djay, tracks: 1554, matched: 1088 });
    const db = path.join(dir, 'bot.db');
    // Rows as a crash, a hand edit or an older version could have left them.
    const store = Store.open(db);
    const insert = store.db.prepare(
      'INSERT INTO probe_results (probe_id, status, measurement, measured_at, duration_ms, error) VALUES (?, ?, ?, ?, ?, ?)',
    );
    insert.run(
      'djay-id-sync',
      'below_target',
      '{"kind":"ratio","covered":1088,"total":1554}',
      '2026-01-17T08:00:00.000Z',
      5,
      null,
    );
    insert.run('djay-id-sync', 'ok', 'not json {', '2026-01-18T08:00:00.000Z', 5, null);
    insert.run('djay-id-sync', 'sideways', null, '2026-01-18T08:01:00.000Z', 5, 'x');
    store.db
      .prepare('INSERT INTO push_results (probe_id, body, received_at) VALUES (?, ?, ?)')
      .run('tests', '{"status":"pass"', '2026-01-18T08:00:00.000Z');
    store.close();

    slack = await FakeSlack.start({ tokens: [TOKEN] });
    test = await startTestBot({
      env: {
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        AUDIT_BOT_DB: db,
      },
      startProbes: false,
      configYaml: `
timezone: UTC
slack: { channels: { digest: C0DIGEST }, approvers: [U0APPROVER] }
probes:
  - { id: djay-id-sync, title: djay Pro ID sync, kind: sqlite, path: ${JSON.stringify(djay)}, total_sql: SELECT COUNT(*) FROM tracks, covered_sql: SELECT COUNT(*) FROM tracks WHERE djay_id IS NOT NULL, target: 0.9 }
  - { id: tests, title: Production tests, kind: push }
digests:
  - { id: morning, cron: "*/2 * * * * *", probes: [djay-id-sync, tests], refresh_wait: 1s }
`,
    });
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await test?.stop();
    await slack?.stop();
  });

  it('/audit status answers with the readable rows', async () => {
    const overview = await command('status');
    expect(overview).toContain('djay Pro ID sync*  70.0% (1,088 / 1,554)');
    const detail = await command('status djay-id-sync');
    expect(detail).toContain('djay Pro ID sync — below target');
  });

  it('logs and counts each bad row once, with its reason', async () => {
    await command('status');
    const skipped = test.logs.lines.filter((l) => l.includes('skipped an unreadable row'));
    expect(skipped.some((l) => l.includes('probe_results') && l.includes('measurement is not JSON'))).toBe(
      true,
    );
    expect(skipped.some((l) => l.includes('probe_results') && l.includes('status'))).toBe(true);
    expect(skipped).toHaveLength(2);
    const metric = await test.bot.deps.metrics.registry.getSingleMetricAsString('audit_bot_bad_rows_total');
    expect(metric).toContain('audit_bot_bad_rows_total{table="probe_results"} 2');
  });

  it('the push probe skips an unreadable body and says there is nothing to show yet', async () => {
    await expect(test.bot.deps.runner.run('tests')).resolves.toBeUndefined();
    expect(test.logs.lines.some((l) => l.includes('push_results') && l.includes('body is not JSON'))).toBe(
      true,
    );
  });

  it('the digest is posted with the readable figures', async () => {
    const post = await slack.waitFor('chat.postMessage', (c) => c.body.channel === 'C0DIGEST', 15_000);
    expect(text(post.body)).toContain('djay Pro ID sync');
    await until(() => test.bot.deps.runner.isRunning('djay-id-sync') === false);
    expect(unhandled).toEqual([]);
  });
});
