// Small Block Kit constructors shared by the builders. They clamp text to Slack's limits so
// a long title or error text shortens visibly ("…") instead of making Slack reject a message.

import type { types } from '@slack/bolt';
import { clampText, wellFormed } from './text.js';

export type Block = types.KnownBlock;
export type Button = types.Button;

export const LIMIT = {
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  contextText: 2000,
  fieldText: 2000,
  fallbackText: 3000,
} as const;

/** Shortens `text` to `max` characters as Slack counts them (see clampText). */
export const clamp = clampText;

/**
 * Escapes the three characters Slack's mrkdwn treats as control characters, so `<!here>`,
 * `<@U123>` or `<http://evil|click>` in text from outside reach Slack as inert text. Used for
 * every mrkdwn field and every message's fallback `text` (which notifications render).
 */
export function escapeMrkdwn(text: string): string {
  return wellFormed(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Longest URL kept in a link (Slack refuses longer button URLs; links this long are junk). */
const MAX_URL = 2000;

/**
 * The URL as it may stand inside `<…|…>`: only http(s), normalised by the URL parser, with the
 * characters that could end the link or start another (`<`, `>`, `|`, spaces, quotes)
 * percent-encoded. Anything else (javascript:, mailto:, relative, unparsable) is undefined.
 */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const href = parsed.href.replace(
    /[<>|\s"'`]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return href.length <= MAX_URL ? href : undefined;
}

/** A mrkdwn link `<url|label>` with the label escaped; the bare label when the URL is not safe. */
export function link(url: string | undefined, label: string): string {
  const safe = safeUrl(url);
  const text = escapeMrkdwn(label);
  return safe ? `<${safe}|${text}>` : text;
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: clamp(text, LIMIT.headerText), emoji: true } };
}

export function section(mrkdwn: string, accessory?: Button): Block {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: clamp(mrkdwn, LIMIT.sectionText) },
    ...(accessory ? { accessory } : {}),
  };
}

export function fields(pairs: readonly string[]): Block {
  return {
    type: 'section',
    fields: pairs.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: clamp(text, LIMIT.fieldText) })),
  };
}

export function context(...texts: string[]): Block {
  return {
    type: 'context',
    elements: texts.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: clamp(text, LIMIT.contextText) })),
  };
}

export function divider(): Block {
  return { type: 'divider' };
}

export interface ButtonSpec {
  text: string;
  actionId: string;
  value?: string;
  url?: string;
  style?: 'primary' | 'danger';
}

export function button(spec: ButtonSpec): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: clamp(spec.text, LIMIT.buttonText), emoji: true },
    action_id: spec.actionId,
    ...(spec.value !== undefined ? { value: spec.value } : {}),
    ...(spec.url !== undefined ? { url: spec.url } : {}),
    ...(spec.style !== undefined ? { style: spec.style } : {}),
  };
}

export function actions(blockId: string | undefined, buttons: readonly Button[]): Block {
  return { type: 'actions', elements: buttons.slice(0, 25), ...(blockId ? { block_id: blockId } : {}) };
}

/** A message body: blocks plus the plain-text fallback Slack shows in notifications. */
export interface MessageContent {
  text: string;
  blocks: Block[];
}

/** Packs lines into sections of at most Slack's section text limit. */
export function packLines(lines: readonly string[], max = LIMIT.sectionText): Block[] {
  const blocks: Block[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clamp(raw, max);
    if (current && current.length + 1 + line.length > max) {
      blocks.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) blocks.push(section(current));
  return blocks;
}
