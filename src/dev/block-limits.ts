// Block Kit payload checks that answer the way Slack's Web API does (`invalid_blocks`, with one
// `message [json-pointer:/…]` line per problem). The fake Slack server, the shell transport and the
// builders' unit tests share it, so a message that would bounce in Slack bounces everywhere else too.

export type Surface = 'message' | 'modal' | 'home';

export interface BlockKitProblem {
  /** JSON pointer into the payload as given (`/blocks/0/text/text`); views are not prefixed with `/view`. */
  pointer: string;
  /** Slack's wording, e.g. `must be less than 3001 characters`. */
  message: string;
}

/** Slack's documented limits; lengths count characters (code points), counts are array items. */
export const BLOCK_LIMITS = {
  maxBlocks: { message: 50, modal: 100, home: 100 },
  messageText: 40000,
  sectionText: 3000,
  sectionFieldCount: 10,
  sectionFieldText: 2000,
  /** Any text object without a tighter limit (context elements, for example). */
  textObject: 3000,
  headerText: 150,
  markdownText: 12000,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  url: 3000,
  contextElements: 10,
  actionsElements: 25,
  imageAltText: 2000,
  imageTitle: 2000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  optionGroupLabel: 75,
  staticSelectOptions: 100,
  staticSelectOptionGroups: 100,
  overflowOptions: 5,
  /** checkboxes and radio_buttons */
  choiceOptions: 10,
  viewTitle: 24,
  viewSubmit: 24,
  viewClose: 24,
  callbackId: 255,
  privateMetadata: 3000,
} as const;

type Problems = BlockKitProblem[];
type Json = Record<string, unknown>;

const SELECTS = [
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
];
const PICKERS = ['datepicker', 'timepicker', 'datetimepicker'];
const CHOICES = ['checkboxes', 'radio_buttons'];
const TEXT_INPUTS = [
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
  'rich_text_input',
  'file_input',
];

// Which elements each container accepts. Erring on the permissive side: a fake Slack that rejects
// what real Slack accepts would send us chasing bugs that are not there.
const ACTIONS_ELEMENTS = new Set([
  'button',
  'overflow',
  'workflow_button',
  'rich_text_input',
  ...SELECTS,
  ...PICKERS,
  ...CHOICES,
]);
const ACCESSORY_ELEMENTS = new Set([
  'button',
  'overflow',
  'workflow_button',
  'image',
  ...SELECTS,
  ...PICKERS,
  ...CHOICES,
]);
const INPUT_ELEMENTS = new Set([...SELECTS, ...PICKERS, ...CHOICES, ...TEXT_INPUTS]);

/** Everything wrong with a payload, in document order; empty when Slack would accept it. Never throws. */
export function findBlockKitProblems(
  surface: Surface,
  payload: {
    blocks?: unknown;
    text?: unknown;
    title?: unknown;
    submit?: unknown;
    close?: unknown;
    callback_id?: unknown;
    private_metadata?: unknown;
  },
): BlockKitProblem[] {
  const problems: Problems = [];
  try {
    if (!isRecord(payload)) {
      problems.push({ pointer: '', message: 'must provide an object' });
      return problems;
    }
    checkPayload(problems, surface, payload);
  } catch {
    // Only a hostile value (a throwing getter or Proxy) gets here; callers still need an answer.
    problems.push({ pointer: '', message: 'could not be read' });
  }
  return problems;
}

/** Slack's `response_metadata.messages` form: `must be less than 3001 characters [json-pointer:/blocks/0/text/text]`. */
export function formatProblems(problems: BlockKitProblem[]): string[] {
  return problems.map((p) => `${p.message} [json-pointer:${p.pointer}]`);
}

