// Text from outside, made safe to keep and to show: normalised once at the edge (lone UTF-16
// surrogates become U+FFFD, control characters other than newline and tab are dropped), and
// looked up without reaching Object.prototype (a label called `constructor` is just a label).

// C0 controls except \t (09) and \n (0A), DEL, and C1 controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is removed
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A lone surrogate cannot be encoded as UTF-8 (Slack refuses the whole message, forever), and
 * control characters only confuse renderers; `\r\n` becomes `\n`.
 */
export function normalizeText(text: string): string {
  return wellFormed(text).replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

/** Lone surrogates replaced by U+FFFD, nothing else changed. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** A record with normalised keys and values, as a prototype-less object. */
export function normalizeRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(record)) out[normalizeText(key)] = normalizeText(value);
  return out;
}

/** `record[key]` for an untrusted key: only the record's own properties count. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Cuts `text` to at most `max` characters (code points, as Slack counts them), at a grapheme
 * boundary so no emoji or accented letter is cut in half, marking the cut with an ellipsis.
 */
export function clampText(input: string, max: number): string {
  // Whatever reaches Slack must be encodable: a lone surrogate left in stored data from an
  // older version (or any source not normalised at its edge) would make Slack refuse it.
  const text = wellFormed(input);
  // Code points ≤ UTF-16 units: short strings need no counting.
  if (text.length <= max) return text;
  let points = 0;
  for (const _ of text) {
    points += 1;
    if (points > max) break;
  }
  if (points <= max) return text;
  const budget = Math.max(0, max - 1);
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = [...segment].length;
    if (used + size > budget) break;
    out += segment;
    used += size;
  }
  return `${out}…`;
}
