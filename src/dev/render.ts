// Block Kit as plain console text for shell mode (in the spirit of Hubot's shell adapter): what a
// person would read in Slack, with every button numbered so it can be pressed by typing `press N`.
// Input is whatever the bot sent, so anything malformed is skipped rather than thrown on.

import { isRecord } from './wire.js';

export interface RenderedButton {
  number: number;
  text: string;
  actionId: string;
  blockId: string | undefined;
  value: string | undefined;
  url: string | undefined;
  style: string | undefined;
}

export interface Rendered {
  text: string;
  buttons: RenderedButton[];
}

interface RenderOptions {
  firstButtonNumber?: number;
}

type Json = Record<string, unknown>;

const DIVIDER = '─'.repeat(40);
const FIELD_GAP = '   ';
// Beyond this a long left field would push its neighbour off an 80-column terminal.
const MAX_FIELD_COLUMN = 36;

const EMOJI: Readonly<Record<string, string>> = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  warning: '⚠️',
  x: '❌',
  red_circle: '🔴',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  large_orange_circle: '🟠',
  large_blue_circle: '🔵',
  white_circle: '⚪',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  grey_question: '❔',
  question: '❓',
  grey_exclamation: '❕',
  arrow_up: '⬆️',
  arrow_down: '⬇️',
  arrow_right: '➡️',
  arrow_upper_right: '↗️',
  arrow_lower_right: '↘️',
  heavy_minus_sign: '➖',
  bell: '🔔',
  mute: '🔇',
  memo: '📝',
  bar_chart: '📊',
  chart_with_upwards_trend: '📈',
  chart_with_downwards_trend: '📉',
  rotating_light: '🚨',
  information_source: 'ℹ️',
  clock3: '🕒',
  zzz: '💤',
  no_entry: '⛔',
  link: '🔗',
  mag: '🔍',
  calendar: '📅',
  construction: '🚧',
  tada: '🎉',
  eyes: '👀',
  wave: '👋',
};

/** Renders a message's blocks, or its `text` when it has none. */
export function renderMessage(
  message: { text?: string; blocks?: readonly unknown[] },
  options?: RenderOptions,
): Rendered {
  // Blocks that render to nothing (all of unknown types) would leave a blank answer; the
  // notification text is what Slack itself would fall back to.
  return render(message, options, (source, body) =>
    body.text || body.buttons.length > 0 ? body : { text: mrkdwnToText(source.text), buttons: [] },
  );
}

/** Renders a modal or Home tab: title, blocks, then the submit/close labels a modal shows. */
export function renderView(
  view: { title?: unknown; blocks?: readonly unknown[]; submit?: unknown; close?: unknown },
  options?: RenderOptions,
): Rendered {
  return render(view, options, (source, body) => {
    const lines = underlined(plainText(source.title));
    if (body.text) lines.push(body.text);
    const close = plainText(source.close);
    const submit = plainText(source.submit);
    const footer = [close && `Close: ${close}`, submit && `Submit: ${submit}`].filter(Boolean);
    if (footer.length > 0) lines.push('', footer.join('  ·  '));
    return { text: lines.join('\n'), buttons: body.buttons };
  });
}

/** Renders the blocks of a message or view, then `finish` adds what surrounds them. */
function render(
  source: unknown,
  options: RenderOptions | undefined,
  finish: (source: Json, body: Rendered) => Rendered,
): Rendered {
  try {
    if (!isRecord(source)) return { text: '', buttons: [] };
    return finish(source, new Renderer(options?.firstButtonNumber).blocks(asArray(source.blocks)));
  } catch {
    // Only a hostile value (a throwing getter or Proxy) gets past the type checks; the console
    // should print an empty answer rather than die on it.
    return { text: '', buttons: [] };
  }
}

/**
 * Slack mrkdwn to readable text: links, mentions and dates become their visible labels, HTML
 * entities are unescaped, inline code loses its backticks and common emoji shortcodes become
 * Unicode. `*bold*` and `_italic_` markers stay, since a console shows them well enough as they are.
 */