function checkPayload(problems: Problems, surface: Surface, payload: Json): void {
  const L = BLOCK_LIMITS;
  if (surface === 'message') {
    checkString(problems, payload.text, '/text', { max: L.messageText });
  } else {
    if (surface === 'modal') {
      checkText(problems, payload.title, '/title', { max: L.viewTitle, plainOnly: true, required: true });
      checkText(problems, payload.submit, '/submit', { max: L.viewSubmit, plainOnly: true });
      checkText(problems, payload.close, '/close', { max: L.viewClose, plainOnly: true });
    }
    checkString(problems, payload.callback_id, '/callback_id', { max: L.callbackId });
    checkString(problems, payload.private_metadata, '/private_metadata', { max: L.privateMetadata });
  }

  const blocks: unknown = payload.blocks;
  if (blocks === undefined) {
    if (surface !== 'message')
      problems.push({ pointer: '/blocks', message: 'missing required field: blocks' });
    return;
  }
  if (!Array.isArray(blocks)) {
    problems.push({ pointer: '/blocks', message: 'must provide an array' });
    return;
  }
  const items: readonly unknown[] = blocks;
  const max = L.maxBlocks[surface];
  if (items.length > max) problems.push({ pointer: '/blocks', message: `no more than ${max} items allowed` });

  const blockIds = new Set<string>();
  let hasInput = false;
  for (const [index, block] of items.entries()) {
    const pointer = `/blocks/${index}`;
    checkBlock(problems, block, pointer);
    if (!isRecord(block)) continue;
    if (block.type === 'input') hasInput = true;
    if (typeof block.block_id === 'string') {
      if (blockIds.has(block.block_id))
        problems.push({ pointer: `${pointer}/block_id`, message: 'duplicate block_id' });
      blockIds.add(block.block_id);
    }
  }

  // Slack documents submit as required once a modal collects input; without it the form can't be sent.
  if (surface === 'modal' && hasInput && payload.submit === undefined) {
    problems.push({ pointer: '/submit', message: 'missing required field: submit' });
  }
}

function checkBlock(problems: Problems, block: unknown, pointer: string): void {
  const L = BLOCK_LIMITS;
  if (!isRecord(block)) {
    problems.push({ pointer, message: 'must provide an object' });
    return;
  }
  const type = block.type;
  if (type === undefined) {
    problems.push({ pointer: `${pointer}/type`, message: 'missing required field: type' });
    return;
  }
  if (typeof type !== 'string') {
    problems.push({ pointer: `${pointer}/type`, message: 'must provide a string' });
    return;
  }
  checkString(problems, block.block_id, `${pointer}/block_id`, { max: L.blockId, min: 1 });

  switch (type) {
    case 'header':
      checkText(problems, block.text, `${pointer}/text`, {
        max: L.headerText,
        plainOnly: true,
        required: true,
      });
      return;
    case 'section': {
      if (block.text === undefined && block.fields === undefined) {
        problems.push({ pointer: `${pointer}/text`, message: 'missing required field: text' });
      }
      checkText(problems, block.text, `${pointer}/text`, { max: L.sectionText });
      if (block.fields !== undefined) {
        const fields = checkArray(problems, block.fields, `${pointer}/fields`, {
          max: L.sectionFieldCount,
          min: 1,
        });
        for (const [i, field] of fields.entries()) {
          checkText(problems, field, `${pointer}/fields/${i}`, { max: L.sectionFieldText, required: true });
        }
      }
      if (block.accessory !== undefined) {
        checkElement(problems, block.accessory, `${pointer}/accessory`, ACCESSORY_ELEMENTS);
      }
      return;
    }
    case 'context': {
      const elements = checkArray(problems, block.elements, `${pointer}/elements`, {
        max: L.contextElements,
        min: 1,
        required: true,
      });
      for (const [i, element] of elements.entries()) {
        const at = `${pointer}/elements/${i}`;
        if (isRecord(element) && element.type === 'image') checkImage(problems, element, at, L.imageAltText);
        else checkText(problems, element, at, { max: L.textObject, required: true });
      }
      return;
    }
    case 'actions': {
      const elements = checkArray(problems, block.elements, `${pointer}/elements`, {
        max: L.actionsElements,
        min: 1,
        required: true,
      });
      const actionIds = new Set<string>();
      for (const [i, element] of elements.entries()) {
        const at = `${pointer}/elements/${i}`;
        checkElement(problems, element, at, ACTIONS_ELEMENTS);
        if (isRecord(element) && typeof element.action_id === 'string') {
          if (actionIds.has(element.action_id))
            problems.push({ pointer: `${at}/action_id`, message: 'duplicate action_id' });
          actionIds.add(element.action_id);
        }
      }
      return;
    }
    case 'divider':
      return;
    case 'image':
      checkImage(problems, block, pointer, L.imageAltText);
      checkText(problems, block.title, `${pointer}/title`, { max: L.imageTitle, plainOnly: true });
      return;
    case 'input':
      checkText(problems, block.label, `${pointer}/label`, {
        max: L.inputLabel,
        plainOnly: true,
        required: true,
      });
      checkText(problems, block.hint, `${pointer}/hint`, { max: L.inputHint, plainOnly: true });
      if (block.element === undefined) {
        problems.push({ pointer: `${pointer}/element`, message: 'missing required field: element' });
      } else {
        checkElement(problems, block.element, `${pointer}/element`, INPUT_ELEMENTS);
      }
      return;
    case 'markdown':
      checkString(problems, block.text, `${pointer}/text`, { max: L.markdownText, min: 1, required: true });
      return;
    // Valid Slack blocks whose insides we never build; checking them would only add false alarms.
    case 'rich_text':
    case 'file':
    case 'video':
      return;
    default:
      problems.push({ pointer: `${pointer}/type`, message: `unsupported block type "${type}"` });
  }
}

