// Notion issues end to end: proposals from the fixture report, Approve by approvers only and
// exactly once, the issue form, duplicates, Notion failing then recovering, and a restart
// between the claim and the page — over the fake Slack and fake Notion servers.

import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderMessage } from '../../src/dev/render.js';
import { startTestBot, type TestBot, tempDir } from '../support/bot.js';
import { type FakeDataSource, FakeNotion, notionValue } from '../support/fake-notion.js';
import { FakeSlack, type SlackCall } from '../support/fake-slack.js';
import { ROOT } from '../support/run-main.js';
import { postCommand, postInteraction } from '../support/sign.js';
import { until } from '../support/until.js';

const TOKEN = 'xoxb-issues-test';
const SECRET = 'issues-signing-secret';
const FIXTURE_TITLES = [
  '[AUDIT] Fingerprint coverage at 20.1% - below 80% threshold',
  '[AUDIT] DriveSheetsSync race condition fix tests pending',
  '[AUDIT] djay Pro ID sync only 70% complete',
];

describe('Notion issues', () => {
  let slack: FakeSlack;
  let notion: FakeNotion;
  let issues: FakeDataSource;
  let test: TestBot;
  const dir = tempDir();
  const db = path.join(dir, 'bot.db');

  const config = () => `
timezone: UTC
slack: { channels: { issues: C0ISSUES }, approvers: [U0APPROVER, U0SECOND] }
probes:
  - { id: audit-report, kind: report }
reports: { dir: ${JSON.stringify(path.join(ROOT, 'examples', 'plans'))} }
notion:
  issues: { data_source: "${issues.id.replaceAll('-', '')}" }
`;

  const start = () =>
    startTestBot({
      env: {
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        NOTION_TOKEN: notion.token,
        NOTION_BASE_URL: notion.url,
        AUDIT_BOT_DB: db,
      },
      configYaml: config(),
      // Notion failures are retried after 1 s, then 2 s; how long is not what these tests check.
      waits: { issueRetryDelayMs: 50 },
    });

  const proposals = () =>
    slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.body.channel === 'C0ISSUES' && c.answer.ok,
    );
  const pagesTitled = (title: string) =>
    issues.pages.filter((p) =>
      JSON.stringify(p.properties.Name).includes(JSON.stringify(title).slice(1, -1)),
    );
  const events = () => `${test.bot.httpUrl}/slack/events`;

  function proposalFor(title: string): SlackCall {
    const call = proposals().find((c) => String(c.body.text).includes(title));
    if (!call) throw new Error(`no proposal for ${title}`);
    return call;
  }

  function press(message: SlackCall, label: string, user: string) {
    const blocks = message.body.blocks as Array<{
      type: string;
      elements?: Array<{ action_id: string; value: string; text: { text: string } }>;
    }>;
    const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.text.text === label);
    if (!button) throw new Error(`no ${label} button`);
    const responseUrl = slack.newResponseUrl();
    const triggerId = slack.newTriggerId();
    const done = postInteraction(events(), SECRET, {
      type: 'block_actions',
      team: { id: 'T0LOCAL' },
      user: { id: user, team_id: 'T0LOCAL' },
      channel: { id: 'C0ISSUES' },
      container: { type: 'message', message_ts: message.answer.ts, channel_id: 'C0ISSUES' },
      message: { ts: message.answer.ts, blocks },
      trigger_id: triggerId,
      response_url: responseUrl,
      actions: [
        { type: 'button', action_id: button.action_id, block_id: 'b', value: button.value, action_ts: '1' },
      ],
    });
    const answer = () =>
      slack.waitFor('response_url', (c) => responseUrl.endsWith(`/${c.responseId}`), 20_000);
    return { done, answer, triggerId };
  }

  const latestText = (message: SlackCall): string => {
    const updates = slack.calls.filter(
      (c) => c.method === 'chat.update' && c.body.ts === message.answer.ts && c.answer.ok,
    );
    const last = updates.at(-1) ?? message;
    return renderMessage({ blocks: last.body.blocks as unknown[] }).text;
  };

  beforeAll(async () => {
    // The bot is in C0GENERAL, where /audit issue is used: the form's answer is ephemeral there.
    slack = await FakeSlack.start({ tokens: [TOKEN], memberOf: ['C0GENERAL'] });
    notion = await FakeNotion.start({ requestsPerSecond: Number.POSITIVE_INFINITY, retryAfterSeconds: 0 });
    issues = notion.addDataSource(
      {
        Name: { id: 'title', type: 'title' },
        Priority: { id: 'prio', type: 'select', options: ['High', 'Medium', 'Low'] },
        Type: { id: 'type', type: 'select', options: ['Internal Issue', 'Bug', 'Question', 'Task'] },
      },
      'Issues+Questions',
    );
    test = await start();
  });

  afterAll(async () => {
    await test?.stop();
    await notion?.stop();
    await slack?.stop();
  });

  it('proposes each documented issue of the report once, with Approve, Edit and Dismiss', async () => {
    await until(() => proposals().length >= 3);
    expect(proposals().map((c) => String(c.body.text))).toEqual(
      FIXTURE_TITLES.map((t) => `Proposed Notion issue: ${t} (proposed)`),
    );
    const text = renderMessage({ blocks: proposals()[0]?.body.blocks as unknown[] }).text;
    expect(text).toContain('[1] Approve  [2] Edit  [3] Dismiss');
    expect(text).toContain('- Gap: 12,881 items without fingerprints');
    // A restart reads the report again and proposes nothing new.
    await test.stop();
    test = await start();
    const proposing = vi.spyOn(test.bot.deps.issues, 'proposeFromReport');
    try {
      await test.bot.deps.runner.run('audit-report');
      await until(() => proposing.mock.calls.length > 0);
      await Promise.all(proposing.mock.results.map((r) => r.value));
    } finally {
      proposing.mockRestore();
    }
    expect(proposals()).toHaveLength(3);
  });

  it('tells a non-approver privately that only approvers can approve, and creates nothing', async () => {
    const { done, answer } = press(proposalFor(FIXTURE_TITLES[0] as string), 'Approve', 'U0MEMBER');
    await done;
    expect(String((await answer()).body.text)).toContain('Only approvers can create proposed issues');
    expect(notion.created).toHaveLength(0);
  });

  it('two approvers pressing Approve at once create one page with the right properties', async () => {
    const message = proposalFor(FIXTURE_TITLES[0] as string);
    const a = press(message, 'Approve', 'U0APPROVER');
    const b = press(message, 'Approve', 'U0SECOND');
    await Promise.all([a.done, b.done]);
    const answers = [String((await a.answer()).body.text), String((await b.answer()).body.text)].sort();
    expect(answers.filter((t) => t.includes('Created in Notion'))).toHaveLength(1);
    expect(
      answers.filter((t) => t.includes('is already creating this issue') || t.includes('already in Notion')),
    ).toHaveLength(1);
    expect(pagesTitled(FIXTURE_TITLES[0] as string)).toHaveLength(1);
    const created = notion.created[0];
    expect(created?.page.properties.Priority).toMatchObject({ select: { name: 'High' } });
    expect(created?.page.properties.Type).toMatchObject({ select: { name: 'Internal Issue' } });
    expect(JSON.stringify(created?.children)).toContain('Gap: 12,881 items without fingerprints');
    expect(JSON.stringify(created?.children)).toContain(
      'From audit report AUDIT_FOLLOWUP_REPORT_20260118.md',
    );
    await until(() => latestText(message).includes('Created in Notion by @U0'));
  });

  it('keeps a proposal when Notion fails, with Retry, and creates it once when Notion is back', async () => {
    const message = proposalFor(FIXTURE_TITLES[1] as string);
    notion.failNext(3, 500);
    const first = press(message, 'Approve', 'U0APPROVER');
    await first.done;
    expect(String((await first.answer()).body.text)).toContain('Notion did not create the issue');
    await until(() => latestText(message).includes('[1] Retry'));
    expect(pagesTitled(FIXTURE_TITLES[1] as string)).toHaveLength(0);
    const updated = slack.calls
      .filter((c) => c.method === 'chat.update' && c.body.ts === message.answer.ts)
      .at(-1) as SlackCall;
    const retry = press(updated, 'Retry', 'U0APPROVER');
    await retry.done;
    expect(String((await retry.answer()).body.text)).toContain('Created in Notion');
    expect(pagesTitled(FIXTURE_TITLES[1] as string)).toHaveLength(1);
  });

  /** Writes a claim into the store as if a process had pressed Approve and then died (or not). */
  function leaveClaim(title: string, claim: { instance: string; at: Date }): number {
    const { proposal } = test.bot.deps.issues.proposals.propose(
      { sourceKey: `test:${title}`, title, priority: 'Low', type: 'Task', description: 'Left claimed.' },
      new Date(),
    );
    test.bot.deps.store.db
      .prepare(
        "UPDATE issue_proposals SET state = 'creating', claimed_by = 'U0SECOND', claimed_at = ?, claimed_instance = ? WHERE id = ?",
      )
      .run(claim.at.toISOString(), claim.instance, proposal.id);
    return proposal.id;
  }

  /** A message carrying the proposal's Approve button (it was never posted: the claim came first). */
  function approveButton(id: number): SlackCall {
    return {
      body: {
        blocks: [
          {
            type: 'actions',
            elements: [{ action_id: 'issue_approve', value: String(id), text: { text: 'Approve' } }],
          },
        ],
      },
      answer: { ts: '1.000001' },
    } as unknown as SlackCall;
  }

  it('Approve takes over at once a claim left by a process that is gone', async () => {
    const title = 'Claimed by a process that died';
    // Claimed just before this process started, by another process instance: a crash, even
    // though the lease has not run out yet.
    const id = leaveClaim(title, {
      instance: 'a-dead-process',
      at: new Date(test.bot.deps.issues.instance.startedAt.getTime() - 1000),
    });
    const click = press(approveButton(id), 'Approve', 'U0APPROVER');
    await click.done;
    expect(String((await click.answer()).body.text)).toContain('Created in Notion');
    expect(pagesTitled(title)).toHaveLength(1);
    expect(test.bot.deps.issues.proposals.get(id)).toMatchObject({
      state: 'created',
      decidedBy: 'U0APPROVER',
    });
  });

  it('Approve on a live claim of this process within the lease still answers "already creating"', async () => {
    const title = 'Claimed by this process just now';
    const id = leaveClaim(title, { instance: test.bot.deps.issues.instance.id, at: new Date() });
    const click = press(approveButton(id), 'Approve', 'U0APPROVER');
    await click.done;
    expect(String((await click.answer()).body.text)).toContain('<@U0SECOND> is already creating this issue');
    expect(pagesTitled(title)).toHaveLength(0);
    expect(test.bot.deps.issues.proposals.get(id)?.state).toBe('creating');
  });

  it('a restart between the claim and the page creates exactly one page', async () => {
    await test.stop();
    // As if the bot died right after Notion created the page, before recording it.
    const store = new Database(db);
    store
      .prepare(
        "UPDATE issue_proposals SET state = 'creating', claimed_by = 'U0APPROVER', claimed_at = '2026-01-01T00:00:00.000Z' WHERE title = ?",
      )
      .run(FIXTURE_TITLES[2]);
    store.close();
    notion.addPages(issues, 1, () => ({ Name: notionValue.title(FIXTURE_TITLES[2] as string) }));
    test = await start();
    await until(() => latestText(proposalFor(FIXTURE_TITLES[2] as string)).includes('Already in Notion'));
    expect(pagesTitled(FIXTURE_TITLES[2] as string)).toHaveLength(1);
  });

  it('/audit issue opens the form with its inputs; submitting creates the page', async () => {
    const responseUrl = slack.newResponseUrl();
    const triggerId = slack.newTriggerId();
    await postCommand(events(), SECRET, {
      team_id: 'T0LOCAL',
      channel_id: 'C0GENERAL',
      user_id: 'U0MEMBER',
      command: '/audit',
      text: 'issue Eagle export misses BPM tags',
      response_url: responseUrl,
      trigger_id: triggerId,
    });
    const open = await slack.waitFor('views.open', (c) => c.body.trigger_id === triggerId);
    const view = open.body.view as {
      callback_id: string;
      private_metadata: string;
      blocks: Array<{ label?: { text: string } }>;
    };
    expect(view.blocks.map((b) => b.label?.text)).toEqual([
      'Title',
      'Priority',
      'Type',
      'Check',
      'Description',
    ]);
    expect(JSON.stringify(view.blocks)).toContain('Eagle export misses BPM tags');

    const submit = (values: Record<string, unknown>) =>
      postInteraction(events(), SECRET, {
        type: 'view_submission',
        team: { id: 'T0LOCAL' },
        user: { id: 'U0MEMBER', team_id: 'T0LOCAL' },
        trigger_id: slack.newTriggerId(),
        view: {
          id: 'V1',
          callback_id: view.callback_id,
          private_metadata: view.private_metadata,
          state: { values },
        },
      });
    const invalid = await submit({ title: { title: { type: 'plain_text_input', value: ' ' } } });
    expect(invalid.status).toBe(200);
    expect(await invalid.json()).toMatchObject({
      response_action: 'errors',
      errors: { title: expect.stringContaining('title') },
    });

    const long = 'The Eagle export drops BPM tags on re-import. '.repeat(60);
    const ok = await submit({
      title: { title: { type: 'plain_text_input', value: 'Eagle export misses BPM tags' } },
      priority: { priority: { type: 'static_select', selected_option: { value: 'Low' } } },
      type: { type: { type: 'static_select', selected_option: { value: 'Bug' } } },
      description: { description: { type: 'plain_text_input', value: long } },
    });
    expect(ok.status).toBe(200);
    const told = await slack.waitFor(
      'chat.postEphemeral',
      (c) =>
        c.body.user === 'U0MEMBER' &&
        c.answer.ok === true &&
        String(c.body.text).includes('Created in Notion'),
    );
    expect(told.body.channel).toBe('C0GENERAL');
    const page = notion.created.find((c) =>
      JSON.stringify(c.page.properties.Name).includes('Eagle export misses BPM tags'),
    );
    expect(page?.page.properties.Type).toMatchObject({ select: { name: 'Bug' } });
    // 2,760 characters: split into text objects of at most 2,000, nothing dropped.
    expect(page?.children.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(page?.children).match(/re-import/g)).toHaveLength(60);

    // The same title again: the user gets the existing page, not a second one.
    await submit({
      title: { title: { type: 'plain_text_input', value: 'Eagle export misses BPM tags' } },
      priority: { priority: { type: 'static_select', selected_option: { value: 'Low' } } },
      type: { type: { type: 'static_select', selected_option: { value: 'Bug' } } },
      description: { description: { type: 'plain_text_input', value: '' } },
    });
    await slack.waitFor(
      'chat.postEphemeral',
      (c) => c.answer.ok === true && String(c.body.text).includes('already in Notion'),
    );
    expect(pagesTitled('Eagle export misses BPM tags')).toHaveLength(1);
  });
  it('Edit opens the form prefilled and saves the proposal; Dismiss records who and why', async () => {
    const { proposal } = test.bot.deps.issues.proposals.propose(
      {
        sourceKey: 'test:edit',
        title: 'Dashboard websocket reconnect storms',
        priority: 'Medium',
        type: 'Bug',
        description: 'Seen twice.',
      },
      new Date(),
    );
    await test.bot.deps.issues.postUnposted();
    const message = proposalFor('Dashboard websocket reconnect storms');
    const edit = press(message, 'Edit', 'U0APPROVER');
    await edit.done;
    const open = await slack.waitFor('views.open', (c) => c.body.trigger_id === edit.triggerId);
    const view = open.body.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(JSON.stringify(view.blocks)).toContain('Dashboard websocket reconnect storms');
    expect(JSON.parse(view.private_metadata)).toMatchObject({ proposalId: proposal.id });
    await postInteraction(events(), SECRET, {
      type: 'view_submission',
      team: { id: 'T0LOCAL' },
      user: { id: 'U0APPROVER', team_id: 'T0LOCAL' },
      view: {
        id: 'V2',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: {
          values: {
            title: {
              title: { type: 'plain_text_input', value: 'Dashboard websocket reconnect storms after deploy' },
            },
            priority: { priority: { type: 'static_select', selected_option: { value: 'High' } } },
            type: { type: { type: 'static_select', selected_option: { value: 'Bug' } } },
            description: {
              description: { type: 'plain_text_input', value: 'Seen twice, after each deploy.' },
            },
          },
        },
      },
    });
    await until(() => latestText(message).includes('reconnect storms after deploy'));
    expect(test.bot.deps.issues.proposals.get(proposal.id)?.priority).toBe('High');

    const dismiss = press(message, 'Dismiss', 'U0SECOND');
    await dismiss.done;
    const form = await slack.waitFor('views.open', (c) => c.body.trigger_id === dismiss.triggerId);
    const dismissView = form.body.view as { callback_id: string; private_metadata: string };
    await postInteraction(events(), SECRET, {
      type: 'view_submission',
      team: { id: 'T0LOCAL' },
      user: { id: 'U0SECOND', team_id: 'T0LOCAL' },
      view: {
        id: 'V3',
        callback_id: dismissView.callback_id,
        private_metadata: dismissView.private_metadata,
        state: {
          values: {
            reason: { reason: { type: 'plain_text_input', value: 'Fixed by the reconnect backoff' } },
          },
        },
      },
    });
    await until(() => latestText(message).includes('Dismissed by @U0SECOND: Fixed by the reconnect backoff'));
    expect(pagesTitled('Dashboard websocket reconnect storms after deploy')).toHaveLength(0);
  });

  it('a member can neither Edit nor Dismiss a proposal, by button or by submitting the view directly', async () => {
    const { proposal } = test.bot.deps.issues.proposals.propose(
      {
        sourceKey: 'test:member-edit',
        title: 'Eagle tags lost on re-import',
        priority: 'Medium',
        type: 'Bug',
        description: 'Documented in the audit.',
      },
      new Date(),
    );
    await test.bot.deps.issues.postUnposted();
    const message = proposalFor('Eagle tags lost on re-import');
    const updatesOf = () =>
      slack.calls.filter((c) => c.method === 'chat.update' && c.body.ts === message.answer.ts).length;
    const updatesBefore = updatesOf();

    for (const label of ['Edit', 'Dismiss']) {
      const click = press(message, label, 'U0MEMBER');
      await click.done;
      expect(String((await click.answer()).body.text)).toContain(
        `Only approvers can ${label.toLowerCase()} proposed issues`,
      );
      expect(
        slack.calls.filter((c) => c.method === 'views.open' && c.body.trigger_id === click.triggerId),
      ).toEqual([]);
    }
    expect(test.logs.text).toMatch(/"action":"edit".*"user":"U0MEMBER"|"user":"U0MEMBER".*"action":"edit"/);

    // Forged (or stale) submissions carrying the proposal id in private_metadata change nothing.
    const submitAs = (user: string, callbackId: string, values: Record<string, unknown>) =>
      postInteraction(events(), SECRET, {
        type: 'view_submission',
        team: { id: 'T0LOCAL' },
        user: { id: user, team_id: 'T0LOCAL' },
        trigger_id: slack.newTriggerId(),
        view: {
          id: 'VFORGED',
          callback_id: callbackId,
          private_metadata: JSON.stringify({ proposalId: proposal.id }),
          state: { values },
        },
      });
    const edited = await submitAs('U0MEMBER', 'issue_form', {
      title: { title: { type: 'plain_text_input', value: 'Nothing to see here' } },
      priority: { priority: { type: 'static_select', selected_option: { value: 'Low' } } },
      type: { type: { type: 'static_select', selected_option: { value: 'Task' } } },
      description: { description: { type: 'plain_text_input', value: '' } },
    });
    expect(await edited.json()).toMatchObject({
      response_action: 'errors',
      errors: { title: expect.stringContaining('Only approvers can edit') },
    });
    const dismissed = await submitAs('U0MEMBER', 'issue_dismiss_form', {
      reason: { reason: { type: 'plain_text_input', value: 'not an issue' } },
    });
    expect(await dismissed.json()).toMatchObject({
      response_action: 'errors',
      errors: { reason: expect.stringContaining('Only approvers can dismiss') },
    });
    // A handler that wrongly went ahead would write after its answer: wait until none is running.
    await until(() => test.bot.deps.lifecycle.pending === 0);
    expect(test.bot.deps.issues.proposals.get(proposal.id)).toMatchObject({
      title: 'Eagle tags lost on re-import',
      priority: 'Medium',
      state: 'proposed',
    });
    expect(updatesOf()).toBe(updatesBefore);

    // An approver may do both.
    const approverEdit = press(message, 'Edit', 'U0APPROVER');
    await approverEdit.done;
    await slack.waitFor('views.open', (c) => c.body.trigger_id === approverEdit.triggerId);
    const ok = await submitAs('U0SECOND', 'issue_dismiss_form', {
      reason: { reason: { type: 'plain_text_input', value: 'Duplicate of the BPM tags issue' } },
    });
    expect(ok.status).toBe(200);
    await until(() => test.bot.deps.issues.proposals.get(proposal.id)?.state === 'dismissed');
  });

  it('waits out Notion rate limits, and links the page back to the Slack message it came from', async () => {
    notion.failNext(2, 429, 'rate_limited');
    const outcome = await test.bot.deps.issues.createFromForm(
      {
        title: 'Fingerprint batch job stalls at 25,000',
        priority: 'High',
        type: 'Bug',
        description: 'See the thread.',
        slackLink: 'https://local.slack/archives/C0GENERAL/p1700000000000100',
      },
      'U0MEMBER',
    );
    expect(outcome).toMatchObject({ kind: 'created' });
    const page = notion.created.find((c) =>
      JSON.stringify(c.page.properties.Name).includes('stalls at 25,000'),
    );
    expect(JSON.stringify(page?.children)).toContain(
      'https://local.slack/archives/C0GENERAL/p1700000000000100',
    );
    expect(notion.log.filter((l) => l.status === 429).length).toBeGreaterThanOrEqual(2);
  });

  it('names a missing select option clearly instead of failing obscurely', async () => {
    const { proposal } = test.bot.deps.issues.proposals.propose(
      { sourceKey: 'test:option', title: 'Odd priority', priority: 'Urgent', type: 'Bug', description: '' },
      new Date(),
    );
    const outcome = await test.bot.deps.issues.approve(proposal.id, 'U0APPROVER');
    expect(outcome).toMatchObject({
      kind: 'failed',
      error: 'Priority "Urgent" is not an option of "Priority" in Notion (options: High, Medium, Low)',
    });
  });
});

