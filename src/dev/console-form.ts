// A modal dialog in the shell console: its input blocks asked one by one, answers collected as
// Slack's `view.state.values`, and the fields Slack's answer refuses asked again.

interface FormField {
  readonly blockId: string;
  readonly actionId: string;
  readonly label: string;
  readonly kind: 'text' | 'multiline' | 'select';
  readonly options: readonly string[];
  readonly initial: string | undefined;
  readonly optional: boolean;
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

export class ShellForm {
  private index = 0;
  private lines: string[] = [];
  readonly values: Record<string, Record<string, unknown>> = {};

  private constructor(
    readonly view: Record<string, unknown>,
    private fields: FormField[],
    private readonly print: (text: string) => void,
  ) {}

  /** The dialog as questions, the first one asked; undefined when it has no input to ask for. */
  static open(view: Record<string, unknown>, print: (text: string) => void): ShellForm | undefined {
    const fields = formFields(view.blocks);
    if (fields.length === 0) return undefined;
    const form = new ShellForm(view, fields, print);
    print('Fill in the dialog ("cancel" closes it):');
    form.ask();
    return form;
  }

  private ask(): void {
    const field = this.fields[this.index];
    if (!field) return;
    const { label, kind, initial, optional } = field;
    const choices = kind === 'select' ? ` (${field.options.map((o, i) => `${i + 1} ${o}`).join(', ')})` : '';
    const current = initial ? ` [${initial.length > 40 ? `${initial.slice(0, 40)}…` : initial}]` : '';
    const ending = `several lines; a line with only "." ends it${optional ? ' (optional)' : ''}`;
    const optionalChoice = kind === 'select' && optional ? ' (optional: Enter for none)' : '';
    this.print(`${label}${choices}${current}${optionalChoice}${kind === 'multiline' ? ` — ${ending}` : ''}:`);
  }

  /** One typed line: more to ask, the dialog cancelled, or every field answered. */
  answer(raw: string): 'asking' | 'cancelled' | 'complete' {
    const field = this.fields[this.index];
    if (!field) return 'complete';
    const typed = raw.trim();
    if (typed.toLowerCase() === 'cancel') return 'cancelled';
    // An empty answer keeps the initial value.
    let value = typed || field.initial;
    if (field.kind === 'multiline') {
      if (typed !== '.') {
        this.lines.push(raw);
        return 'asking';
      }
      value = this.lines.length > 0 ? this.lines.join('\n') : field.initial;
      this.lines = [];
    } else if (field.kind === 'select' && typed) {
      const { options } = field;
      value =
        options[Number.parseInt(typed, 10) - 1] ??
        options.find((o) => o.toLowerCase() === typed.toLowerCase());
      if (value === undefined) {
        this.print(`Choose one of ${options.join(', ')}.`);
        this.ask();
        return 'asking';
      }
    }
    this.values[field.blockId] = {
      [field.actionId]:
        field.kind === 'select'
          ? {
              type: 'static_select',
              selected_option: value ? { value, text: { type: 'plain_text', text: value } } : null,
            }
          : { type: 'plain_text_input', value: value ?? null },
    };
    this.index += 1;
    if (this.index < this.fields.length) {
      this.ask();
      return 'asking';
    }
    return 'complete';
  }

  /** Slack refused the submission: shows why and asks again for those fields, keeping the others. */
  refused(errors: Record<string, string>): void {
    for (const [blockId, message] of Object.entries(errors)) this.print(`! ${blockId}: ${message}`);
    const refused = new Set(Object.keys(errors));
    this.fields = this.fields.filter((f) => refused.has(f.blockId));
    this.index = 0;
    this.ask();
  }
}
