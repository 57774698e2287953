// The fake Slack refuses like Slack: only the scopes manifest.yml requests are granted,
// a method outside them answers missing_scope, and channel membership matters. And the crash
// recovery lookup (kit/slack findPostedByMetadata) works under exactly those scopes, joining a
// public channel it posted to without being a member — and cannot without channels:join.

import { readFileSync } from 'node:fs';
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findPostedByMetadata, slackErrorCode } from '../../src/kit/slack.js';
import { FakeSlack, type FakeSlackOptions } from '../support/fake-slack.js';
import { MANIFEST_PATH } from '../support/slack-scopes.js';

const TOKEN = 'xoxb-scopes-test';

describe('the fake Slack refuses like Slack', () => {
  const started: FakeSlack[] = [];
  afterEach(async () => {
    for (const slack of started.splice(0)) await slack.stop();
  });

  async function client(
    options: FakeSlackOptions = {},
  ): Promise<{ slack: FakeSlack; web: webApi.WebClient }> {
    const slack = await FakeSlack.start({ tokens: [TOKEN], ...options });
    started.push(slack);
    return {
      slack,
      web: new webApi.WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
    };
  }

  async function refusal(call: Promise<unknown>): Promise<Record<string, unknown>> {
    try {
      await call;
    } catch (error) {
      if (error instanceof webApi.WebAPIPlatformError)
        return error.data as unknown as Record<string, unknown>;
      throw error;
    }
    throw new Error('expected Slack to refuse the call');
  }

  it('grants exactly the bot scopes manifest.yml requests', async () => {
    const { slack } = await client();
    const manifest = parse(readFileSync(MANIFEST_PATH, 'utf8')) as {
      oauth_config: { scopes: { bot: string[] } };
    };
    expect([...slack.scopes].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it('answers missing_scope, naming what was needed and what the token has, outside them', async () => {
    const { slack, web } = await client();
    const answer = await refusal(web.users.info({ user: 'U0SOMEONE' }));
    expect(answer).toMatchObject({ ok: false, error: 'missing_scope', needed: 'users:read' });
    expect(String(answer.provided).split(',').sort()).toEqual([...slack.scopes].sort());
    expect(await refusal(web.conversations.info({ channel: 'D0DIRECT' }))).toMatchObject({
      error: 'missing_scope',
      needed: 'im:read',
    });
    // A DM's history needs im:history, which the bot does not ask for.
    expect(await refusal(web.conversations.history({ channel: 'D0DIRECT' }))).toMatchObject({
      error: 'missing_scope',
      needed: 'im:history',
    });
    // Methods that need no scope work.
    expect((await web.auth.test()).ok).toBe(true);
  });

  it('posts to a public channel it is not in through chat:write.public, and reads it only after joining', async () => {
    const { slack, web } = await client();
    const posted = await web.chat.postMessage({
      channel: 'C0PUBLIC',
      text: 'hello',
      metadata: { event_type: 'test_event', event_payload: { id: 'one' } },
    });
    expect(posted.ok).toBe(true);
    expect(await refusal(web.conversations.history({ channel: 'C0PUBLIC' }))).toMatchObject({
      error: 'not_in_channel',
    });
    expect(
      await refusal(web.chat.postEphemeral({ channel: 'C0PUBLIC', user: 'U0X', text: 'psst' })),
    ).toMatchObject({ error: 'channel_not_found' });
    expect((await web.conversations.join({ channel: 'C0PUBLIC' })).ok).toBe(true);
    expect(slack.members.has('C0PUBLIC')).toBe(true);
    const history = await web.conversations.history({ channel: 'C0PUBLIC', include_all_metadata: true });
    expect(history.messages?.map((m) => m.metadata?.event_type)).toEqual(['test_event']);
    // Metadata only comes back when asked for.
    const plain = await web.conversations.history({ channel: 'C0PUBLIC' });
    expect(plain.messages?.[0]?.metadata).toBeUndefined();
  });

  it('needs chat:write.public (or membership) to post to a public channel', async () => {
    const { web } = await client({ scopes: ['chat:write'], memberOf: ['C0MEMBER'] });
    expect(await refusal(web.chat.postMessage({ channel: 'C0OTHER', text: 'x' }))).toMatchObject({
      error: 'not_in_channel',
    });
    expect((await web.chat.postMessage({ channel: 'C0MEMBER', text: 'x' })).ok).toBe(true);
    expect((await web.chat.postMessage({ channel: 'U0SOMEONE', text: 'a DM' })).ok).toBe(true);
  });

  it('does not know private channels the bot was not added to, and cannot join them', async () => {
    const { web } = await client({ memberOf: ['G0INVITED'], privateChannels: ['C0SECRET'] });
    for (const channel of ['G0HIDDEN', 'C0SECRET']) {
      expect(await refusal(web.chat.postMessage({ channel, text: 'x' }))).toMatchObject({
        error: 'channel_not_found',
      });
      expect(await refusal(web.conversations.history({ channel }))).toMatchObject({
        error: 'channel_not_found',
      });
      expect(await refusal(web.conversations.join({ channel }))).toMatchObject({
        error: 'method_not_supported_for_channel_type',
      });
    }
    const posted = await web.chat.postMessage({ channel: 'G0INVITED', text: 'x' });
    expect((await web.conversations.replies({ channel: 'G0INVITED', ts: String(posted.ts) })).ok).toBe(true);
  });
});

describe('finding a post cut off by a crash, under the manifest scopes', () => {
  const started: FakeSlack[] = [];
  afterEach(async () => {
    for (const slack of started.splice(0)) await slack.stop();
  });

  async function setup(options: FakeSlackOptions = {}) {
    const slack = await FakeSlack.start({ tokens: [TOKEN], ...options });
    started.push(slack);
    const web = new webApi.WebClient(TOKEN, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const since = new Date();
    const parent = await web.chat.postMessage({
      channel: 'C0ALERTS',
      text: 'alert',
      metadata: { event_type: 'audit_alert', event_payload: { group_id: 'g1' } },
    });
    await web.chat.postMessage({
      channel: 'C0ALERTS',
      thread_ts: String(parent.ts),
      text: 'Resolved',
      metadata: { event_type: 'audit_alert_reply', event_payload: { group_id: 'g1', reply_id: 7 } },
    });
    return { slack, web, since, parentTs: String(parent.ts) };
  }

  it('joins the public channel it posted to without being a member, then finds the post and the reply', async () => {
    const { slack, web, since, parentTs } = await setup();
    const found = await findPostedByMetadata(web, {
      channel: 'C0ALERTS',
      eventType: 'audit_alert',
      match: (p) => p.group_id === 'g1',
      since,
    });
    expect(found).toBe(parentTs);
    expect(slack.callsTo('conversations.join')).toHaveLength(1);
    const reply = await findPostedByMetadata(web, {
      channel: 'C0ALERTS',
      threadTs: parentTs,
      eventType: 'audit_alert_reply',
      match: (p) => p.reply_id === 7,
      since,
    });
    expect(reply).toBeDefined();
    expect(reply).not.toBe(parentTs);
  });

  it('cannot, without channels:join', async () => {
    const { slack, web, since } = await setup({
      scopes: [...new FakeSlack().scopes].filter((s) => s !== 'channels:join'),
    });
    const lookup = findPostedByMetadata(web, {
      channel: 'C0ALERTS',
      eventType: 'audit_alert',
      match: (p) => p.group_id === 'g1',
      since,
    });
    await expect(lookup).rejects.toSatisfy((error) => slackErrorCode(error) === 'missing_scope');
    expect(slack.callsTo('conversations.join')[0]?.answer).toMatchObject({ needed: 'channels:join' });
  });
});