export function mrkdwnToText(text: unknown): string {
  if (typeof text !== 'string') return '';
  const linked = text.replace(/<([^<>]*)>/g, (_match, inner: string) => special(inner));
  // Inline code loses its backticks (a console has no monospace to switch to); ``` fences stay
  // so a code block still reads as one.
  const uncoded = linked.replace(/(?<!`)`([^`\n]+)`(?!`)/g, '$1');
  return unescapeEntities(emojify(uncoded));
}

function special(inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : inner.slice(bar + 1);
  const sigil = target.charAt(0);
  if (sigil === '@' || sigil === '#')
    return label ? `${sigil}${label.startsWith(sigil) ? label.slice(1) : label}` : target;
  if (sigil === '!') {
    const command = target.slice(1);
    if (command === 'here' || command === 'channel' || command === 'everyone') return `@${command}`;
    if (label) return label;
    // `<!subteam^S123>` without a label: the group's ID is the best we have.
    return `@${command.slice(command.indexOf('^') + 1)}`;
  }
  if (!label || label === target) return target;
  return `${label} (${target})`;
}

function emojify(text: string): string {
  return text.replace(
    /:([a-z0-9_+-]+):/g,
    (match, name: string) => (Object.hasOwn(EMOJI, name) ? EMOJI[name] : undefined) ?? match,
  );
}

function unescapeEntities(text: string): string {
  // One pass, so `&amp;lt;` becomes `&lt;` and not `<`.
  return text.replace(/&(lt|gt|amp);/g, (_match, name: string) =>
    name === 'lt' ? '<' : name === 'gt' ? '>' : '&',
  );
}

class Renderer {
  private next: number;
  private readonly buttons: RenderedButton[] = [];

  constructor(firstButtonNumber: number | undefined) {
    this.next =
      typeof firstButtonNumber === 'number' && Number.isFinite(firstButtonNumber)
        ? Math.floor(firstButtonNumber)
        : 1;
  }

  blocks(blocks: readonly unknown[]): Rendered {
    const lines: string[] = [];
    for (const block of blocks) {
      try {
        lines.push(...this.block(block));
      } catch {
        // A block we cannot read is skipped so the rest of the message still shows.
      }
    }
    return { text: lines.join('\n'), buttons: this.buttons };
  }

  private block(block: unknown): string[] {
    if (!isRecord(block)) return [];
    const blockId = typeof block.block_id === 'string' ? block.block_id : undefined;
    switch (block.type) {
      case 'header':
        return underlined(plainText(block.text));
      case 'section':
        return this.section(block, blockId);
      case 'context': {
        const parts = asArray(block.elements).map(contextElement).filter(Boolean);
        return parts.length > 0 ? [parts.join('  ·  ')] : [];
      }
      case 'divider':
        return [DIVIDER];
      case 'actions': {
        const parts = asArray(block.elements)
          .map((element) => this.element(element, blockId))
          .filter(Boolean);
        return parts.length > 0 ? [parts.join('  ')] : [];
      }
      case 'image':
        return [imageLabel(block)];
      case 'input':
        return input(block);
      case 'markdown':
        return typeof block.text === 'string' ? [block.text] : [];
      case 'rich_text':
        return richText(block.elements);
      default:
        return [];
    }
  }

  private section(block: Json, blockId: string | undefined): string[] {
    const lines: string[] = [];
    const text = textObject(block.text);
    if (text) lines.push(text);
    const cells = asArray(block.fields).map((field) => oneLine(textObject(field)));
    const left = Math.min(
      MAX_FIELD_COLUMN,
      cells.reduce((max, cell, i) => (i % 2 === 0 ? Math.max(max, width(cell)) : max), 0),
    );
    for (let i = 0; i < cells.length; i += 2) {
      const first = cells[i] ?? '';
      const second = cells[i + 1];
      lines.push(
        second ? `${first}${' '.repeat(Math.max(0, left - width(first)))}${FIELD_GAP}${second}` : first,
      );
    }
    const accessory = this.element(block.accessory, blockId);
    if (accessory) lines.push(accessory);
    return lines;
  }

  /** One interactive element as inline text; buttons get the next number. */
  private element(element: unknown, blockId: string | undefined): string {
    if (!isRecord(element)) return '';
    switch (element.type) {
      case 'button': {
        const text = plainText(element.text) || 'Button';
        const button: RenderedButton = {
          number: this.next,
          text,
          actionId: typeof element.action_id === 'string' ? element.action_id : '',
          blockId,
          value: typeof element.value === 'string' ? element.value : undefined,
          url: typeof element.url === 'string' ? element.url : undefined,
          style: typeof element.style === 'string' ? element.style : undefined,
        };
        this.next += 1;
        this.buttons.push(button);
        return button.url ? `[${button.number}] ${text} (${button.url})` : `[${button.number}] ${text}`;
      }
      case 'image':
        return imageLabel(element);
      case 'overflow':
        return `(more: ${optionTexts(element).join(' / ')})`;
      default: {
        const choices = optionTexts(element);
        const placeholder = plainText(element.placeholder);
        if (choices.length > 0) return `(${placeholder ? `${placeholder}: ` : ''}${choices.join(' / ')})`;
        return placeholder ? `(${placeholder})` : '';
      }
    }
  }
}

function contextElement(element: unknown): string {
  if (!isRecord(element)) return '';
  if (element.type === 'image') return imageLabel(element);
  return oneLine(textObject(element));
}

function input(block: Json): string[] {
  const label = plainText(block.label) || 'Input';
  const optional = block.optional === true ? ' (optional)' : '';
  const lines = [`${label}${optional}: (input)`];
  const element = isRecord(block.element) ? block.element : {};
  for (const choice of optionTexts(element)) lines.push(`  • ${choice}`);
  const hint = plainText(block.hint);
  if (hint) lines.push(`  (${hint})`);
  return lines;
}

/** Visible texts of an element's options, flattening option groups. */
function optionTexts(element: Json): string[] {
  const options = [
    ...asArray(element.options),
    ...asArray(element.option_groups).flatMap((group) => (isRecord(group) ? asArray(group.options) : [])),
  ];
  return options.map((option) => (isRecord(option) ? oneLine(textObject(option.text)) : '')).filter(Boolean);
}

function imageLabel(image: Json): string {
  const alt = typeof image.alt_text === 'string' ? image.alt_text : plainText(image.title);
  return `[image: ${alt}]`;
}

/** Rich text is what Slack's own composer sends; flatten it to its words. */
function richText(elements: unknown): string[] {
  return asArray(elements)
    .filter(isRecord)
    .flatMap((element) => {
      if (element.type === 'rich_text_list')
        return asArray(element.elements)
          .filter(isRecord)
          .map((item) => `• ${inlineRichText(item.elements)}`);
      const prefix = element.type === 'rich_text_quote' ? '> ' : '';
      return inlineRichText(element.elements)
        .split('\n')
        .map((line) => `${prefix}${line}`);
    });
}

function inlineRichText(elements: unknown): string {
  return asArray(elements)
    .map((element) => {
      if (!isRecord(element)) return '';
      switch (element.type) {
        case 'text':
          return typeof element.text === 'string' ? element.text : '';
        case 'link': {
          const url = typeof element.url === 'string' ? element.url : '';
          const label = typeof element.text === 'string' ? element.text : '';
          return label && label !== url ? `${label} (${url})` : url;
        }
        case 'user':
          return `@${String(element.user_id)}`;
        case 'channel':
          return `#${String(element.channel_id)}`;
        case 'usergroup':
          return `@${String(element.usergroup_id)}`;
        case 'broadcast':
          return `@${String(element.range)}`;
        case 'emoji':
          return typeof element.name === 'string' ? emojify(`:${element.name}:`) : '';
        default:
          return '';
      }
    })
    .join('');
}

/** A text object of either kind, as it would read in Slack. */
function textObject(value: unknown): string {
  if (!isRecord(value) || typeof value.text !== 'string') return '';
  return value.type === 'mrkdwn' ? mrkdwnToText(value.text) : plainText(value);
}

/** plain_text is shown verbatim apart from emoji shortcodes, which Slack expands unless `emoji: false`. */
function plainText(value: unknown): string {
  if (!isRecord(value) || typeof value.text !== 'string') return '';
  return value.emoji === false ? value.text : emojify(value.text);
}

function oneLine(text: string): string {
  return text
    .trim()
    .split(/\s*\n\s*/)
    .filter(Boolean)
    .join(' ');
}

// Code points, so an emoji counts once when underlining or padding.
function width(text: string): number {
  return [...text].length;
}

/** A title and its `===` underline, or nothing when there is no title. */
function underlined(title: string): string[] {
  return title ? [title, '='.repeat(width(title))] : [];
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