function checkElement(
  problems: Problems,
  element: unknown,
  pointer: string,
  allowed: ReadonlySet<string>,
): void {
  const L = BLOCK_LIMITS;
  if (!isRecord(element)) {
    problems.push({ pointer, message: 'must provide an object' });
    return;
  }
  const type = element.type;
  if (type === undefined) {
    problems.push({ pointer: `${pointer}/type`, message: 'missing required field: type' });
    return;
  }
  if (typeof type !== 'string') {
    problems.push({ pointer: `${pointer}/type`, message: 'must provide a string' });
    return;
  }
  if (!allowed.has(type)) {
    problems.push({ pointer: `${pointer}/type`, message: `unsupported type: ${type}` });
    return;
  }
  if (type !== 'image')
    checkString(problems, element.action_id, `${pointer}/action_id`, { max: L.actionId, min: 1 });
  if (type !== 'button' && type !== 'image' && type !== 'overflow' && !CHOICES.includes(type)) {
    checkText(problems, element.placeholder, `${pointer}/placeholder`, {
      max: L.placeholder,
      plainOnly: true,
    });
  }

  switch (type) {
    case 'button':
      checkText(problems, element.text, `${pointer}/text`, {
        max: L.buttonText,
        plainOnly: true,
        required: true,
      });
      checkString(problems, element.value, `${pointer}/value`, { max: L.buttonValue });
      checkString(problems, element.url, `${pointer}/url`, { max: L.url });
      if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
        problems.push({ pointer: `${pointer}/style`, message: 'must be one of: primary, danger' });
      }
      return;
    case 'image':
      checkImage(problems, element, pointer, L.imageAltText);
      return;
    case 'overflow':
      checkOptions(problems, element.options, `${pointer}/options`, L.overflowOptions, false);
      return;
    case 'checkboxes':
    case 'radio_buttons':
      checkOptions(problems, element.options, `${pointer}/options`, L.choiceOptions, true);
      return;
    case 'static_select':
    case 'multi_static_select':
      checkStaticSelect(problems, element, pointer);
      return;
    default:
  }
}

function checkStaticSelect(problems: Problems, element: Json, pointer: string): void {
  const L = BLOCK_LIMITS;
  if (element.options === undefined && element.option_groups === undefined) {
    problems.push({ pointer: `${pointer}/options`, message: 'missing required field: options' });
    return;
  }
  if (element.options !== undefined) {
    checkOptions(problems, element.options, `${pointer}/options`, L.staticSelectOptions, false);
  }
  if (element.option_groups !== undefined) {
    const groups = checkArray(problems, element.option_groups, `${pointer}/option_groups`, {
      max: L.staticSelectOptionGroups,
      min: 1,
    });
    for (const [i, group] of groups.entries()) {
      const at = `${pointer}/option_groups/${i}`;
      if (!isRecord(group)) {
        problems.push({ pointer: at, message: 'must provide an object' });
        continue;
      }
      checkText(problems, group.label, `${at}/label`, {
        max: L.optionGroupLabel,
        plainOnly: true,
        required: true,
      });
      checkOptions(problems, group.options, `${at}/options`, L.staticSelectOptions, false);
    }
  }
}

