// The shell transport's console (like Hubot's shell adapter): reads lines, sends slash
// commands and button presses to the bot as Slack would, and prints what the bot sends to
// Slack as text. Ends at end of input, so `printf '/audit status\n' | npm start` works.

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { COMMAND } from '../kit/ids.js';
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

/** Where a pressable button was shown, so a press can be sent with the right context. */
interface ButtonOrigin {
  readonly button: RenderedButton;
  readonly container:
    | { kind: 'message'; channel: string; ts: string; text: string; blocks: unknown[] }
    | { kind: 'ephemeral'; channel: string; text: string; blocks: unknown[] }
    | { kind: 'view'; view: Record<string, unknown> };
}

interface FormField {
  readonly blockId: string;
  readonly actionId: string;
  readonly label: string;
  readonly kind: 'text' | 'multiline' | 'select';
  readonly options: readonly string[];
  readonly initial: string | undefined;
  readonly optional: boolean;
}

interface FormState {
  readonly view: Record<string, unknown>;
  fields: FormField[];
  index: number;
  readonly values: Record<string, Record<string, unknown>>;
  lines: string[];
}

/** The input blocks of a view, as questions for the console. */
function formFields(blocks: unknown): FormField[] {
  if (!Array.isArray(blocks)) return [];
  const fields: FormField[] = [];
  for (const raw of blocks) {
    const block = raw as {
      type?: string;
      block_id?: string;
      optional?: boolean;
      label?: { text?: string };
      element?: {
        type?: string;
        action_id?: string;
        multiline?: boolean;
        initial_value?: string;
        options?: Array<{ value?: string }>;
        initial_option?: { value?: string };
      };
    };
    if (block.type !== 'input' || !block.block_id || !block.element?.action_id) continue;
    const element = block.element;
    const isSelect = element.type === 'static_select';
    fields.push({
      blockId: block.block_id,
      actionId: element.action_id as string,
      label: block.label?.text ?? block.block_id,
      kind: isSelect ? 'select' : element.multiline ? 'multiline' : 'text',
      options: isSelect ? (element.options ?? []).map((o) => o.value ?? '').filter(Boolean) : [],
      initial: isSelect ? element.initial_option?.value : element.initial_value,
      optional: block.optional === true,
    });
  }
  return fields;
}

const SHELL_CHANNEL = 'C0SHELL';
const DIRECT_CHANNEL = 'D0SHELL';
const APP_ID = 'A0AUDITBOT';

export class ShellConsole {
  private user: string;
  private form: FormState | undefined;
  private nextButton = 1;
  private readonly buttons = new Map<number, ButtonOrigin>();
  private readonly options: ShellConsoleOptions;

