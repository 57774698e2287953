// Who may decide on a proposal, driven in process through the real Bolt app (no signed HTTP):
// Approve, Edit and Dismiss by members and by approvers through a user group, a user-group lookup
// slower than a view submission may wait, and where the answer to a saved edit goes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, VIEW } from '../../src/kit/ids.js';
import { type HttpBot, startHttpBot } from '../support/bot.js';
import { InProcess, selected, textInput } from '../support/in-process.js';

describe('decisions on proposals, in process', () => {
  let bot: HttpBot;
  let slack: HttpBot['slack'];
  let inProcess: InProcess;

  beforeAll(async () => {
    bot = await startHttpBot({
      // Deciders are a user group: a decision asks Slack who is in it (then caches it).
      configYaml: `
slack:
  channels: { issues: C0ISSUES }
  approvers: [U0OWNER]
  permissions: { approve_issues: [S0APPROVERS, S0ONCALL] }
probes: [{ id: drivesheets-tests, title: DriveSheetsSync tests, kind: push }]
`,
      waits: { permissionDeadlineMs: 200 },
    });
    slack = bot.slack;
    slack.userGroups.set('S0APPROVERS', ['U0LEAD']);
    inProcess = new InProcess(bot.test.bot.app, slack);
  });

  afterAll(async () => {
    await bot?.stop();
  });

  const propose = (key: string, title: string) =>
    bot.test.bot.deps.issues.proposals.propose(
      { sourceKey: key, title, priority: 'Medium', type: 'Bug', description: 'From the audit.' },
      new Date(),
    ).proposal;
  const button = (action_id: string, id: number) => ({ action_id, value: String(id) });
  const issueForm = (title: string) => ({
    title: { title: textInput(title) },
    priority: { priority: selected('High') },
    type: { type: selected('Task') },
    description: { description: textInput('') },
  });

  it('refuses a member each decision privately, naming the permission, and changes nothing', async () => {
    const proposal = propose('decide:member', 'Eagle tags lost on re-import');
    for (const [action, verb] of [
      [ACTION.issueApprove, 'create'],
      [ACTION.issueEdit, 'edit'],
      [ACTION.issueDismiss, 'dismiss'],
    ] as const) {
      const click = await inProcess.press(button(action, proposal.id), 'U0MEMBER');
      expect(click.acked).toBe(true);
      expect(click.responses).toHaveLength(1);
      expect(click.responses[0]?.body).toMatchObject({
        response_type: 'ephemeral',
        replace_original: false,
        text: expect.stringContaining(`Only approvers can ${verb} proposed issues`),
      });
      expect(slack.callsTo('views.open').filter((c) => c.body.trigger_id === click.triggerId)).toEqual([]);
    }
    expect(bot.test.bot.deps.issues.proposals.get(proposal.id)?.state).toBe('proposed');
    expect(bot.test.logs.text).toContain('dismiss of an issue proposal refused: missing permission');
  });

  it('lets a member of the approvers group edit: the form opens, and the saved edit is told by DM when the bot is not in the channel', async () => {
    const proposal = propose('decide:lead', 'Dashboard websocket reconnect storms');
    const click = await inProcess.press(button(ACTION.issueEdit, proposal.id), 'U0LEAD', 'C0ELSEWHERE');
    expect(click.responses).toEqual([]);
    const opened = slack.callsTo('views.open').find((c) => c.body.trigger_id === click.triggerId);
    const view = opened?.body.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(VIEW.issue);

    const saved = await inProcess.submit(
      view,
      issueForm('Dashboard reconnect storms after deploy'),
      'U0LEAD',
    );
    expect(saved.response).toBeUndefined();
    expect(bot.test.bot.deps.issues.proposals.get(proposal.id)).toMatchObject({
      title: 'Dashboard reconnect storms after deploy',
      priority: 'High',
      type: 'Task',
    });
    // Slack refuses an ephemeral message in a channel the bot is not in: the answer goes by DM.
    const refused = slack.callsTo('chat.postEphemeral').at(-1);
    expect(refused?.body.channel).toBe('C0ELSEWHERE');
    expect(refused?.answer.ok).toBe(false);
    expect(slack.callsTo('chat.postMessage').at(-1)?.body).toMatchObject({
      channel: 'U0LEAD',
      text: ':pencil2: The proposal was updated.',
    });
  });

  it('refuses a submission whose permission is not known in time, in the modal, and changes nothing', async () => {
    const proposal = propose('decide:slow', 'Fingerprint coverage below target');
    const metadata = JSON.stringify({ proposalId: proposal.id });
    // U0ONCALL is in the second group, whose members are not cached yet, and Slack is slow.
    slack.userGroups.set('S0ONCALL', ['U0ONCALL']);
    const release = slack.hold('usergroups.users.list');
    try {
      const edit = await inProcess.submit(
        { callback_id: VIEW.issue, private_metadata: metadata },
        issueForm('Nothing to see here'),
        'U0ONCALL',
      );
      expect(edit.response).toEqual({
        response_action: 'errors',
        errors: { title: expect.stringContaining('could not be checked just now') },
      });
      const dismiss = await inProcess.submit(
        { callback_id: VIEW.dismissIssue, private_metadata: metadata },
        { reason: { reason: textInput('not an issue') } },
        'U0ONCALL',
      );
      expect(dismiss.response).toEqual({
        response_action: 'errors',
        errors: { reason: expect.stringContaining('could not be checked just now') },
      });
    } finally {
      release();
    }
    expect(bot.test.bot.deps.issues.proposals.get(proposal.id)).toMatchObject({
      title: 'Fingerprint coverage below target',
      state: 'proposed',
    });
    expect(bot.test.logs.text).toMatch(/"timedOut":true.*permission not known in time/);

    // Once Slack answers, the same person may dismiss it.
    const dismissed = await inProcess.submit(
      { callback_id: VIEW.dismissIssue, private_metadata: metadata },
      { reason: { reason: textInput('Duplicate of the BPM tags issue') } },
      'U0ONCALL',
    );
    expect(dismissed.response).toBeUndefined();
    expect(bot.test.bot.deps.issues.proposals.get(proposal.id)?.state).toBe('dismissed');
  });

  it('tells the approver that a dismissed proposal can no longer be edited or dismissed', async () => {
    const proposal = propose('decide:closed', 'djay Pro ID sync incomplete');
    bot.test.bot.deps.issues.proposals.dismiss(proposal.id, 'U0LEAD', 'done', new Date());
    for (const [action, verb] of [
      [ACTION.issueEdit, 'edited'],
      [ACTION.issueDismiss, 'dismissed'],
    ] as const) {
      const click = await inProcess.press(button(action, proposal.id), 'U0LEAD');
      expect(click.responses[0]?.body.text).toBe(`This proposal can no longer be ${verb}.`);
    }
  });

  it('answers "Propose issue" on a check with no figure yet, and proposes once it has one', async () => {
    const propose = { action_id: `${ACTION.proposeIssue}:drivesheets-tests`, value: 'drivesheets-tests' };
    const early = await inProcess.press(propose, 'U0MEMBER');
    expect(early.responses[0]?.body.text).toBe('That check has no figure to propose an issue for yet.');

    const pushed = await bot.webhook('/probes/drivesheets-tests/results', {
      status: 'fail',
      passed: 40,
      failed: 2,
    });
    expect(pushed.status).toBe(202);
    const later = await inProcess.press(propose, 'U0MEMBER');
    expect(later.responses[0]?.body.text).toMatch(
      /^:memo: Proposed “\[AUDIT\] DriveSheetsSync tests at .*” in <#C0ISSUES>/,
    );
  });
});