function checkOptions(
  problems: Problems,
  value: unknown,
  pointer: string,
  max: number,
  allowMrkdwn: boolean,
): void {
  const L = BLOCK_LIMITS;
  const options = checkArray(problems, value, pointer, { max, min: 1, required: true });
  for (const [i, option] of options.entries()) {
    const at = `${pointer}/${i}`;
    if (!isRecord(option)) {
      problems.push({ pointer: at, message: 'must provide an object' });
      continue;
    }
    checkText(problems, option.text, `${at}/text`, {
      max: L.optionText,
      plainOnly: !allowMrkdwn,
      required: true,
    });
    checkString(problems, option.value, `${at}/value`, { max: L.optionValue, min: 1, required: true });
    checkText(problems, option.description, `${at}/description`, {
      max: L.optionDescription,
      plainOnly: !allowMrkdwn,
    });
    checkString(problems, option.url, `${at}/url`, { max: L.url });
  }
}

/** Image block or image element: a URL (or a Slack-hosted file) and alt text are both required. */
function checkImage(problems: Problems, image: Json, pointer: string, maxAlt: number): void {
  if (image.slack_file === undefined) {
    checkString(problems, image.image_url, `${pointer}/image_url`, {
      max: BLOCK_LIMITS.url,
      min: 1,
      required: true,
    });
  }
  checkString(problems, image.alt_text, `${pointer}/alt_text`, { max: maxAlt, min: 1, required: true });
}

interface TextRule {
  max: number;
  /** Slack allows only `plain_text` here (headers, buttons, titles, labels, placeholders). */
  plainOnly?: boolean;
  required?: boolean;
}

function checkText(problems: Problems, value: unknown, pointer: string, rule: TextRule): void {
  if (value === undefined) {
    if (rule.required) problems.push({ pointer, message: `missing required field: ${lastSegment(pointer)}` });
    return;
  }
  if (!isRecord(value)) {
    problems.push({ pointer, message: 'must provide an object' });
    return;
  }
  const type = value.type;
  if (type === undefined) {
    problems.push({ pointer: `${pointer}/type`, message: 'missing required field: type' });
  } else if (typeof type !== 'string') {
    problems.push({ pointer: `${pointer}/type`, message: 'must provide a string' });
  } else if (type !== 'plain_text' && (rule.plainOnly || type !== 'mrkdwn')) {
    problems.push({ pointer: `${pointer}/type`, message: `unsupported type: ${type}` });
  }
  // Slack rejects empty text objects outright rather than rendering nothing.
  checkString(problems, value.text, `${pointer}/text`, { max: rule.max, min: 1, required: true });
}

interface StringRule {
  max: number;
  min?: number;
  required?: boolean;
}

function checkString(problems: Problems, value: unknown, pointer: string, rule: StringRule): void {
  if (value === undefined) {
    if (rule.required) problems.push({ pointer, message: `missing required field: ${lastSegment(pointer)}` });
    return;
  }
  if (typeof value !== 'string') {
    problems.push({ pointer, message: 'must provide a string' });
    return;
  }
  const length = characterCount(value);
  const min = rule.min ?? 0;
  if (length < min) problems.push({ pointer, message: `must be more than ${min - 1} characters` });
  else if (length > rule.max)
    problems.push({ pointer, message: `must be less than ${rule.max + 1} characters` });
}

interface ArrayRule {
  max: number;
  min?: number;
  required?: boolean;
}

/** Returns the array's items for further checks, or none when it is not an array. */
function checkArray(
  problems: Problems,
  value: unknown,
  pointer: string,
  rule: ArrayRule,
): readonly unknown[] {
  if (value === undefined) {
    if (rule.required) problems.push({ pointer, message: `missing required field: ${lastSegment(pointer)}` });
    return [];
  }
  if (!Array.isArray(value)) {
    problems.push({ pointer, message: 'must provide an array' });
    return [];
  }
  if (value.length > rule.max) problems.push({ pointer, message: `no more than ${rule.max} items allowed` });
  if (value.length < (rule.min ?? 0))
    problems.push({ pointer, message: `must provide at least ${rule.min} item` });
  return value;
}

// Slack counts characters, not UTF-16 units: an emoji is one character, not two.
function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function lastSegment(pointer: string): string {
  return pointer.slice(pointer.lastIndexOf('/') + 1);
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
