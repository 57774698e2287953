// Block Kit payload checks that answer the way Slack's Web API does (`invalid_blocks`, with one
// `message [json-pointer:/…]` line per problem). The offline Slack of shell mode, the test fake
// and the builders' unit tests share it, so a message that would bounce in Slack bounces here too.
// It checks only what TypeScript's Block Kit types cannot: lengths, counts and duplicate ids.

import { isRecord } from './wire.js';

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

const L = BLOCK_LIMITS;

// Limits by where a value stands: `<owner>.<key>` (owner: the nearest object's `type`, `option`
// for items of `options`, `option_group`, or the surface at the top), `<owner>.<key>[]` for
// items of an array, or the key alone wherever it stands.
const TEXT_MAX: Record<string, number> = {
  'message.text': L.messageText,
  'markdown.text': L.markdownText,
  'header.text': L.headerText,
  'section.text': L.sectionText,
  'section.fields[]': L.sectionFieldText,
  'button.text': L.buttonText,
  'button.value': L.buttonValue,
  'option.text': L.optionText,
  'option.value': L.optionValue,
  'option.description': L.optionDescription,
  'option_group.label': L.optionGroupLabel,
  'image.title': L.imageTitle,
  'input.label': L.inputLabel,
  'input.hint': L.inputHint,
  'view.title': L.viewTitle,
  'view.submit': L.viewSubmit,
  'view.close': L.viewClose,
  placeholder: L.placeholder,
  block_id: L.blockId,
  action_id: L.actionId,
  url: L.url,
  image_url: L.url,
  alt_text: L.imageAltText,
  callback_id: L.callbackId,
  private_metadata: L.privateMetadata,
};
/** Values that Slack refuses when empty. */
const NOT_EMPTY = new Set([
  'block_id',
  'action_id',
  'option.value',
  'alt_text',
  'image_url',
  'markdown.text',
]);
const COUNT_MAX: Record<string, number> = {
  'section.fields': L.sectionFieldCount,
  'context.elements': L.contextElements,
  'actions.elements': L.actionsElements,
  'static_select.options': L.staticSelectOptions,
  'multi_static_select.options': L.staticSelectOptions,
  'option_group.options': L.staticSelectOptions,
  option_groups: L.staticSelectOptionGroups,
  'overflow.options': L.overflowOptions,
  'checkboxes.options': L.choiceOptions,
  'radio_buttons.options': L.choiceOptions,
};
const ITEM_OWNER: Record<string, string> = { options: 'option', option_groups: 'option_group' };

type Json = Record<string, unknown>;

/** Everything wrong with a payload, in document order; empty when Slack would accept it. Never throws. */
export function findBlockKitProblems(surface: Surface, payload: object): BlockKitProblem[] {
  const check = new Checker();
  const { problems } = check;
  try {
    if (!isRecord(payload)) return [{ pointer: '', message: 'must provide an object' }];
    const owner = surface === 'message' ? 'message' : 'view';
    const blocks = Array.isArray(payload.blocks) ? (payload.blocks as unknown[]) : [];
    if (blocks.length > L.maxBlocks[surface])
      problems.push({ pointer: '/blocks', message: `no more than ${L.maxBlocks[surface]} items allowed` });
    for (const [key, value] of Object.entries(payload)) {
      // A message's text and a view's fields are checked only where they mean something.
      if (surface === 'message' ? key !== 'text' && key !== 'blocks' : key === 'text') continue;
      if (key !== 'blocks') check.value(value, `/${key}`, owner, key);
    }
    const blockIds = new Set<string>();
    for (const [index, block] of blocks.entries()) {
      const pointer = `/blocks/${index}`;
      if (!isRecord(block)) continue;
      check.object(block, pointer, 'block');
      if (typeof block.block_id === 'string') {
        if (blockIds.has(block.block_id))
          problems.push({ pointer: `${pointer}/block_id`, message: 'duplicate block_id' });
        blockIds.add(block.block_id);
      }
      if (block.type === 'actions' && Array.isArray(block.elements)) check.duplicateActionIds(block, pointer);
    }
    // Slack requires submit once a modal collects input; without it the form cannot be sent.
    const hasInput = blocks.some((b) => isRecord(b) && b.type === 'input');
    if (surface === 'modal' && hasInput && payload.submit === undefined)
      problems.push({ pointer: '/submit', message: 'missing required field: submit' });
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

/** Walks a payload's values, collecting what is wrong with them in document order. */
class Checker {
  readonly problems: BlockKitProblem[] = [];

  object(node: Json, pointer: string, inherited: string): void {
    const owner = typeof node.type === 'string' ? node.type : inherited;
    for (const [key, value] of Object.entries(node)) this.value(value, `${pointer}/${key}`, owner, key);
  }

  value(value: unknown, pointer: string, owner: string, key: string): void {
    const slot = `${owner}.${key}`;
    if (Array.isArray(value)) {
      const max = COUNT_MAX[slot] ?? COUNT_MAX[key];
      if (max !== undefined && value.length > max)
        this.problems.push({ pointer, message: `no more than ${max} items allowed` });
      const itemOwner = ITEM_OWNER[key] ?? owner;
      for (const [i, item] of value.entries()) {
        if (isTextObject(item)) this.text(item, `${pointer}/${i}`, TEXT_MAX[`${slot}[]`]);
        else if (isRecord(item)) this.object(item, `${pointer}/${i}`, itemOwner);
      }
    } else if (isTextObject(value)) {
      this.text(value, pointer, TEXT_MAX[slot] ?? TEXT_MAX[key]);
    } else if (typeof value === 'string') {
      const max = TEXT_MAX[slot] ?? TEXT_MAX[key];
      if (max !== undefined) this.length(value, pointer, max, NOT_EMPTY.has(slot) || NOT_EMPTY.has(key));
    } else if (isRecord(value)) {
      this.object(value, pointer, owner);
    }
  }

  text(text: Json, pointer: string, max: number = L.textObject): void {
    // Slack rejects empty text objects outright rather than rendering nothing.
    if (typeof text.text === 'string') this.length(text.text, `${pointer}/text`, max, true);
  }

  length(text: string, pointer: string, max: number, notEmpty: boolean): void {
    // Slack counts characters, not UTF-16 units: an emoji is one character, not two.
    const length = [...text].length;
    if (notEmpty && length === 0) this.problems.push({ pointer, message: 'must be more than 0 characters' });
    else if (length > max)
      this.problems.push({ pointer, message: `must be less than ${max + 1} characters` });
  }

  duplicateActionIds(block: Json, pointer: string): void {
    const seen = new Set<string>();
    for (const [i, element] of (block.elements as unknown[]).entries()) {
      if (!isRecord(element) || typeof element.action_id !== 'string') continue;
      if (seen.has(element.action_id))
        this.problems.push({ pointer: `${pointer}/elements/${i}/action_id`, message: 'duplicate action_id' });
      seen.add(element.action_id);
    }
  }
}

function isTextObject(value: unknown): value is Json {
  return isRecord(value) && (value.type === 'plain_text' || value.type === 'mrkdwn');
}
