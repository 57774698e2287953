// The shell transport's console (like Hubot's shell adapter): reads lines, sends slash
// commands and button presses to the bot as Slack would, and prints what the bot sends to
// Slack as text: a message with where it appears, a view, or a note. Ends at end of input, so
// `printf '/audit status\n' | npm start` works.

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { COMMAND } from '../kit/ids.js';
import { ShellForm } from './console-form.js';
import type { LocalSlack, SlackCall } from './local-slack.js';
import type { ShellReceiver } from './receiver.js';
import { type RenderedButton, renderMessage, renderView } from './render.js';

export interface ShellConsoleOptions {
  readonly receiver: ShellReceiver;
  readonly slack: LocalSlack;
  readonly input: Readable;
  readonly output: Writable;
  /** Show a prompt (only when a person is typing). */
  readonly interactive: boolean;
  /** The Slack user the console acts as. */
  readonly user: string;
  readonly approvers: readonly string[];
  readonly teamId: string;
}

const SHELL_CHANNEL = 'C0SHELL';
const DIRECT_CHANNEL = 'D0SHELL';
const APP_ID = 'A0AUDITBOT';
const VIEW_METHODS = new Set(['views.open', 'views.push', 'views.update', 'views.publish']);

/** A message as Slack shows it, and where: what a press of one of its buttons is sent with. */
type ShownMessage =
  | { kind: 'message'; channel: string; ts: string; text: string; blocks: unknown[] }
  | { kind: 'ephemeral'; channel: string; text: string; blocks: unknown[] };

type ShownView = { blocks?: unknown[]; [key: string]: unknown };

/** Where a pressable button was shown, so a press can be sent with the right context. */
interface ButtonOrigin {
  readonly button: RenderedButton;
  readonly container: ShownMessage | { kind: 'view'; view: ShownView };
}

export class ShellConsole {
  private user: string;
  private form: ShellForm | undefined;
  private nextButton = 1;
  private readonly buttons = new Map<number, ButtonOrigin>();

  constructor(private readonly options: ShellConsoleOptions) {
    this.user = options.user;
    // The demo workspace is the shell's own: whoever it acts as is in every channel.
    options.slack.defaultMembers.add(options.user);
    options.slack.on('call', (call) => this.show(call));
  }

  /** Reads until end of input; resolves once every line has been handled. */
  async run(): Promise<void> {
    const { input, interactive } = this.options;
    this.greet();
    const lines = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
    if (interactive) this.prompt();
    for await (const line of lines) {
      const keepGoing = await this.handleLine(line);
      if (!keepGoing) break;
      if (interactive) this.prompt();
    }
    lines.close();
  }

