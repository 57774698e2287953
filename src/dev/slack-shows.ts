// What a Web API call the bot made would show in Slack, for the shell console to print: a
// message (with where it appears), a view, a note, or nothing.

import type { SlackCall } from './local-slack.js';
import type { RenderedButton } from './render.js';

export const SHELL_CHANNEL = 'C0SHELL';

/** A message as Slack shows it, and where: what a press of one of its buttons is sent with. */
export type ShownMessage =
  | { kind: 'message'; channel: string; ts: string; text: string; blocks: unknown[] }
  | { kind: 'ephemeral'; channel: string; text: string; blocks: unknown[] };

/** Where a pressable button was shown, so a press can be sent with the right context. */
export interface ButtonOrigin {
  readonly button: RenderedButton;
  readonly container: ShownMessage | { kind: 'view'; view: Record<string, unknown> };
}

export type Shown =
  | { readonly kind: 'message'; readonly label: string; readonly container: ShownMessage }
  | {
      readonly kind: 'view';
      readonly label: string;
      readonly view: { blocks?: unknown[]; [key: string]: unknown };
      /** A dialog just opened: the console asks for its inputs. */
      readonly asksInput: boolean;
    }
  | { readonly kind: 'note'; readonly text: string }
  | { readonly kind: 'nothing' };

export function whatSlackShows(call: SlackCall): Shown {
  const { body, answer } = call;
  if (answer.ok !== true) {
    return call.method === 'auth.test'
      ? { kind: 'nothing' }
      : { kind: 'note', text: `! Slack rejected ${call.method}: ${describeRejection(answer)}` };
  }
  const text = typeof body.text === 'string' ? body.text : '';
  const blocks = Array.isArray(body.blocks) ? body.blocks : [];
  const channel = typeof body.channel === 'string' ? body.channel : SHELL_CHANNEL;
  switch (call.method) {
    case 'response_url': {
      if (body.delete_original === true || body.delete_original === 'true')
        return { kind: 'note', text: '(message removed)' };
      const visibility = body.response_type === 'in_channel' ? `#${SHELL_CHANNEL}` : 'only visible to you';
      const replaced = body.replace_original === true || body.replace_original === 'true';
      const container = { kind: 'ephemeral' as const, channel: SHELL_CHANNEL, text, blocks };
      return { kind: 'message', label: replaced ? `${visibility}, updated` : visibility, container };
    }
    case 'chat.postMessage': {
      const thread = typeof body.thread_ts === 'string' ? ', in thread' : '';
      const container = { kind: 'message' as const, channel, ts: String(answer.ts), text, blocks };
      return { kind: 'message', label: `#${channel}${thread}`, container };
    }
    case 'chat.update': {
      const container = { kind: 'message' as const, channel, ts: String(body.ts), text, blocks };
      return { kind: 'message', label: `#${channel}, updated`, container };
    }
    case 'chat.postEphemeral': {
      const container = { kind: 'ephemeral' as const, channel, text, blocks };
      return { kind: 'message', label: `#${channel}, only visible to ${String(body.user)}`, container };
    }
    case 'views.open':
    case 'views.push':
    case 'views.update':
    case 'views.publish': {
      const view = {
        ...(body.view as Record<string, unknown>),
        id: (answer.view as { id?: string } | undefined)?.id,
      };
      const label = call.method === 'views.publish' ? 'Home tab' : 'dialog';
      const asksInput = call.method === 'views.open' || call.method === 'views.push';
      return { kind: 'view', label, view, asksInput };
    }
    default:
      return { kind: 'nothing' };
  }
}

function describeRejection(answer: Record<string, unknown>): string {
  const details = Array.isArray(answer.errors)
    ? answer.errors
    : (answer.response_metadata as { messages?: unknown[] } | undefined)?.messages;
  return [String(answer.error), ...(details ?? []).map(String)].join('; ');
}
