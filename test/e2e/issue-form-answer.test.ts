// The issue form has no response_url, so its answer goes to the channel it was opened from as
// an ephemeral message — which Slack refuses when the bot is not in that channel (the fake
// refuses like Slack). The person who submitted must still be told: by direct message then.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '../support/bot.js';
import { FakeSlack } from '../support/fake-slack.js';
import { postCommand, postInteraction } from '../support/sign.js';

const TOKEN = 'xoxb-form-answer-test';
const SECRET = 'form-answer-signing-secret';

describe('the answer to an issue form submission', () => {
  let slack: FakeSlack;
  let test: TestBot;
  const events = () => `${test.bot.httpUrl}/slack/events`;

  beforeAll(async () => {
    slack = await FakeSlack.start({ tokens: [TOKEN], memberOf: ['C0MEMBER'] });
    test = await startTestBot({
      env: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl },
      configYaml: 'slack: { channels: { issues: C0ISSUES }, approvers: [U0APPROVER] }',
    });
  });
  afterAll(async () => {
    await test?.stop();
    await slack?.stop();
  });

  async function submitFrom(channel: string, user: string, title: string): Promise<void> {
    const triggerId = slack.newTriggerId();
    await postCommand(events(), SECRET, {
      team_id: 'T0LOCAL',
      channel_id: channel,
      user_id: user,
      command: '/audit',
      text: `issue ${title}`,
      response_url: slack.newResponseUrl(),
      trigger_id: triggerId,
    });
    const open = await slack.waitFor('views.open', (c) => c.body.trigger_id === triggerId);
    const view = open.body.view as { callback_id: string; private_metadata: string };
    const res = await postInteraction(events(), SECRET, {
      type: 'view_submission',
      team: { id: 'T0LOCAL' },
      user: { id: user, team_id: 'T0LOCAL' },
      trigger_id: slack.newTriggerId(),
      view: {
        id: 'V1',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: {
          values: {
            title: { title: { type: 'plain_text_input', value: title } },
            priority: { priority: { type: 'static_select', selected_option: { value: 'Low' } } },
            type: { type: { type: 'static_select', selected_option: { value: 'Bug' } } },
            description: { description: { type: 'plain_text_input', value: '' } },
          },
        },
      },
    });
    expect(res.status).toBe(200);
  }

  it('is ephemeral in the channel the form came from when the bot is in it', async () => {
    await submitFrom('C0MEMBER', 'U0ONE', 'Eagle export misses BPM tags');
    const told = await slack.waitFor('chat.postEphemeral', (c) => c.body.user === 'U0ONE');
    expect(told.answer.ok).toBe(true);
    expect(told.body.channel).toBe('C0MEMBER');
  });

  it('comes by direct message when Slack refuses the ephemeral (the bot is not in that channel)', async () => {
    await submitFrom('C0ELSEWHERE', 'U0TWO', 'Dashboard reconnect storms');
    const refused = await slack.waitFor('chat.postEphemeral', (c) => c.body.user === 'U0TWO');
    expect(refused.answer).toMatchObject({ ok: false, error: 'channel_not_found' });
    const dm = await slack.waitFor('chat.postMessage', (c) => c.body.channel === 'U0TWO');
    expect(dm.answer.ok).toBe(true);
    // The same answer the ephemeral message carried.
    expect(dm.body.text).toBe(refused.body.text);
  });
});
