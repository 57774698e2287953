// Reading what outside systems answer: why a fetch failed, in a few words (ECONNREFUSED,
// ENOTFOUND, "bad port"), for probe errors; text that may not be JSON; a body read no further
// than a limit.

import { ProbeError } from './types.js';

export function networkReason(error: unknown): string {
  const cause = (
    error as { cause?: { code?: unknown; message?: unknown; errors?: Array<{ code?: unknown }> } }
  ).cause;
  if (typeof cause?.code === 'string') return cause.code;
  const nested = cause?.errors?.find((e) => typeof e.code === 'string')?.code;
  if (typeof nested === 'string') return nested;
  if (typeof cause?.message === 'string' && cause.message) return cause.message;
  return 'network error';
}

/** `text` parsed as JSON, or undefined when it is not JSON (JSON.parse never returns undefined). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The body as text, refused as soon as it passes `maxBytes` (declared or read): a source that
 * answers without end must not fill the bot's memory before the size is checked.
 */
export async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new ProbeError(`answer too large (${declared} bytes; at most ${maxBytes})`);
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new ProbeError(`answer too large (over ${maxBytes} bytes)`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
