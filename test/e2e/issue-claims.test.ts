// Issue claims that a crash cut off, and proposals posted exactly once: a creation claim past its
// lease is resumed by the periodic sweep without a restart; ten simultaneous form submissions
// without Notion post ten proposal messages; a posting claim cut off between Slack's answer and
// the record of it is adopted from the channel (by message metadata) instead of posted again.
// Bad rows are skipped with their reason, never stopping the sweep.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Proposals } from '../../src/issues/proposals.js';
import { Store } from '../../src/store/store.js';
import { startTestBot, type TestBot, tempDir } from '../support/bot.js';
import { type FakeDataSource, FakeNotion } from '../support/fake-notion.js';
import { FakeSlack } from '../support/fake-slack.js';
import { postInteraction } from '../support/sign.js';
import { until } from '../support/until.js';

const TOKEN = 'xoxb-issue-claims-test';
const SECRET = 'issue-claims-signing-secret';

describe('issue creation claims', () => {
  let slack: FakeSlack;
  let notion: FakeNotion;
  let issues: FakeDataSource;
  let test: TestBot;

  beforeAll(async () => {
    slack = await FakeSlack.start({ tokens: [TOKEN] });
    notion = await FakeNotion.start({ requestsPerSecond: Number.POSITIVE_INFINITY, retryAfterSeconds: 0 });
    issues = notion.addDataSource(
      {
        Name: { id: 'title', type: 'title' },
        Priority: { id: 'prio', type: 'select', options: ['High', 'Medium', 'Low'] },
        Type: { id: 'type', type: 'select', options: ['Internal Issue', 'Bug', 'Question', 'Task'] },
      },
      'Issues+Questions',
    );
    test = await startTestBot({
      env: {
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        NOTION_TOKEN: notion.token,
        NOTION_BASE_URL: notion.url,
      },
      configYaml: `
slack: { channels: { issues: C0ISSUES }, approvers: [U0APPROVER] }
notion:
  issues: { data_source: "${issues.id.replaceAll('-', '')}", claim_lease: 2s }
`,
    });
  });

  afterAll(async () => {
    await test?.stop();
    await notion?.stop();
    await slack?.stop();
  });

  const pagesTitled = (title: string) =>
    issues.pages.filter((p) => JSON.stringify(p.properties.Name).includes(title));

  it('the sweep resumes a claim older than the lease without a restart, and skips a bad row', async () => {
    const { proposals, instance } = test.bot.deps.issues;
    const claim = (title: string, claimedAt: string) => {
      const { proposal } = proposals.propose(
        { sourceKey: `test:${title}`, title, priority: 'High', type: 'Bug', description: 'Left claimed.' },
        new Date(),
      );
      test.bot.deps.store.db
        .prepare(
          "UPDATE issue_proposals SET state = 'creating', claimed_by = 'U0APPROVER', claimed_at = ?, claimed_instance = ? WHERE id = ?",
        )
        .run(claimedAt, instance.id, proposal.id);
      return proposal.id;
    };
    // A row whose stored claim time cannot be read (written by hand, or by a broken build).
    const bad = claim('Unreadable claim time', 'yesterday');
    // A claim of this very process that nothing is working on any more, past the 2 s lease.
    const stale = claim('Stale claim past its lease', new Date(Date.now() - 10_000).toISOString());
    await until(() => proposals.get(stale)?.state === 'created', 10_000);
    expect(pagesTitled('Stale claim past its lease')).toHaveLength(1);
    expect(pagesTitled('Unreadable claim time')).toHaveLength(0);
    await until(() => test.logs.text.includes(`"proposal":${bad}`) && test.logs.text.includes('claimed_at'));
    const metric = await test.bot.deps.metrics.registry.getSingleMetricAsString(
      'audit_bot_issue_proposals_skipped_total',
    );
    expect(metric).toMatch(/audit_bot_issue_proposals_skipped_total\{loop="claims"\} [1-9]/);
    // Resumed once: the sweeps after it find nothing left to do. (A sweep asked for while one
    // runs is that one: the second call is a whole sweep of its own.)
    await test.bot.deps.issues.sweep();
    await test.bot.deps.issues.sweep();
    expect(pagesTitled('Stale claim past its lease')).toHaveLength(1);
  });
});

