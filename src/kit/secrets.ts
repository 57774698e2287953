// Known secret values (tokens, signing secret, webhook token) masked out of any text the bot
// shows or logs: a probe's stderr, an error message from a library, a URL. Masking by value
// catches what masking by key or by token shape misses (a Notion token inside a script's
// output, a webhook token echoed by a proxy).

export const MASK = '[secret]';

/** Secrets shorter than this are not masked by value: "abc" would mangle ordinary text. */
const MIN_MASKED_LENGTH = 6;

export class SecretMasker {
  private readonly values: readonly string[];

  constructor(values: Iterable<string | undefined>) {
    // Longest first, so a secret that contains another is masked whole.
    this.values = [
      ...new Set([...values].filter((v): v is string => (v?.length ?? 0) >= MIN_MASKED_LENGTH)),
    ].sort((a, b) => b.length - a.length);
  }

  /** Length of the longest secret: a text cut at its start may begin with part of one. */
  get longest(): number {
    return this.values[0]?.length ?? 0;
  }

  mask(text: string): string {
    let out = text;
    for (const value of this.values) if (out.includes(value)) out = out.replaceAll(value, MASK);
    return out;
  }

  /**
   * A copy of `value` with every string in it masked: arrays, plain objects and errors
   * (message, stack, own fields) are walked; numbers, booleans and the like pass through.
   */
  maskDeep<T>(value: T): T {
    return maskWith(value, (text) => this.mask(text), new WeakSet()) as T;
  }
}

/** Deeper structures than this are not walked (log fields and results are shallow). */
const MAX_DEPTH = 8;

/** `value` with `mask` applied to every string in it; used for log lines and stored results. */
export function maskWith(
  value: unknown,
  mask: (text: string) => string,
  seen: WeakSet<object> = new WeakSet(),
  depth = 0,
): unknown {
  if (typeof value === 'string') return mask(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (seen.has(value)) return '[circular]';
  const prototype = Object.getPrototypeOf(value);
  // Class instances (a Date, a Buffer, a client) are left to their own serialisation.
  const plain = prototype === Object.prototype || prototype === null;
  if (!plain && !Array.isArray(value) && !(value instanceof Error)) return value;
  // `seen` holds the ancestors only, so a shared (not circular) object is walked each time.
  seen.add(value);
  try {
    const walk = (field: unknown) => maskWith(field, mask, seen, depth + 1);
    if (Array.isArray(value)) return value.map(walk);
    if (value instanceof Error) {
      const copy = new Error(mask(value.message));
      copy.name = value.name;
      copy.stack = value.stack === undefined ? undefined : mask(value.stack);
      for (const [key, field] of Object.entries(value))
        (copy as unknown as Record<string, unknown>)[key] = walk(field);
      return copy;
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) out[key] = walk(field);
    return out;
  } finally {
    seen.delete(value);
  }
}