  constructor(options: ShellConsoleOptions) {
    this.options = options;
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
      await this.answerForm(raw);
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

  /** A dialog with inputs: ask for each in turn, then submit it as Slack would. */
  private startForm(view: Record<string, unknown>): void {
    const fields = formFields(view.blocks);
    if (fields.length === 0) return;
    this.form = { view, fields, index: 0, values: {}, lines: [] };
    this.print('Fill in the dialog ("cancel" closes it):');
    this.askField();
  }

  private askField(): void {
    const form = this.form;
    const field = form?.fields[form.index];
    if (!form || !field) return;
    const initial = field.initial
      ? ` [${field.initial.length > 40 ? `${field.initial.slice(0, 40)}…` : field.initial}]`
      : '';
    if (field.kind === 'select') {
      const choices = field.options.map((o, i) => `${i + 1} ${o}`).join(', ');
      this.print(`${field.label} (${choices})${initial}:`);
    } else if (field.kind === 'multiline') {
      this.print(
        `${field.label}${initial} — several lines; a line with only "." ends it${field.optional ? ' (optional)' : ''}:`,
      );
    } else {
      this.print(`${field.label}${initial}:`);
    }
  }

  private async answerForm(raw: string): Promise<void> {
    const form = this.form;
    const field = form?.fields[form.index];
    if (!form || !field) return;
    if (raw.trim().toLowerCase() === 'cancel') {
      this.form = undefined;
      this.print('(dialog closed)');
      return;
    }
    let value: string | undefined;
    if (field.kind === 'multiline') {
      if (raw.trim() !== '.') {
        form.lines.push(raw);
        return;
      }
      value = form.lines.length > 0 ? form.lines.join('\n') : field.initial;
      form.lines = [];
    } else if (field.kind === 'select') {
      const answer = raw.trim();
      const byNumber = field.options[Number.parseInt(answer, 10) - 1];
      value =
        answer === ''
          ? field.initial
          : (byNumber ?? field.options.find((o) => o.toLowerCase() === answer.toLowerCase()));
      if (answer !== '' && value === undefined) {
        this.print(`Choose one of ${field.options.join(', ')}.`);
        this.askField();
        return;
      }
    } else {
      value = raw.trim() === '' ? field.initial : raw.trim();
    }
    form.values[field.blockId] = {
      [field.actionId]:
        field.kind === 'select'
          ? {
              type: 'static_select',
              selected_option: value ? { value, text: { type: 'plain_text', text: value } } : null,
            }
          : { type: 'plain_text_input', value: value ?? null },
    };
    form.index += 1;
    if (form.index < form.fields.length) {
      this.askField();
      return;
    }
    await this.submitForm();
  }

  private async submitForm(): Promise<void> {
    const form = this.form;
    if (!form) return;
    const { view, values } = form;
    const result = await this.options.receiver.dispatch({
      ...this.base(),
      type: 'view_submission',
      trigger_id: this.options.slack.newTriggerId(),
      view: { ...view, state: { values } },
    });
    const response = result.response as
      | { response_action?: string; errors?: Record<string, string> }
      | undefined;
    if (response?.response_action === 'errors' && response.errors) {
      for (const [blockId, message] of Object.entries(response.errors))
        this.print(`! ${blockId}: ${message}`);
      // Ask again for the fields that were refused, keeping the others.
      const refused = new Set(Object.keys(response.errors));
      form.fields = form.fields.filter((f) => refused.has(f.blockId));
      form.index = 0;
      this.askField();
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
    if (command !== COMMAND) {
      this.print(`${command} is not a command of audit-bot. Try /audit help.`);
      return;
    }
    const body = {
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
    };
    const result = await this.options.receiver.dispatch(body);
    if (!result.acked) {
      this.print(`${command} is not a command of audit-bot. Try /audit help.`);
      return;
    }
    this.showAck(result.response, { kind: 'ephemeral', channel: SHELL_CHANNEL });
  }

  private async press(arg: string): Promise<void> {
    const number = Number.parseInt(arg, 10);
    const origin = this.buttons.get(number);
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
      body.response_url = this.options.slack.newResponseUrl();
      body.channel = { id: container.channel, name: container.channel.toLowerCase() };
      const message = { type: 'message', text: container.text, blocks: container.blocks };
      if (container.kind === 'message') {
        body.container = {
          type: 'message',
          message_ts: container.ts,
          channel_id: container.channel,
          is_ephemeral: false,
        };
        body.message = { ...message, ts: container.ts };
      } else {
        body.container = {
          type: 'message',
          message_ts: '0',
          channel_id: container.channel,
          is_ephemeral: true,
        };
        body.message = { ...message, ts: '0' };
      }
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

  private showAck(response: unknown, where: { kind: 'ephemeral'; channel: string }): void {
    if (response === undefined || response === '') return;
    if (typeof response === 'string') {
      this.printMessage(
        'only visible to you',
        { text: response, blocks: [] },
        { ...where, text: response, blocks: [] },
      );
      return;
    }
    const message = response as { text?: string; blocks?: unknown[] };
    this.printMessage('only visible to you', message, {
      ...where,
      text: message.text ?? '',
      blocks: message.blocks ?? [],
    });
  }

  /** Prints what the bot sent to "Slack". */
  private show(call: SlackCall): void {
    const { body, answer } = call;
    if (answer.ok !== true) {
      if (call.method !== 'auth.test')
        this.print(`! Slack rejected ${call.method}: ${describeRejection(answer)}`);
      return;
    }
    const text = typeof body.text === 'string' ? body.text : '';
    const blocks = Array.isArray(body.blocks) ? body.blocks : [];
    const channel = typeof body.channel === 'string' ? body.channel : SHELL_CHANNEL;
    switch (call.method) {
      case 'response_url': {
        if (body.delete_original === true || body.delete_original === 'true') {
          this.print('(message removed)');
          return;
        }
        const visibility = body.response_type === 'in_channel' ? `#${SHELL_CHANNEL}` : 'only visible to you';
        const label =
          body.replace_original === true || body.replace_original === 'true'
            ? `${visibility}, updated`
            : visibility;
        this.printMessage(
          label,
          { text, blocks },
          { kind: 'ephemeral', channel: SHELL_CHANNEL, text, blocks },
        );
        return;
      }
      case 'chat.postMessage': {
        const thread = typeof body.thread_ts === 'string' ? ', in thread' : '';
        const ts = String(answer.ts);
        this.printMessage(
          `#${channel}${thread}`,
          { text, blocks },
          { kind: 'message', channel, ts, text, blocks },
        );
        return;
      }
      case 'chat.update':
        this.printMessage(
          `#${channel}, updated`,
          { text, blocks },
          { kind: 'message', channel, ts: String(body.ts), text, blocks },
        );
        return;
      case 'chat.postEphemeral':
        this.printMessage(
          `#${channel}, only visible to ${String(body.user)}`,
          { text, blocks },
          { kind: 'ephemeral', channel, text, blocks },
        );
        return;
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish': {
        const view: { blocks?: unknown[]; [key: string]: unknown } = {
          ...(body.view as Record<string, unknown>),
          id: (answer.view as { id?: string } | undefined)?.id,
        };
        const label = call.method === 'views.publish' ? 'Home tab' : 'dialog';
        const rendered = renderView(view, { firstButtonNumber: this.nextButton });
        this.remember(rendered.buttons, { kind: 'view', view });
        this.print(frame(label, rendered.text));
        if (call.method === 'views.open' || call.method === 'views.push') this.startForm(view);
        return;
      }
      default:
    }
  }

  private printMessage(
    label: string,
    message: { text?: string; blocks?: unknown[] },
    container: ButtonOrigin['container'],
  ): void {
    const rendered = renderMessage(message, { firstButtonNumber: this.nextButton });
    this.remember(rendered.buttons, container);
    this.print(frame(label, rendered.text));
  }

  private remember(buttons: readonly RenderedButton[], container: ButtonOrigin['container']): void {
    for (const button of buttons) {
      this.buttons.set(button.number, { button, container });
      this.nextButton = Math.max(this.nextButton, button.number + 1);
    }
  }
}

function frame(label: string, text: string): string {
  return `── audit-bot · ${label} ${'─'.repeat(Math.max(3, 48 - label.length))}\n${text.trimEnd()}\n`;
}

function describeRejection(answer: Record<string, unknown>): string {
  const details = Array.isArray(answer.errors)
    ? answer.errors
    : (answer.response_metadata as { messages?: unknown[] } | undefined)?.messages;
  return [String(answer.error), ...(details ?? []).map(String)].join('; ');
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
