// Drives the bot's listeners in this process through the real Bolt App (App.processEvent, as
// its receivers call it) instead of signing and posting each request. A delivery resolves once
// the listeners have finished, so a test reads what followed the ack without polling for it.
// Web API calls and response_url posts still go over HTTP to the fake Slack; the signed HTTP,
// Socket Mode and kill -9 tests keep proving the real transports.

import type { App } from '@slack/bolt';
import { type DispatchResult, dispatchTo } from '../../src/dev/receiver.js';
import type { FakeSlack, SlackCall } from './fake-slack.js';

const TEAM = 'T0LOCAL';

export interface Delivered extends DispatchResult {
  /** What the listeners posted to this request's response_url, in order. */
  readonly responses: SlackCall[];
  readonly triggerId: string;
}

export class InProcess {
  constructor(
    private readonly app: App,
    private readonly slack: FakeSlack,
  ) {}

  /** Any payload, as a receiver hands it to the App (for bodies the helpers below don't build). */
  deliver(body: Record<string, unknown>): Promise<DispatchResult> {
    return dispatchTo(this.app, body);
  }

  /** `/audit <text>` typed by `user` in `channel`. */
  command(text: string, user: string, channel = 'C0GENERAL'): Promise<Delivered> {
    return this.withResponseUrl((response_url, trigger_id) => ({
      command: '/audit',
      text,
      user_id: user,
      user_name: user.toLowerCase(),
      channel_id: channel,
      team_id: TEAM,
      response_url,
      trigger_id,
    }));
  }

  /** `user` presses a button (`action_id`, `value`) on a message in `channel`. */
  press(
    button: { readonly action_id: string; readonly value?: string },
    user: string,
    channel = 'C0GENERAL',
  ): Promise<Delivered> {
    return this.withResponseUrl((response_url, trigger_id) => ({
      type: 'block_actions',
      team: { id: TEAM },
      user: { id: user, team_id: TEAM },
      channel: { id: channel },
      container: { type: 'message', message_ts: '1.000001', channel_id: channel },
      trigger_id,
      response_url,
      actions: [{ type: 'button', block_id: 'b', action_ts: '1', ...button }],
    }));
  }

  /** `user` submits a modal with `callback_id`, `private_metadata` and input `values`. */
  submit(
    view: { readonly callback_id: string; readonly private_metadata?: string },
    values: Record<string, Record<string, unknown>>,
    user: string,
  ): Promise<Delivered> {
    return this.withResponseUrl((_responseUrl, trigger_id) => ({
      type: 'view_submission',
      team: { id: TEAM },
      user: { id: user, team_id: TEAM },
      trigger_id,
      view: { id: 'V0INPROCESS', private_metadata: '', ...view, state: { values } },
    }));
  }

  private async withResponseUrl(
    build: (responseUrl: string, triggerId: string) => Record<string, unknown>,
  ): Promise<Delivered> {
    const responseUrl = this.slack.newResponseUrl();
    const triggerId = this.slack.newTriggerId();
    const result = await this.deliver(build(responseUrl, triggerId));
    const responses = this.slack.calls.filter(
      (c) => c.method === 'response_url' && responseUrl.endsWith(`/${c.responseId}`),
    );
    return { ...result, responses, triggerId };
  }
}

/** A plain-text input's value, as Slack puts it in `view.state.values`. */
export const textInput = (value: string) => ({ type: 'plain_text_input', value });
/** A static select's choice, as Slack puts it in `view.state.values`. */
export const selected = (value: string) => ({ type: 'static_select', selected_option: { value } });
