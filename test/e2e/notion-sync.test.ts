// Notion's state flows back into Slack (#14): the webhook's verification handshake (token shown to
// approvers on Home, never logged), signed events only (bad or missing signature: 401, nothing
// changed), events repeated or out of order changing state once, and the poll alone reaching the
// same state. Real Bolt and Notion clients, the fake Slack and fake Notion over HTTP.

import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMessage, renderView } from '../../src/dev/render.js';
import { ACTION } from '../../src/kit/ids.js';
import type { HttpBot } from '../support/bot.js';
import { type FakeDataSource, type FakeNotion, type FakePage, notionValue } from '../support/fake-notion.js';
import type { InProcess } from '../support/in-process.js';
import { type IssuesBot, startIssuesBot } from '../support/issues-bot.js';
import { until } from '../support/until.js';

const NOTION_TOKEN_SENT = 'secret_verification_1a2b3c4d5e6f7a8b9c0d';

describe('Notion state read back', () => {
  let notion: FakeNotion;
  let issues: FakeDataSource;
  let bot: HttpBot;
  let inProcess: InProcess;
  let started: IssuesBot | undefined;

  beforeAll(async () => {
    started = await startIssuesBot({
      configYaml: (dataSource) => `
slack: { channels: { issues: C0ISSUES }, approvers: [U0APPROVER] }
notion:
  issues: { data_source: "${dataSource}" }
`,
      assignee: true,
      // Edit times near the bot's clock, as Notion's are: the poll asks for pages edited since then.
      realClock: true,
      // The poll is driven by the tests; an hour keeps the timer out of the way.
      waits: { notionPollMs: 3_600_000, homePublishSpacingMs: 10 },
    });
    ({ notion, issues, bot, inProcess } = started);
  });

  afterAll(async () => {
    await started?.stop();
  });

  const webhook = (body: unknown, signature?: string) =>
    fetch(`${bot.test.bot.httpUrl}/notion/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature !== undefined ? { 'x-notion-signature': signature } : {}),
      },
      body: JSON.stringify(body),
    });
  const sign = (body: unknown, token = NOTION_TOKEN_SENT) =>
    `sha256=${createHmac('sha256', token).update(JSON.stringify(body)).digest('hex')}`;
  const event = (page: FakePage, id: string) => ({
    id,
    timestamp: new Date().toISOString(),
    workspace_id: 'ws-1',
    workspace_name: 'Music',
    subscription_id: 'sub-1',
    integration_id: 'int-1',
    type: 'page.properties_updated',
    authors: [{ id: 'user-1', type: 'person' }],
    attempt_number: 1,
    api_version: '2025-09-03',
    entity: { id: page.id, type: 'page' },
    data: { parent: { id: issues.id, type: 'data_source' }, updated_properties: ['stat'] },
  });

  /** Proposes and approves an issue; returns its proposal id and the Notion page made for it. */
  async function created(title: string): Promise<{ id: number; page: FakePage }> {
    const proposal = await bot.test.bot.deps.issues.propose({
      sourceKey: `sync:${title}`,
      title,
      priority: 'High',
      type: 'Bug',
      description: 'x',
    });
    await inProcess.press({ action_id: ACTION.issueApprove, value: String(proposal.id) }, 'U0APPROVER');
    const page = notion.created.find((c) => JSON.stringify(c.page.properties).includes(title))?.page;
    if (!page) throw new Error('no page created');
    return { id: proposal.id, page };
  }
  const messageText = (id: number) => {
    const ts = bot.test.bot.deps.issues.proposals.get(id)?.ts;
    const updates = bot.slack.callsTo('chat.update').filter((c) => c.body.ts === ts && c.answer.ok);
    return renderMessage({ blocks: (updates.at(-1)?.body.blocks as unknown[]) ?? [] }).text;
  };
  const updatesOf = (id: number) => {
    const ts = bot.test.bot.deps.issues.proposals.get(id)?.ts;
    return bot.slack.callsTo('chat.update').filter((c) => c.body.ts === ts).length;
  };
  const latestHome = (user: string) => {
    const publish = bot.slack
      .callsTo('views.publish')
      .filter((c) => c.body.user_id === user)
      .at(-1);
    return publish ? renderView(publish.body.view as { blocks: unknown[] }).text : '';
  };
  const homeOf = async (user: string) => {
    const before = bot.slack.callsTo('views.publish').length;
    await inProcess.deliver({
      type: 'event_callback',
      team_id: 'T0LOCAL',
      event: { type: 'app_home_opened', user, tab: 'home', channel: `D${user}`, event_ts: '1.0' },
      event_id: `Ev${user}${Math.random()}`,
      event_time: Math.floor(Date.now() / 1000),
    });
    const publish = await until(() =>
      bot.slack
        .callsTo('views.publish')
        .slice(before)
        .find((c) => c.body.user_id === user),
    );
    return renderView(publish.body.view as { blocks: unknown[] }).text;
  };

  it('refuses events before the handshake, stores the token, and shows it to approvers only', async () => {
    const early = await webhook({ type: 'page.created', entity: { id: 'x', type: 'page' } }, 'sha256=00');
    expect(early.status).toBe(401);

    const handshake = await webhook({ verification_token: NOTION_TOKEN_SENT });
    expect(handshake.status).toBe(200);
    expect(bot.test.logs.text).toContain('Notion sent the webhook verification token');
    expect(bot.test.logs.text).not.toContain(NOTION_TOKEN_SENT);
    expect(await homeOf('U0APPROVER')).toContain(NOTION_TOKEN_SENT);
    expect(await homeOf('U0MEMBER')).not.toContain(NOTION_TOKEN_SENT);
  });

  it('follows a signed event to the page, once for repeated and out-of-order events; a bad signature changes nothing', async () => {
    const { id, page } = await created('Eagle tags lost on re-import');
    const updatesBefore = updatesOf(id);

    notion.editPage(page, {
      Status: notionValue.status('stat', 'In progress'),
      Assignee: notionValue.people('assg', ['Ana Lopez']),
    });
    const first = event(page, 'evt-1');
    const forged = await webhook(first, sign(first, 'not-the-token'));
    expect(forged.status).toBe(401);
    expect((await webhook(first)).status).toBe(401);
    expect(bot.test.bot.deps.issues.proposals.get(id)?.notion).toBeUndefined();

    // Signed but not an event, or not JSON at all: refused with the reason, nothing read back.
    const notEvent = { hello: 'world' };
    expect((await webhook(notEvent, sign(notEvent))).status).toBe(400);
    const asText = await fetch(`${bot.test.bot.httpUrl}/notion/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-notion-signature': sign(first) },
      body: JSON.stringify(first),
    });
    expect(asText.status).toBe(415);
    expect(bot.test.bot.deps.issues.proposals.get(id)?.notion).toBeUndefined();

    expect((await webhook(first, sign(first))).status).toBe(200);
    // The message is updated once the page was read back.
    await until(() => updatesOf(id) > updatesBefore && bot.test.bot.deps.lifecycle.pending === 0);
    expect(bot.test.bot.deps.issues.proposals.get(id)?.notion?.status).toBe('In progress');
    expect(messageText(id)).toMatch(
      /Notion: \*In progress\* · assigned to Ana Lopez · last edited \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
    );
    // Approvers' Home no longer shows the token once a signed event passed (republished to viewers).
    await until(() => !latestHome('U0APPROVER').includes(NOTION_TOKEN_SENT));
    // The Home tab lists the open issue with Notion's state.
    await until(() => latestHome('U0APPROVER').includes('*In progress* · Ana Lopez'));
    expect(latestHome('U0APPROVER')).toMatch(
      /Open Notion issues \(1\)[\s\S]*Eagle tags lost on re-import .* · \*In progress\* · Ana Lopez/,
    );

    // The same event again, and an older one arriving late: the page is read again, nothing changes.
    const older = { ...event(page, 'evt-0'), timestamp: '2020-01-01T00:00:00.000Z' };
    await webhook(first, sign(first));
    await webhook(older, sign(older));
    await until(() => bot.test.bot.deps.lifecycle.pending === 0);
    expect(updatesOf(id)).toBe(updatesBefore + 1);

    // Deleted in Notion, told in a batch with another event for the same page.
    notion.trashPage(page);
    const trashed = [
      { ...event(page, 'evt-2'), type: 'page.deleted' },
      { ...event(page, 'evt-3'), type: 'page.properties_updated' },
    ];
    expect((await webhook(trashed, sign(trashed))).status).toBe(200);
    await until(() => messageText(id).includes('The page was deleted in Notion.'));
  });

  it('reaches the same state by polling alone', async () => {
    const { id, page } = await created('djay Pro ID sync incomplete');
    notion.editPage(page, { Status: notionValue.status('stat', 'Done') });
    await bot.test.bot.deps.issues.notionSync?.poll();
    expect(bot.test.bot.deps.issues.proposals.get(id)?.notion).toMatchObject({ status: 'Done', gone: false });
    expect(messageText(id)).toContain('Notion: *Done* · nobody assigned');
    // A second poll with nothing new changes nothing.
    const updates = updatesOf(id);
    await bot.test.bot.deps.issues.notionSync?.poll();
    expect(updatesOf(id)).toBe(updates);
  });

  it('/audit issues lists the open issues with their status, privately, and shares them', async () => {
    const { page } = await created('Fingerprint coverage below target');
    notion.editPage(page, {
      Status: notionValue.status('stat', 'In progress'),
      Assignee: notionValue.people('assg', ['Ben']),
    });
    await bot.test.bot.deps.issues.notionSync?.poll();
    const asked = await inProcess.command('issues', 'U0MEMBER');
    expect(asked.responses).toHaveLength(1);
    const answer = asked.responses[0]?.body ?? {};
    expect(answer.response_type).toBe('ephemeral');
    const text = renderMessage({ blocks: answer.blocks as unknown[] }).text;
    expect(text).toContain('Open Notion issues (1)');
    expect(text).toMatch(/Fingerprint coverage below target.* · no check · \*In progress\* · Ben · opened /);
    // Done (polled above) and deleted issues are not open.
    expect(text).not.toContain('djay Pro ID sync incomplete');
    expect(text).not.toContain('Eagle tags lost on re-import');

    const share = await inProcess.press({ action_id: ACTION.shareIssues, value: 'open' }, 'U0MEMBER');
    expect(share.responses[0]?.body).toMatchObject({ response_type: 'in_channel', replace_original: false });
    expect(renderMessage({ blocks: share.responses[0]?.body.blocks as unknown[] }).text).toContain(
      'Shared by @U0MEMBER',
    );
  });
});