describe('posting proposals', () => {
  let slack: FakeSlack;
  let test: TestBot;
  const dir = tempDir();
  const db = path.join(dir, 'bot.db');
  const start = () =>
    startTestBot({
      env: {
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        AUDIT_BOT_DB: db,
      },
      configYaml: 'slack: { channels: { issues: C0ISSUES }, approvers: [U0APPROVER] }\n',
    });
  const proposalPosts = () =>
    slack.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.body.channel === 'C0ISSUES' && c.answer.ok,
    );

  beforeAll(async () => {
    slack = await FakeSlack.start({ tokens: [TOKEN] });
    test = await start();
  });

  afterAll(async () => {
    await test?.stop();
    await slack?.stop();
  });

  it('ten simultaneous /audit issue submissions without Notion post ten proposals, each once', async () => {
    const titles = Array.from({ length: 10 }, (_, i) => `Simultaneous draft number ${i + 1}`);
    const answers = await Promise.all(
      titles.map((title, i) =>
        postInteraction(`${test.bot.httpUrl}/slack/events`, SECRET, {
          type: 'view_submission',
          team: { id: 'T0LOCAL' },
          user: { id: `U0MEMBER${i}`, team_id: 'T0LOCAL' },
          trigger_id: slack.newTriggerId(),
          view: {
            id: `V${i}`,
            callback_id: 'issue_form',
            private_metadata: JSON.stringify({ channel: 'C0GENERAL' }),
            state: {
              values: {
                title: { title: { type: 'plain_text_input', value: title } },
                priority: { priority: { type: 'static_select', selected_option: { value: 'Low' } } },
                type: { type: { type: 'static_select', selected_option: { value: 'Task' } } },
                description: { description: { type: 'plain_text_input', value: '' } },
              },
            },
          },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(titles.map(() => 200));
    await until(
      () =>
        slack.calls.filter(
          (c) => c.method === 'chat.postEphemeral' && String(c.body.text).includes('local draft'),
        ).length === 10,
    );
    // Every post was made before its submitter was answered; a straggler would come from a
    // handler still running.
    await until(() => test.bot.deps.lifecycle.pending === 0);
    const posted = proposalPosts().map((c) => String(c.body.text));
    expect(posted).toHaveLength(10);
    for (const title of titles)
      expect(posted.filter((t) => t.includes(`${title} (proposed)`))).toHaveLength(1);
    for (const call of proposalPosts()) {
      const id = (call.body.metadata as { event_payload: { proposal_id: number } }).event_payload.proposal_id;
      expect(call.body.metadata).toEqual({
        event_type: 'audit_issue_proposal',
        event_payload: { proposal_id: id },
      });
      expect(test.bot.deps.issues.proposals.get(id)?.ts).toBe(call.answer.ts);
    }
  });

  it('a posting claim cut off by a crash is adopted from the channel, not posted twice', async () => {
    await test.stop();
    // As if the bot died after Slack took the message and before the ts was recorded.
    const store = Store.open(db);
    const { proposal } = new Proposals(store).propose(
      {
        sourceKey: 'test:cut-off-post',
        title: 'Posted just before a crash',
        priority: 'Medium',
        type: 'Bug',
        description: 'x',
      },
      new Date(),
    );
    store.db
      .prepare('UPDATE issue_proposals SET posting_by = ?, posting_at = ? WHERE id = ?')
      .run('a-dead-process', new Date().toISOString(), proposal.id);
    store.close();
    const ts = `${Math.floor(Date.now() / 1000)}.999001`;
    slack.messages.set(`C0ISSUES/${ts}`, {
      channel: 'C0ISSUES',
      ts,
      text: 'Proposed Notion issue: Posted just before a crash (proposed)',
      blocks: [],
      metadata: { event_type: 'audit_issue_proposal', event_payload: { proposal_id: proposal.id } },
    });
    const before = proposalPosts().length;
    test = await start();
    await until(() => test.bot.deps.issues.proposals.get(proposal.id)?.ts === ts);
    // The adopted message is brought up to date in place.
    await slack.waitFor('chat.update', (c) => c.body.ts === ts);
    // The sweep of the start adopted it; it and the next sweep post nothing.
    await test.bot.deps.issues.sweep();
    await test.bot.deps.issues.sweep();
    expect(proposalPosts()).toHaveLength(before);
  });
});
