// Known secret values (tokens, signing secret, webhook token) masked out of any text the bot
// shows or logs: a probe's stderr, an error message from a library, a URL. Masking by value
// catches what masking by key or by token shape misses (a Notion token inside a script's
// output, a webhook token echoed by a proxy).

import type { Env } from '../config.js';

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

  get size(): number {
    return this.values.length;
  }

  mask(text: string): string {
    let out = text;
    for (const value of this.values) if (out.includes(value)) out = out.replaceAll(value, MASK);
    return out;
  }
}

/** Every secret the environment holds. */
export function secretValues(env: Env): string[] {
  const transport = env.transport;
  return [
    transport.kind === 'http' ? transport.botToken : undefined,
    transport.kind === 'http' ? transport.signingSecret : undefined,
    transport.kind === 'socket' ? transport.botToken : undefined,
    transport.kind === 'socket' ? transport.appToken : undefined,
    env.notionToken,
    env.webhookToken,
  ].filter((v): v is string => v !== undefined);
}