  /** One line of input; false when the user asked to quit. */
  async handleLine(raw: string): Promise<boolean> {
    if (this.form) {
      await this.answerForm(this.form, raw);
      return true;
    }
    const line = raw.trim();
    if (!line || line.startsWith('#')) return true;
    const [word = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    try {
      switch (word.toLowerCase()) {
        case 'quit':
        case 'exit':
        case '/quit':
          return false;
        case 'help':
        case '?':
        case '/shell':
          this.print(SHELL_HELP);
          return true;
        case 'press':
        case 'p':
          await this.press(args);
          return true;
        case '/user':
          this.switchUser(args);
          return true;
        case '/home':
          await this.openHome();
          return true;
        default:
          if (word.startsWith('/')) await this.command(word, args);
          else this.print(`Type a slash command such as /audit help, "press N" for a button, or "help".`);
          return true;
      }
    } catch (error) {
      this.print(`error: ${error instanceof Error ? error.message : String(error)}`);
      return true;
    }
  }

  /** A line typed while a dialog is open; once every field is answered it is submitted as Slack would. */
  private async answerForm(form: ShellForm, raw: string): Promise<void> {
    const outcome = form.answer(raw);
    if (outcome === 'cancelled') {
      this.form = undefined;
      this.print('(dialog closed)');
    }
    if (outcome !== 'complete') return;
    const result = await this.options.receiver.dispatch({
      ...this.base(),
      type: 'view_submission',
      trigger_id: this.options.slack.newTriggerId(),
      view: { ...form.view, state: { values: form.values } },
    });
    const response = result.response as
      | { response_action?: string; errors?: Record<string, string> }
      | undefined;
    if (response?.response_action === 'errors' && response.errors) {
      form.refused(response.errors);
      return;
    }
    this.form = undefined;
    if (!result.acked) this.print('(nothing handled the dialog)');
  }

  private greet(): void {
    const { approvers } = this.options;
    const role = approvers.includes(this.user) ? 'an approver' : 'not an approver';
    const hint =
      approvers[0] && !approvers.includes(this.user) ? ` (type "/user ${approvers[0]}" to act as one)` : '';
    this.print(`audit-bot shell — you are ${this.user}, ${role}${hint}. Type "help" for shell commands.`);
  }

  private prompt(): void {
    this.options.output.write('audit> ');
  }

  private print(text: string): void {
    this.options.output.write(`${text}\n`);
  }

  private switchUser(id: string): void {
    if (!/^[UW][A-Z0-9]{2,}$/.test(id)) {
      this.print(`You are ${this.user}. Usage: /user U0123ABCD`);
      return;
    }
    this.user = id;
    this.options.slack.defaultMembers.add(id);
    const role = this.options.approvers.includes(id) ? 'an approver' : 'not an approver';
    this.print(`You are now ${id}, ${role}.`);
  }

  private base(): Record<string, unknown> {
    return {
      token: 'shell',
      api_app_id: APP_ID,
      team: { id: this.options.teamId, domain: 'local' },
      user: {
        id: this.user,
        username: this.user.toLowerCase(),
        name: this.user.toLowerCase(),
        team_id: this.options.teamId,
      },
      is_enterprise_install: false,
    };
  }

  private async command(command: string, text: string): Promise<void> {
    // Slack sends the bot only its own commands; the bot acknowledges anything else silently.
    const result =
      command === COMMAND
        ? await this.options.receiver.dispatch({
            token: 'shell',
            api_app_id: APP_ID,
            team_id: this.options.teamId,
            team_domain: 'local',
            channel_id: SHELL_CHANNEL,
            channel_name: 'shell',
            user_id: this.user,
            user_name: this.user.toLowerCase(),
            command,
            text,
            is_enterprise_install: 'false',
            response_url: this.options.slack.newResponseUrl(),
            trigger_id: this.options.slack.newTriggerId(),
          })
        : undefined;
    if (result?.acked) this.showAck(result.response);
    else this.print(`${command} is not a command of audit-bot. Try /audit help.`);
  }

  private async press(arg: string): Promise<void> {
    const origin = this.buttons.get(Number.parseInt(arg, 10));
    if (!origin) {
      this.print(
        this.buttons.size === 0
          ? 'There is no button to press yet.'
          : `No button [${arg}]. Buttons are numbered in the answers above.`,
      );
      return;
    }
    const { button, container } = origin;
    if (button.url) this.print(`(opens ${button.url})`);
    const action = {
      type: 'button',
      action_id: button.actionId,
      block_id: button.blockId ?? 'shell',
      text: { type: 'plain_text', text: button.text },
      value: button.value,
      action_ts: String(Date.now() / 1000),
    };
    const body: Record<string, unknown> = {
      ...this.base(),
      type: 'block_actions',
      trigger_id: this.options.slack.newTriggerId(),
      actions: [action],
    };
    if (container.kind === 'view') {
      body.container = { type: 'view', view_id: container.view.id };
      body.view = container.view;
    } else {
      // An ephemeral message has no ts of its own; Slack sends "0".
      const ts = container.kind === 'message' ? container.ts : '0';
      body.response_url = this.options.slack.newResponseUrl();
      body.channel = { id: container.channel, name: container.channel.toLowerCase() };
      body.container = {
        type: 'message',
        message_ts: ts,
        channel_id: container.channel,
        is_ephemeral: container.kind === 'ephemeral',
      };
      body.message = { type: 'message', text: container.text, blocks: container.blocks, ts };
    }
    const result = await this.options.receiver.dispatch(body);
    if (!result.acked) this.print(`Nothing handles the button "${button.text}" (${button.actionId}).`);
  }

  private async openHome(): Promise<void> {
    const now = Date.now() / 1000;
    await this.options.receiver.dispatch({
      token: 'shell',
      type: 'event_callback',
      api_app_id: APP_ID,
      team_id: this.options.teamId,
      event: {
        type: 'app_home_opened',
        user: this.user,
        channel: DIRECT_CHANNEL,
        tab: 'home',
        event_ts: String(now),
      },
      event_id: `Ev${Math.floor(now * 1000)}`,
      event_time: Math.floor(now),
      authorizations: [{ team_id: this.options.teamId, user_id: 'U0AUDITBOT', is_bot: true }],
    });
  }

  /** What a slash command was acknowledged with, which Slack shows only to whoever typed it. */
  private showAck(response: unknown): void {
    if (response === undefined || response === '') return;
    const message =
      typeof response === 'string' ? { text: response } : (response as { text?: string; blocks?: unknown[] });
    this.printShown('only visible to you', {
      kind: 'ephemeral',
      channel: SHELL_CHANNEL,
      text: message.text ?? '',
      blocks: message.blocks ?? [],
    });
  }

  /** Prints what a Web API call the bot made would show in Slack. */
  private show({ method, body, answer }: SlackCall): void {
    if (answer.ok !== true) {
      if (method !== 'auth.test') this.print(`! Slack rejected ${method}: ${describeRejection(answer)}`);
      return;
    }
    const text = typeof body.text === 'string' ? body.text : '';
    const blocks = Array.isArray(body.blocks) ? body.blocks : [];
    const channel = typeof body.channel === 'string' ? body.channel : SHELL_CHANNEL;
    if (method === 'response_url') {
      if (body.delete_original === true || body.delete_original === 'true') {
        this.print('(message removed)');
        return;
      }
      const visibility = body.response_type === 'in_channel' ? `#${SHELL_CHANNEL}` : 'only visible to you';
      const replaced = body.replace_original === true || body.replace_original === 'true';
      const container = { kind: 'ephemeral' as const, channel: SHELL_CHANNEL, text, blocks };
      this.printShown(replaced ? `${visibility}, updated` : visibility, container);
    } else if (method === 'chat.postMessage') {
      const thread = typeof body.thread_ts === 'string' ? ', in thread' : '';
      const container = { kind: 'message' as const, channel, ts: String(answer.ts), text, blocks };
      this.printShown(`#${channel}${thread}`, container);
    } else if (method === 'chat.update') {
      const container = { kind: 'message' as const, channel, ts: String(body.ts), text, blocks };
      this.printShown(`#${channel}, updated`, container);
    } else if (method === 'chat.postEphemeral') {
      const container = { kind: 'ephemeral' as const, channel, text, blocks };
      this.printShown(`#${channel}, only visible to ${String(body.user)}`, container);
    } else if (VIEW_METHODS.has(method)) {
      const view: ShownView = {
        ...(body.view as Record<string, unknown>),
        id: (answer.view as { id?: string } | undefined)?.id,
      };
      this.printShown(method === 'views.publish' ? 'Home tab' : 'dialog', { kind: 'view', view });
      // A dialog just opened with inputs: the console asks for each in turn, then submits it.
      if (method === 'views.open' || method === 'views.push')
        this.form = ShellForm.open(view, (line) => this.print(line));
    }
  }

  /** Prints a message or view as text and remembers its buttons, numbered on from the last, for `press`. */
  private printShown(label: string, container: ButtonOrigin['container']): void {
    const numbering = { firstButtonNumber: this.nextButton };
    const rendered =
      container.kind === 'view' ? renderView(container.view, numbering) : renderMessage(container, numbering);
    for (const button of rendered.buttons) {
      this.buttons.set(button.number, { button, container });
      this.nextButton = Math.max(this.nextButton, button.number + 1);
    }
    this.print(frame(label, rendered.text));
  }
}

function describeRejection(answer: Record<string, unknown>): string {
  const details = Array.isArray(answer.errors)
    ? answer.errors
    : (answer.response_metadata as { messages?: unknown[] } | undefined)?.messages;
  return [String(answer.error), ...(details ?? []).map(String)].join('; ');
}

function frame(label: string, text: string): string {
  return `── audit-bot · ${label} ${'─'.repeat(Math.max(3, 48 - label.length))}\n${text.trimEnd()}\n`;
}

const SHELL_HELP = [
  'Shell commands:',
  '  /audit …        a slash command, as typed in Slack (try /audit help)',
  '  press N         press the button numbered [N] in an answer above',
  "  /home           open the bot's Home tab",
  '  /user U0123     act as another Slack user (approvers can approve and silence)',
  '  help            this list',
  '  quit            leave (end of input works too)',
].join('\n');