describe('Notion issues without Notion, then with it', () => {
  it('keeps an approved proposal as a draft and creates it once Notion is configured', async () => {
    const slack = await FakeSlack.start({ tokens: [TOKEN] });
    const notion = await FakeNotion.start({ requestsPerSecond: Number.POSITIVE_INFINITY });
    const source = notion.addDataSource(
      {
        Name: { id: 'title', type: 'title' },
        Priority: { id: 'p', type: 'select', options: ['High', 'Medium', 'Low'] },
      },
      'Issues',
    );
    const dir = tempDir();
    const yaml = `
slack: { channels: { issues: C0ISSUES }, approvers: [U0APPROVER] }
notion: { issues: { data_source: "${source.id.replaceAll('-', '')}" } }
`;
    const env = {
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      AUDIT_BOT_DB: path.join(dir, 'bot.db'),
    };
    try {
      const offline = await startTestBot({ env, configYaml: yaml });
      const { proposal } = offline.bot.deps.issues.proposals.propose(
        {
          sourceKey: 'test:draft',
          title: 'Draft while offline',
          priority: 'Low',
          type: 'Task',
          description: 'x',
        },
        new Date(),
      );
      expect(await offline.bot.deps.issues.approve(proposal.id, 'U0APPROVER')).toEqual({ kind: 'no_notion' });
      expect(offline.bot.deps.issues.proposals.get(proposal.id)?.state).toBe('proposed');
      await offline.stop();
      const online = await startTestBot({
        env: { ...env, NOTION_TOKEN: notion.token, NOTION_BASE_URL: notion.url },
        configYaml: yaml,
      });
      expect(await online.bot.deps.issues.approve(proposal.id, 'U0APPROVER')).toMatchObject({
        kind: 'created',
      });
      expect(notion.created).toHaveLength(1);
      await online.stop();
    } finally {
      await notion.stop();
      await slack.stop();
    }
  });
});
