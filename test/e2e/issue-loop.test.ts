// The whole loop on the fixture's figures (#14): fingerprint coverage at 20.1% → the report's
// issue proposed and linked to the check → Approve → page naming the check and its figure →
// the source reaches 81% → two measurements at target → Close issue offered once in the thread →
// a member is refused → two approvers press at once → the page is Done with one comment, the
// messages say who closed it, and the digest shows the check green with its finished issue.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/dev/render.js';
import { ACTION } from '../../src/kit/ids.js';
import { type HttpBot, tempDir } from '../support/bot.js';
import type { FakeNotion } from '../support/fake-notion.js';
import type { InProcess } from '../support/in-process.js';
import { type IssuesBot, startIssuesBot } from '../support/issues-bot.js';
import { ROOT } from '../support/run-main.js';
import { until } from '../support/until.js';

const TITLE = '[AUDIT] Fingerprint coverage at 20.1% - below 80% threshold';

describe('the loop: measure, propose, approve, create, re-measure, close', () => {
  let notion: FakeNotion;
  let bot: HttpBot;
  let inProcess: InProcess;
  let started: IssuesBot | undefined;
  const dir = tempDir();
  const figures = path.join(dir, 'fingerprints.json');
  const setCoverage = (covered: number) => writeFileSync(figures, JSON.stringify({ covered, total: 21125 }));

  beforeAll(async () => {
    setCoverage(4244);
    started = await startIssuesBot({
      configYaml: (dataSource) => `
slack:
  channels: { issues: C0ISSUES, digest: C0DIGEST }
  approvers: [U0APPROVER, U0SECOND]
  # U0CLOSER may close and reopen issues without being an approver.
  permissions: { close_issues: [U0APPROVER, U0SECOND, U0CLOSER] }
probes:
  - id: fingerprint-coverage
    title: Fingerprint coverage (Eagle)
    kind: command
    run: [${JSON.stringify(process.execPath)}, -e, "process.stdout.write(require('fs').readFileSync(${JSON.stringify(figures).replaceAll('"', "'")}, 'utf8'))"]
    target: 0.8
  - { id: audit-report, kind: report }
reports: { dir: ${JSON.stringify(path.join(ROOT, 'examples', 'plans'))} }
digests: [{ id: morning, cron: "0 8 * * *", probes: [fingerprint-coverage] }]
notion:
  issues: { data_source: "${dataSource}", close_after: 2 }
`,
    });
    ({ notion, bot, inProcess } = started);
  });

  afterAll(async () => {
    await started?.stop();
  });

  const deps = () => bot.test.bot.deps;
  const proposal = () => {
    const found = deps()
      .issues.proposals.trackingCheck('fingerprint-coverage')
      .find((p) => p.title === TITLE);
    if (!found) throw new Error('no proposal for the fingerprint issue');
    return found;
  };
  const offers = () =>
    bot.slack
      .callsTo('chat.postMessage')
      .filter(
        (c) =>
          c.body.thread_ts === proposal().ts &&
          c.answer.ok &&
          String(c.body.text).includes('meets its target'),
      );
  const lastText = (ts: string | undefined) => {
    const calls = [...bot.slack.callsTo('chat.postMessage'), ...bot.slack.callsTo('chat.update')].filter(
      (c) => (c.answer.ts ?? c.body.ts) === ts && c.answer.ok,
    );
    return renderMessage({ blocks: (calls.at(-1)?.body.blocks as unknown[]) ?? [] }).text;
  };
  const press = (user: string) =>
    inProcess.press({ action_id: ACTION.issueClose, value: String(proposal().id) }, user, 'C0ISSUES');

  it('proposes the fixture issue linked to the check, and Approve creates the page with its figure', async () => {
    await deps().runner.run('fingerprint-coverage');
    await deps().runner.run('audit-report');
    await until(() => proposal().ts);
    expect(proposal().probeId).toBe('fingerprint-coverage');
    const approve = await inProcess.press(
      { action_id: ACTION.issueApprove, value: String(proposal().id) },
      'U0APPROVER',
      'C0ISSUES',
    );
    expect(approve.responses[0]?.body.text).toContain('Created in Notion');
    expect(JSON.stringify(notion.created.at(-1)?.children)).toContain(
      'Tracks the check \\"Fingerprint coverage (Eagle)\\" (fingerprint-coverage); at creation: 20.1% (4,244 / 21,125)',
    );
  });

  it('offers Close issue once, after two measurements at target', async () => {
    setCoverage(17100);
    await deps().runner.run('fingerprint-coverage');
    await until(() => deps().lifecycle.pending === 0);
    expect(offers()).toEqual([]);
    await deps().runner.run('fingerprint-coverage');
    await until(() => offers().length === 1);
    await deps().runner.run('fingerprint-coverage');
    await until(() => deps().lifecycle.pending === 0);
    expect(offers()).toHaveLength(1);
    const offer = lastText(offers()[0]?.answer.ts as string);
    expect(offer).toContain(
      'Fingerprint coverage (Eagle)* meets its target again: 20.1% (4,244 / 21,125) when the issue was created → 80.9% (17,100 / 21,125) now.',
    );
    expect(offer).toContain('Close issue');
  });

  it('refuses a member privately and changes nothing', async () => {
    const refused = await press('U0MEMBER');
    expect(refused.responses[0]?.body.text).toContain('Only approvers can close issues');
    expect(notion.comments).toEqual([]);
    expect(proposal().closedAt).toBeUndefined();
  });

  it('closes once for two approvers at once: status Done, one comment, messages updated', async () => {
    const [first, second] = await Promise.all([press('U0APPROVER'), press('U0SECOND')]);
    const answers = [first, second].map((r) => String(r.responses[0]?.body.text));
    expect(answers.filter((a) => a.includes('Closed in Notion'))).toHaveLength(1);
    expect(answers.filter((a) => !a.includes('Closed in Notion'))[0]).toMatch(
      /Someone is closing this issue right now|already closed/,
    );
    const page = notion.created.at(-1)?.page;
    expect(page?.properties.Status).toMatchObject({ type: 'status', status: { name: 'Done' } });
    expect(notion.comments).toHaveLength(1);
    expect(notion.comments[0]?.text).toMatch(
      /^Closed from Slack by Slack user U0(APPROVER|SECOND)\. Fingerprint coverage \(Eagle\): 20\.1% \(4,244 \/ 21,125\) at creation, 80\.9% \(17,100 \/ 21,125\) now\./,
    );
    const closer = proposal().closedBy;
    expect(lastText(proposal().ts)).toContain(`Closed from Slack by @${closer}`);
    expect(lastText(offers()[0]?.answer.ts as string)).toContain(`Closed in Notion by @${closer}`);
    expect(lastText(offers()[0]?.answer.ts as string)).not.toContain('Close issue');

    // Pressed again later: already closed, nothing more in Notion.
    const late = await press('U0APPROVER');
    expect(late.responses[0]?.body.text).toContain('already closed');
    expect(notion.comments).toHaveLength(1);
  });

  it('shows the check green in the digest with its finished issue', async () => {
    await inProcess.command('digest morning', 'U0APPROVER');
    const digest = bot.slack.callsTo('chat.postMessage').find((c) => c.body.channel === 'C0DIGEST');
    const text = renderMessage({ blocks: (digest?.body.blocks as unknown[]) ?? [] }).text;
    expect(text).toMatch(
      /🟢 \*Fingerprint coverage \(Eagle\)\* {2}80\.9% .* · issue \[AUDIT\] Fingerprint coverage at 20\.1% - below 80% threshold \(https:\/\/www\.notion\.so\/\w+\) \(Done\)/,
    );
    expect(JSON.stringify(digest?.body.blocks)).not.toContain('propose_issue');
  });

  it('offers Reopen once when the check fails again, and reopens the page only for whom close_issues names', async () => {
    const replies = () =>
      bot.slack
        .callsTo('chat.postMessage')
        .filter(
          (c) =>
            c.body.thread_ts === proposal().ts && c.answer.ok && String(c.body.text).includes('fails again'),
        );
    setCoverage(4300);
    await deps().runner.run('fingerprint-coverage');
    await until(() => replies().length === 1);
    await deps().runner.run('fingerprint-coverage');
    await until(() => deps().lifecycle.pending === 0);
    expect(replies()).toHaveLength(1);
    const offerTs = replies()[0]?.answer.ts as string;
    expect(lastText(offerTs)).toContain(
      'Fingerprint coverage (Eagle)* fails again: 20.4% (4,300 / 21,125) now, but its issue is *Done*.',
    );

    const reopen = (user: string) =>
      inProcess.press({ action_id: ACTION.issueReopen, value: String(proposal().id) }, user, 'C0ISSUES');
    expect(String((await reopen('U0MEMBER')).responses[0]?.body.text)).toContain(
      'Only approvers can reopen issues',
    );
    expect(notion.comments).toHaveLength(1);

    expect(String((await reopen('U0CLOSER')).responses[0]?.body.text)).toContain('Reopened in Notion');
    expect(notion.created.at(-1)?.page.properties.Status).toMatchObject({ status: { name: 'Not started' } });
    expect(notion.comments).toHaveLength(2);
    expect(notion.comments[1]?.text).toMatch(
      /^Reopened from Slack by Slack user U0CLOSER: Fingerprint coverage \(Eagle\) 20\.4% /,
    );
    expect(proposal()).toMatchObject({
      closedAt: undefined,
      closeOfferTs: undefined,
      reopenOfferTs: undefined,
    });
    expect(lastText(offerTs)).toContain('Reopened in Notion by @U0CLOSER');
    expect(String((await reopen('U0APPROVER')).responses[0]?.body.text)).toBe('This issue is open already.');
    const listed = await inProcess.command('issues', 'U0MEMBER');
    expect(renderMessage({ blocks: listed.responses[0]?.body.blocks as unknown[] }).text).toContain(
      'check _Fingerprint coverage (Eagle)_ · *Not started*',
    );
  });

  it('a close cut off by a crash after its comment is taken over and comments no second time', async () => {
    // At target again: Close is offered anew for the reopened issue.
    setCoverage(17500);
    await deps().runner.run('fingerprint-coverage');
    await deps().runner.run('fingerprint-coverage');
    await until(() => offers().length === 2);
    const offerTs = offers()[1]?.answer.ts as string;
    // An earlier process claimed the close, commented, and died before recording it.
    const { id, pageId } = proposal();
    deps()
      .store.db.prepare('UPDATE issue_proposals SET closing_at = ? WHERE id = ?')
      .run('2020-01-01T00:00:00.000Z', id);
    notion.comments.push({
      pageId: pageId ?? '',
      text: `Closed from Slack by Slack user U0SECOND. (audit-bot, issue proposal ${id}, offer ${offerTs})`,
      json: {
        object: 'comment',
        rich_text: [{ plain_text: `(audit-bot, issue proposal ${id}, offer ${offerTs})` }],
      },
    });
    const commentsBefore = notion.comments.length;
    const close = await press('U0APPROVER');
    expect(String(close.responses[0]?.body.text)).toContain('Closed in Notion');
    expect(notion.comments).toHaveLength(commentsBefore);
    expect(notion.created.at(-1)?.page.properties.Status).toMatchObject({ status: { name: 'Done' } });
  });
});
